"""Which comment is ours, and whether to create, edit or leave it."""

from __future__ import annotations

from inferencekey_ensure.flow.sticky import (
    COMMENT_ALWAYS,
    COMMENT_NEVER,
    COMMENT_ON_CHANGE,
    CREATE_COMMENT,
    SKIP_COMMENT,
    UPDATE_COMMENT,
    decide,
)
from inferencekey_ensure.github.comments_api import IssueComment
from inferencekey_ensure.github.sticky import DEFAULT_TOKEN_LOGIN, authored_by, find_ours, own

MARKER = "<!-- ik-ensure:comment-key=default -->"


def comment(comment_id: int, body: str, author_type: str = "Bot", login: str = "github-actions[bot]") -> IssueComment:
    return IssueComment(comment_id, body, f"https://github.example/c/{comment_id}", author_type, login, f"IC_{comment_id}")


def test_ours_is_our_tokens_comment_that_starts_with_the_marker_for_our_key() -> None:
    comments = [
        comment(1, "LGTM", "User", "alice"),
        comment(2, "<!-- ik-ensure:comment-key=staging -->\nstaging report"),
        comment(3, f"> {MARKER}\nquoted by a reviewer", "User", "alice"),
        comment(4, f"{MARKER}\nour report"),
    ]
    assert own(comments, MARKER, "github-actions") == [comments[3]]
    assert find_ours(own(comments, MARKER, "github-actions"), set()) == comments[3]


def test_a_copy_of_the_marker_by_a_user_or_another_bot_is_never_ours_whatever_its_body() -> None:
    mallory = comment(1, f"{MARKER}\nfake", "User", "mallory")
    other_bot = comment(2, f"{MARKER}\nfake", "Bot", "renovate[bot]")
    assert own([mallory, other_bot], MARKER, "github-actions") == []
    assert own([mallory, other_bot], MARKER, DEFAULT_TOKEN_LOGIN) == []


def test_graphql_names_a_bot_without_the_bot_suffix_that_rest_shows() -> None:
    assert authored_by(comment(1, MARKER, "Bot", "github-actions[bot]"), "github-actions")
    assert authored_by(comment(1, MARKER, "Bot", "Ik-Ensure-App[bot]"), "ik-ensure-app")
    assert authored_by(comment(1, MARKER, "Bot", "github-actions[bot]"), DEFAULT_TOKEN_LOGIN)


def test_a_user_named_like_the_bot_is_not_the_bot_and_the_bot_is_not_the_user() -> None:
    assert not authored_by(comment(1, MARKER, "User", "github-actions"), DEFAULT_TOKEN_LOGIN)
    assert not authored_by(comment(1, MARKER, "Bot", "github-actions[bot]"), "octocat")
    assert authored_by(comment(1, MARKER, "User", "OctoCat"), "octocat")
    assert not authored_by(comment(1, MARKER, "User", "octocat2"), "octocat")


def test_the_oldest_visible_own_comment_wins_and_a_minimized_one_is_never_reused() -> None:
    hidden, first, duplicate = comment(1, f"{MARKER}\na"), comment(2, f"{MARKER}\nb"), comment(3, f"{MARKER}\nc")
    assert find_ours([hidden, first, duplicate], {"IC_1"}) == first
    assert find_ours([hidden], {"IC_1"}) is None
    assert find_ours([], set()) is None


def test_never_never_comments() -> None:
    assert decide(COMMENT_NEVER, comment(1, MARKER), "new", worth_reporting=True).action == SKIP_COMMENT


def test_an_existing_comment_is_edited_even_when_drift_is_gone() -> None:
    for policy in (COMMENT_ON_CHANGE, COMMENT_ALWAYS):
        decision = decide(policy, comment(9, f"{MARKER}\nold drift"), f"{MARKER}\nno changes", worth_reporting=False)
        assert (decision.action, decision.comment_id) == (UPDATE_COMMENT, 9)


def test_an_identical_comment_is_left_alone() -> None:
    body = f"{MARKER}\nsame"
    assert decide(COMMENT_ON_CHANGE, comment(9, body), body, worth_reporting=True).action == SKIP_COMMENT


def test_on_change_creates_only_when_there_is_something_to_report() -> None:
    assert decide(COMMENT_ON_CHANGE, None, "body", worth_reporting=True).action == CREATE_COMMENT
    assert decide(COMMENT_ON_CHANGE, None, "body", worth_reporting=False).action == SKIP_COMMENT


def test_always_creates_a_comment_even_without_changes() -> None:
    assert decide(COMMENT_ALWAYS, None, "body", worth_reporting=False).action == CREATE_COMMENT
