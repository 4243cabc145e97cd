"""GitHub misbehaving while the action writes its comment: the whole ``github-action``
entry point, against the fake GitHub (tests/github) and the emulator on loopback.

5xx and rate limits (secondary, 429) on listing, creating or editing the comment
are waited out and retried, ending with exactly one comment; a final failure warns
and leaves the job's result, outputs and summary as the plan made them. The waits
are recorded, not slept, so the suite stays fast and the pacing is checked exactly.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Iterator, List

import pytest

from inferencekey_ensure.emulator import EmulatorServer, TokenGrant
from inferencekey_ensure.github import step
from inferencekey_ensure.github.comments_api import CommentsApi
from inferencekey_ensure.pacing import Timing
from support.action_harness import GITHUB_TOKEN, PR_NUMBER, REPOSITORY, Result, Runner, RunnerFiles, write_spec
from support.fake_github import GRAPHQL, SECONDARY_RATE_LIMIT_MESSAGE, FakeGitHub, Fault

from .harness import PROJECT, TOKEN, start_emulator

MARKER = "<!-- ik-ensure:comment-key=default -->"
NO_COMMENT_WARNING = "::warning title=ik-ensure%3A no PR comment::Could not write the pull-request comment"


class ActionRun(Runner):
    """The GitHub tests' in-process runner, with GitHub waits recorded instead of slept."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, root: Path,
                 emulator: EmulatorServer, github: FakeGitHub) -> None:
        workspace = root / "repo"
        write_spec(workspace)
        super().__init__(monkeypatch, capsys, workspace, RunnerFiles(root / "runner"), emulator, github)
        self.waits: List[float] = []
        monkeypatch.setattr(step, "CommentsApi", partial(CommentsApi, timing=Timing(sleep=self.waits.append)))

    def __call__(self, sdk_token: str = TOKEN, **inputs: str) -> Result:  # type: ignore[override]
        return super().__call__(sdk_token=sdk_token, **inputs)

    def comments(self) -> List[str]:
        return [str(c["body"]) for c in self.github.comments_on(REPOSITORY, PR_NUMBER)
                if str(c["body"]).startswith(MARKER)]


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=GITHUB_TOKEN) as fake:
        yield fake


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = start_emulator(tokens={TOKEN: TokenGrant(PROJECT)})
    yield server
    server.stop()


@pytest.fixture
def run_action(monkeypatch, capsys, tmp_path, emulator, github) -> ActionRun:
    return ActionRun(monkeypatch, capsys, tmp_path, emulator, github)


def _secondary_limit(method: str, retry_after: str) -> Fault:
    return Fault(method, 403, message=SECONDARY_RATE_LIMIT_MESSAGE, headers={"Retry-After": retry_after})


# (id, faults, expected recorded waits): each ends with exactly one, current comment
RETRIED = [
    ("list-502-twice", [Fault("GET", 502, times=2)], [1.0, 2.0]),
    ("list-secondary-rate-limit", [_secondary_limit("GET", "3")], [3.0]),
    ("create-secondary-rate-limit", [_secondary_limit("POST", "2")], [2.0]),
    ("create-429-retry-after", [Fault("POST", 429, times=2, headers={"Retry-After": "1"},
                                      message="API rate limit exceeded")], [1.0, 1.0]),
    ("create-502-after-storing", [Fault("POST", 502, store_first=True)], []),
    ("create-502-before-storing", [Fault("POST", 502)], []),
    ("list-503-then-create-504", [Fault("GET", 503), Fault("POST", 504)], [1.0]),
]


@pytest.mark.parametrize("faults, waits", [case[1:] for case in RETRIED], ids=[case[0] for case in RETRIED])
def test_transient_github_failures_are_retried_to_exactly_one_comment(run_action, github, faults, waits):
    for fault in faults:
        github.fail(fault)
    result = run_action()
    assert result.code == 0, result.log
    assert NO_COMMENT_WARNING not in result.log
    comments = run_action.comments()
    assert len(comments) == 1 and "1 to create" in comments[0]
    assert run_action.waits == waits
    assert result.outputs["comment-url"].startswith("https://github.example/")


