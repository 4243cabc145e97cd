"""The sticky comment against a fake GitHub API on loopback: pagination, retries, permissions."""

from __future__ import annotations

from typing import Iterator, List

import pytest

from inferencekey_ensure.flow.sticky import COMMENT_ALWAYS, COMMENT_NEVER, COMMENT_ON_CHANGE
from inferencekey_ensure.github.comment_sync import (
    COMMENT_CREATED,
    COMMENT_SKIPPED,
    COMMENT_UNCHANGED,
    COMMENT_UPDATED,
    sync_comment,
)
from inferencekey_ensure.github.comments_api import (
    OUTCOME_UNKNOWN,
    PERMISSION,
    RATE_LIMITED,
    SERVER,
    CommentRetryPolicy,
    CommentsApi,
    GitHubApiError,
)
from inferencekey_ensure.pacing import Timing
from support.fake_github import (
    GITHUB_ACTIONS,
    GRAPHQL,
    NO_PERMISSION_MESSAGE,
    SECONDARY_RATE_LIMIT_MESSAGE,
    Account,
    FakeGitHub,
    Fault,
)

TOKEN = "ghs_fakeGitHubToken0123456789"
REPO = "acme/infra"
MARKER = "<!-- ik-ensure:comment-key=default -->"


@pytest.fixture()
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


@pytest.fixture()
def sleeps() -> List[float]:
    return []


@pytest.fixture()
def api(github: FakeGitHub, sleeps: List[float]) -> Iterator[CommentsApi]:
    with CommentsApi(github.url, TOKEN, REPO, retry=CommentRetryPolicy(attempts=4, base_delay_s=0.5),
                     timing=Timing(sleep=sleeps.append, wall=lambda: 1000.0)) as client:
        yield client


def body(text: str) -> str:
    return f"{MARKER}\n{text}"


