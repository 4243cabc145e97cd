"""The runner's environment and event payload, read once into a context."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

from inferencekey_ensure.github.context import context_from, read_event

ENV = {
    "GITHUB_EVENT_NAME": "pull_request",
    "GITHUB_REPOSITORY": "acme/infra",
    "GITHUB_API_URL": "https://ghes.example/api/v3/",
    "GITHUB_SERVER_URL": "https://ghes.example",
    "GITHUB_RUN_ID": "42",
    "GITHUB_SHA": "merge0000000000",
}


def pr_event(head_repo: Any, number: int = 7) -> Dict[str, Any]:
    return {
        "number": number,
        "pull_request": {
            "number": number,
            "head": {"sha": "head1234567890", "repo": head_repo},
            "base": {"repo": {"full_name": "acme/infra", "fork": False}},
        },
    }


def test_pull_request_context_uses_the_head_sha_and_the_ghes_api_url() -> None:
    context = context_from(ENV, pr_event({"full_name": "acme/infra", "fork": False}))
    assert context.is_pull_request and context.pr_number == 7 and not context.from_fork
    assert context.sha == "head1234567890" and context.short_sha == "head123"
    assert context.api_url == "https://ghes.example/api/v3"
    assert context.run_url == "https://ghes.example/acme/infra/actions/runs/42"
    assert context.commit_url == "https://ghes.example/acme/infra/commit/head1234567890"


def test_a_head_in_another_repository_is_a_fork() -> None:
    assert context_from(ENV, pr_event({"full_name": "mallory/infra", "fork": True})).from_fork


def test_a_pr_between_branches_of_the_same_fork_is_not_from_a_fork() -> None:
    event = pr_event({"full_name": "acme/infra", "fork": True})
    assert not context_from(ENV, event).from_fork


def test_a_deleted_head_repository_counts_as_a_fork() -> None:
    assert context_from(ENV, pr_event(None)).from_fork


def test_pull_request_target_is_a_pull_request_event_too() -> None:
    context = context_from(dict(ENV, GITHUB_EVENT_NAME="pull_request_target"), pr_event({"full_name": "acme/infra"}))
    assert context.is_pull_request


def test_push_has_no_pr_and_keeps_github_sha_and_default_urls() -> None:
    env = {"GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "abcdef123456"}
    context = context_from(env, {"ref": "refs/heads/main"})
    assert not context.is_pull_request and context.pr_number is None
    assert context.sha == "abcdef123456"
    assert context.api_url == "https://api.github.com" and context.run_url is None


def test_event_file_missing_or_broken_reads_as_an_empty_event(tmp_path: Path) -> None:
    broken = tmp_path / "event.json"
    broken.write_text("{not json")
    assert read_event({"GITHUB_EVENT_PATH": str(broken)}) == {}
    assert read_event({"GITHUB_EVENT_PATH": str(tmp_path / "absent.json")}) == {}
    assert read_event({}) == {}
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"number": 1}))
    assert read_event({"GITHUB_EVENT_PATH": str(good)}) == {"number": 1}


def test_the_graphql_url_is_the_runners_else_the_one_that_goes_with_the_api_url() -> None:
    event = pr_event({"full_name": "acme/infra", "fork": False})
    assert context_from(ENV, event).graphql_url == "https://ghes.example/api/graphql"
    dotcom = {**ENV, "GITHUB_API_URL": "https://api.github.com", "GITHUB_SERVER_URL": "https://github.com"}
    assert context_from(dotcom, event).graphql_url == "https://api.github.com/graphql"
    assert context_from({}, {}).graphql_url == "https://api.github.com/graphql"
    given = {**ENV, "GITHUB_GRAPHQL_URL": "https://ghes.example/api/graphql/"}
    assert context_from(given, event).graphql_url == "https://ghes.example/api/graphql"


def test_a_merge_group_names_its_head_commit_and_the_queued_pull_request() -> None:
    event = {"merge_group": {"head_sha": "queue123456789", "base_sha": "base1",
                             "head_ref": "refs/heads/gh-readonly-queue/release/v2/pr-42-0a1b2c3d"}}
    context = context_from({**ENV, "GITHUB_EVENT_NAME": "merge_group"}, event)
    assert context.is_merge_group and not context.is_pull_request
    assert context.pr_number == 42 and context.sha == "queue123456789"
    unnamed = context_from({**ENV, "GITHUB_EVENT_NAME": "merge_group"}, {"merge_group": {"head_ref": "refs/heads/x"}})
    assert unnamed.pr_number is None and unnamed.sha == "merge0000000000"


def test_a_pull_requests_base_commit_is_kept_for_reading_removed_files() -> None:
    event = pr_event({"full_name": "acme/infra"})
    event["pull_request"]["base"]["sha"] = "base0000000000"
    assert context_from(ENV, event).base_sha == "base0000000000"