def test_an_edit_answered_503_is_retried(run_action, github, emulator):
    run_action()
    emulator.seed(PROJECT, {"name": "Support bot", "slug": "support-bot", "backend": "ollama",
                            "model_name": "llama3:8b", "description": "Answers support tickets."})
    github.fail(Fault("PATCH", 503))
    result = run_action()
    assert result.code == 0, result.log
    assert run_action.comments() == [c for c in run_action.comments() if "No changes" in c]
    assert len(run_action.comments()) == 1 and run_action.waits == [1.0]


# (id, faults): GitHub never recovers within the retry budget
FINAL_FAILURES = [
    ("list-5xx-every-attempt", [Fault("GET", 502, times=10)]),
    ("create-rate-limited-too-long", [_secondary_limit("POST", "600")]),
    ("create-5xx-twice", [Fault("POST", 500, times=2)]),
]


@pytest.mark.parametrize("faults", [case[1] for case in FINAL_FAILURES], ids=[case[0] for case in FINAL_FAILURES])
def test_a_final_github_failure_warns_and_the_job_result_is_the_plans(run_action, github, faults):
    for fault in faults:
        github.fail(fault)
    result = run_action()
    assert result.code == 0, result.log  # a preview with pending changes passes
    assert NO_COMMENT_WARNING in result.log
    assert run_action.comments() == []
    assert result.outputs["has-changes"] == "true" and result.outputs["comment-url"] == ""
    assert "acme/support-bot" in result.summary
    assert all(wait <= 30.0 for wait in run_action.waits)
    assert len(github.requests_of("POST")) <= 2  # a create is re-sent only after a list showed it absent


def test_an_edit_that_keeps_failing_warns_and_leaves_the_old_comment(run_action, github, emulator):
    run_action()
    before = run_action.comments()
    emulator.seed(PROJECT, {"name": "Support bot", "slug": "support-bot", "backend": "ollama",
                            "model_name": "llama3:8b", "description": "Answers support tickets."})
    github.fail(Fault("PATCH", 502, times=10))
    result = run_action()
    assert result.code == 0 and NO_COMMENT_WARNING in result.log
    assert run_action.comments() == before and run_action.waits == [1.0, 2.0, 4.0]
    assert result.outputs["has-changes"] == "false"


def test_a_final_github_failure_keeps_a_failed_plan_failed(run_action, github, emulator):
    github.fail(Fault("GET", 502, times=10))
    result = run_action(sdk_token="ik_sdk_nope0000_notGrantedOnThisEmulator")
    assert result.code == 1
    assert NO_COMMENT_WARNING in result.log and "authentication failed" in result.log
    assert result.outputs["has-changes"] == "false"


def test_graphql_failures_asking_who_we_are_are_retried_like_rest(run_action, github, emulator):
    run_action()
    emulator.seed(PROJECT, {"name": "Support bot", "slug": "support-bot", "backend": "ollama",
                            "model_name": "llama3:8b", "description": "Answers support tickets."})
    github.fail(Fault(GRAPHQL, 502))
    github.fail(_secondary_limit(GRAPHQL, "2"))
    result = run_action()
    assert result.code == 0 and NO_COMMENT_WARNING not in result.log
    assert len(run_action.comments()) == 1 and "No changes" in run_action.comments()[0]
    assert run_action.waits == [1.0, 2.0]


def test_graphql_that_never_answers_warns_and_leaves_the_old_comment(run_action, github, emulator):
    run_action()
    before = run_action.comments()
    emulator.seed(PROJECT, {"name": "Support bot", "slug": "support-bot", "backend": "ollama",
                            "model_name": "llama3:8b", "description": "Answers support tickets."})
    github.fail(Fault(GRAPHQL, 503, times=10))
    result = run_action()
    assert result.code == 0 and NO_COMMENT_WARNING in result.log
    assert run_action.comments() == before
    assert len(github.requests_of("POST")) == 1 and github.requests_of("PATCH") == []
    assert result.outputs["has-changes"] == "false"