def test_first_report_creates_one_comment_with_the_api_headers(github: FakeGitHub, api: CommentsApi) -> None:
    result = sync_comment(api, 7, MARKER, body("drift"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert result.outcome == COMMENT_CREATED and result.url and result.url.endswith(str(github.comments_on(REPO, 7)[0]["id"]))
    assert [c["body"] for c in github.comments_on(REPO, 7)] == [body("drift")]
    post = github.requests_of("POST")[0]
    assert post.path == "/repos/acme/infra/issues/7/comments"
    assert post.headers["Authorization"] == f"Bearer {TOKEN}"
    assert post.headers["Accept"] == "application/vnd.github+json"
    assert post.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert github.requests_of("GET")[0].query["per_page"] == ["100"]


def test_our_comment_on_page_three_is_found_and_edited_not_duplicated(github: FakeGitHub, api: CommentsApi) -> None:
    for index in range(230):
        github.seed(REPO, 7, f"chatter {index}")
    ours = github.seed(REPO, 7, body("old drift"), user_type="Bot")
    for index in range(5):
        github.seed(REPO, 7, f"later chatter {index}")
    result = sync_comment(api, 7, MARKER, body("no changes"), COMMENT_ON_CHANGE, worth_reporting=False)
    assert result.outcome == COMMENT_UPDATED
    assert [r.query.get("page", ["1"]) for r in github.requests_of("GET")] == [["1"], ["2"], ["3"]]
    assert github.requests_of("POST") == []
    patched = github.requests_of("PATCH")
    assert len(patched) == 1 and patched[0].path == f"/repos/acme/infra/issues/comments/{ours['id']}"
    assert sum(1 for c in github.comments_on(REPO, 7) if c["body"].startswith(MARKER)) == 1


def test_a_pr_that_never_had_changes_gets_no_comment_under_on_change(github: FakeGitHub, api: CommentsApi) -> None:
    result = sync_comment(api, 7, MARKER, body("no changes"), COMMENT_ON_CHANGE, worth_reporting=False)
    assert result.outcome == COMMENT_SKIPPED and github.comments_on(REPO, 7) == []


def test_always_comments_even_without_changes(github: FakeGitHub, api: CommentsApi) -> None:
    assert sync_comment(api, 7, MARKER, body("no changes"), COMMENT_ALWAYS, worth_reporting=False).outcome == COMMENT_CREATED


def test_never_makes_no_request(github: FakeGitHub, api: CommentsApi) -> None:
    assert sync_comment(api, 7, MARKER, body("x"), COMMENT_NEVER, worth_reporting=True).outcome == COMMENT_SKIPPED
    assert github.requests == []


def test_an_up_to_date_comment_is_not_rewritten(github: FakeGitHub, api: CommentsApi) -> None:
    github.seed(REPO, 7, body("same"), user_type="Bot")
    assert sync_comment(api, 7, MARKER, body("same"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_UNCHANGED
    assert github.requests_of("PATCH") == []


def test_two_comment_keys_keep_two_comments(github: FakeGitHub, api: CommentsApi) -> None:
    staging = "<!-- ik-ensure:comment-key=staging -->"
    sync_comment(api, 7, MARKER, body("prod"), COMMENT_ON_CHANGE, worth_reporting=True)
    sync_comment(api, 7, staging, f"{staging}\nstaging", COMMENT_ON_CHANGE, worth_reporting=True)
    sync_comment(api, 7, MARKER, body("prod v2"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert [c["body"] for c in github.comments_on(REPO, 7)] == [body("prod v2"), f"{staging}\nstaging"]


def test_server_errors_when_listing_are_retried_with_backoff(github: FakeGitHub, api: CommentsApi, sleeps: List[float]) -> None:
    github.fail(Fault("GET", 502, times=2))
    assert sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_CREATED
    assert sleeps == [0.5, 1.0]


def test_secondary_rate_limit_waits_retry_after(github: FakeGitHub, api: CommentsApi, sleeps: List[float]) -> None:
    github.fail(Fault("POST", 403, headers={"Retry-After": "3"}, message=SECONDARY_RATE_LIMIT_MESSAGE))
    assert sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_CREATED
    assert sleeps == [3.0]
    assert len(github.comments_on(REPO, 7)) == 1


def test_secondary_rate_limit_without_headers_backs_off(github: FakeGitHub, api: CommentsApi, sleeps: List[float]) -> None:
    github.fail(Fault("GET", 403, message=SECONDARY_RATE_LIMIT_MESSAGE))
    sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert sleeps == [0.5]


def test_primary_rate_limit_waits_until_the_reset(github: FakeGitHub, api: CommentsApi, sleeps: List[float]) -> None:
    github.fail(Fault("GET", 429, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1004"}, message="API rate limit exceeded"))
    sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert sleeps == [4.0]


def test_a_rate_limit_too_long_to_wait_gives_up_at_once(github: FakeGitHub, api: CommentsApi, sleeps: List[float]) -> None:
    github.fail(Fault("GET", 403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4600"}, message="API rate limit exceeded"))
    with pytest.raises(GitHubApiError) as raised:
        sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert raised.value.kind == RATE_LIMITED and sleeps == []


def test_persistent_server_errors_give_up_after_the_attempt_budget(github: FakeGitHub, api: CommentsApi, sleeps: List[float]) -> None:
    github.fail(Fault("GET", 503, times=10))
    with pytest.raises(GitHubApiError) as raised:
        sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert raised.value.kind == SERVER and len(github.requests_of("GET")) == 4 and len(sleeps) == 3


def test_403_without_rate_limit_signs_is_a_missing_permission_at_once(github: FakeGitHub, api: CommentsApi, sleeps: List[float]) -> None:
    github.read_only = True
    with pytest.raises(GitHubApiError) as raised:
        sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert raised.value.kind == PERMISSION and NO_PERMISSION_MESSAGE in str(raised.value)
    assert len(github.requests_of("POST")) == 1 and sleeps == []


def test_a_create_stored_but_answered_502_is_not_posted_twice(github: FakeGitHub, api: CommentsApi) -> None:
    github.fail(Fault("POST", 502, store_first=True))
    result = sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert result.outcome == COMMENT_CREATED
    assert len(github.comments_on(REPO, 7)) == 1 and len(github.requests_of("POST")) == 1


def test_a_create_lost_before_it_was_stored_is_posted_again(github: FakeGitHub, api: CommentsApi) -> None:
    github.fail(Fault("POST", 502))
    assert sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_CREATED
    assert len(github.comments_on(REPO, 7)) == 1 and len(github.requests_of("POST")) == 2


def test_a_create_answered_5xx_is_never_blindly_retried(github: FakeGitHub, api: CommentsApi) -> None:
    github.fail(Fault("POST", 500, store_first=True))
    with pytest.raises(GitHubApiError) as raised:
        api.create_comment(7, body("x"))
    assert raised.value.kind == OUTCOME_UNKNOWN and len(github.requests_of("POST")) == 1


def test_a_pagination_link_to_another_host_is_not_followed(github: FakeGitHub, api: CommentsApi) -> None:
    github.per_page_cap = 1
    github.link_base = "http://127.0.0.2:9"
    github.seed(REPO, 7, "a")
    github.seed(REPO, 7, "b")
    with pytest.raises(GitHubApiError, match="another host"):
        api.list_comments(7)
    assert len(github.requests) == 1


# --- whose comment it is ----------------------------------------------------------

MALLORY = Account("mallory")
RENOVATE = Account("renovate[bot]", "Bot")


def test_a_users_copy_of_the_marker_is_left_untouched_and_our_own_is_posted_then_found(
    github: FakeGitHub, api: CommentsApi
) -> None:
    planted = github.seed(REPO, 7, body("approve me"), author=MALLORY)
    assert sync_comment(api, 7, MARKER, body("drift"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_CREATED
    assert sync_comment(api, 7, MARKER, body("no changes"), COMMENT_ON_CHANGE, worth_reporting=False).outcome == COMMENT_UPDATED
    first, ours = github.comments_on(REPO, 7)
    assert first == planted
    assert ours["user"] == {"login": "github-actions[bot]", "type": "Bot"} and ours["body"] == body("no changes")
    assert github.requests_of("PATCH")[0].path == f"/repos/acme/infra/issues/comments/{ours['id']}"


def test_another_bots_comment_with_our_marker_is_not_ours(github: FakeGitHub, api: CommentsApi) -> None:
    planted = github.seed(REPO, 7, body("old"), author=RENOVATE)
    assert sync_comment(api, 7, MARKER, body("old"), COMMENT_ON_CHANGE, worth_reporting=False).outcome == COMMENT_SKIPPED
    assert sync_comment(api, 7, MARKER, body("drift"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_CREATED
    assert github.comments_on(REPO, 7)[0] == planted and github.requests_of("PATCH") == []


def test_a_minimized_own_comment_is_not_reused_and_the_new_one_is_found_next_time(
    github: FakeGitHub, api: CommentsApi
) -> None:
    hidden = github.seed(REPO, 7, body("old drift"), user_type="Bot")
    github.minimize(hidden["id"])
    assert sync_comment(api, 7, MARKER, body("drift"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_CREATED
    assert sync_comment(api, 7, MARKER, body("drift v2"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_UPDATED
    old, new = github.comments_on(REPO, 7)
    assert old == hidden and new["body"] == body("drift v2")
    asked = [request.body["variables"]["ids"] for request in github.requests_of(GRAPHQL) if "ids" in request.body["variables"]]
    assert asked == [[hidden["node_id"]], sorted([hidden["node_id"], new["node_id"]])]


def test_identity_is_the_graphql_viewer_for_a_personal_token(github: FakeGitHub) -> None:
    github.add_token("ghp_octocatToken000", Account("octocat"))
    github.seed(REPO, 7, body("a bot's"), user_type="Bot")
    mine = github.seed(REPO, 7, body("mine"), author=Account("octocat"))
    with CommentsApi(github.url, "ghp_octocatToken000", REPO, graphql_url=github.graphql_url) as client:
        assert client.viewer_login() == "octocat"
        assert sync_comment(client, 7, MARKER, body("mine v2"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_UPDATED
    assert [c["body"] for c in github.comments_on(REPO, 7)] == [body("a bot's"), body("mine v2")]
    assert github.requests_of("PATCH")[0].path.endswith(str(mine["id"]))


def test_graphql_names_the_default_token_without_the_bot_suffix(github: FakeGitHub, api: CommentsApi) -> None:
    assert api.viewer_login() == "github-actions"
    viewer = github.requests_of(GRAPHQL)[0]
    assert viewer.path == "/graphql" and viewer.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "viewer" in viewer.body["query"]


def test_a_token_refused_the_viewer_query_falls_back_to_the_default_tokens_bot() -> None:
    with FakeGitHub(token=TOKEN, account=Account("github-actions[bot]", "Bot", may_ask_viewer=False)) as github:
        github.seed(REPO, 7, body("planted"), author=MALLORY)
        ours = github.seed(REPO, 7, body("old"), author=GITHUB_ACTIONS)
        with CommentsApi(github.url, TOKEN, REPO) as client:
            assert client.viewer_login() is None
            assert sync_comment(client, 7, MARKER, body("new"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_UPDATED
        assert github.requests_of("PATCH")[0].path.endswith(str(ours["id"]))


def test_no_graphql_question_is_asked_while_no_comment_carries_the_marker(github: FakeGitHub, api: CommentsApi) -> None:
    github.seed(REPO, 7, "LGTM")
    sync_comment(api, 7, MARKER, body("drift"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert github.requests_of(GRAPHQL) == []


def test_who_we_are_is_asked_once_even_when_a_lost_create_is_looked_for(github: FakeGitHub, api: CommentsApi) -> None:
    github.seed(REPO, 7, body("planted"), author=MALLORY)
    github.fail(Fault("POST", 502, store_first=True))
    assert sync_comment(api, 7, MARKER, body("x"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_CREATED
    assert len(github.comments_on(REPO, 7)) == 2 and len(github.requests_of("POST")) == 1
    viewer_queries = [r for r in github.requests_of(GRAPHQL) if "viewer" in r.body["query"]]
    assert len(viewer_queries) == 1


def test_graphql_server_errors_are_retried(github: FakeGitHub, api: CommentsApi, sleeps: List[float]) -> None:
    github.seed(REPO, 7, body("old"), user_type="Bot")
    github.fail(Fault(GRAPHQL, 502, times=2))
    assert sync_comment(api, 7, MARKER, body("new"), COMMENT_ON_CHANGE, worth_reporting=True).outcome == COMMENT_UPDATED
    assert sleeps == [0.5, 1.0]


def test_when_github_cannot_say_who_we_are_nothing_is_written(github: FakeGitHub, api: CommentsApi) -> None:
    github.seed(REPO, 7, body("old"), user_type="Bot")
    github.fail(Fault(GRAPHQL, 503, times=10))
    with pytest.raises(GitHubApiError) as raised:
        sync_comment(api, 7, MARKER, body("new"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert raised.value.kind == SERVER
    assert github.requests_of("POST") == [] and github.requests_of("PATCH") == []


def test_a_graphql_rate_limit_reported_in_the_body_is_a_rate_limit(github: FakeGitHub, api: CommentsApi) -> None:
    github.seed(REPO, 7, body("old"), user_type="Bot")
    github.graphql_errors.append({"type": "RATE_LIMITED", "message": "API rate limit exceeded"})
    with pytest.raises(GitHubApiError) as raised:
        sync_comment(api, 7, MARKER, body("new"), COMMENT_ON_CHANGE, worth_reporting=True)
    assert raised.value.kind == RATE_LIMITED and github.requests_of("PATCH") == []


def test_a_comment_deleted_since_it_was_listed_does_not_fail_the_minimized_query(
    github: FakeGitHub, api: CommentsApi
) -> None:
    hidden = github.seed(REPO, 7, body("old"), user_type="Bot")
    github.minimize(hidden["id"])
    assert api.minimized(["IC_deleted", hidden["node_id"]]) == {hidden["node_id"]}
