"""``drift-issue``: the scheduled run keeps its drift in one issue, in-process against loopback servers."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import httpx
import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from inferencekey_ensure.flow.drift_issue import drift_marker
from support.action_harness import GITHUB_TOKEN, REPOSITORY, SDK_TOKEN, Runner, RunnerFiles, write_spec
from support.fake_github import GITHUB_ACTIONS, Account, FakeGitHub, Fault

MARKER = drift_marker("default")


@pytest.fixture()
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as server:
        yield server


@pytest.fixture()
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=GITHUB_TOKEN) as fake:
        yield fake


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write_spec(root)
    return root


@pytest.fixture()
def nightly(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path,
            emulator: EmulatorServer, github: FakeGitHub) -> Runner:
    return Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)


def test_drift_opens_one_issue_and_the_same_drift_writes_nothing(nightly: Runner, github: FakeGitHub) -> None:
    first = nightly(event_name="schedule", drift_issue="true")
    assert first.code == 0, first.log
    [issue] = github.issues_of(REPOSITORY)
    assert issue["title"] == "InferenceKey drift: acme" and MARKER in issue["body"]
    assert "1 to create" in issue["body"] and "actions/runs/4242" in issue["body"]
    assert first.outputs["drift-issue-url"] == issue["html_url"]
    writes = len([r for r in github.requests if r.method in ("POST", "PATCH")])
    again = nightly(event_name="schedule", drift_issue="true")
    assert again.outputs["drift-issue-url"] == issue["html_url"]
    assert len([r for r in github.requests if r.method in ("POST", "PATCH")]) == writes
    assert github.issues_of(REPOSITORY) == [issue]


def test_no_drift_closes_our_issue_with_a_comment_and_drift_reopens_it(nightly: Runner, github: FakeGitHub,
                                                                        emulator: EmulatorServer) -> None:
    nightly(event_name="schedule", drift_issue="true")
    assert nightly(event_name="schedule", mode="reconcile", comment="never").code == 0
    closed = nightly(event_name="schedule", drift_issue="true")
    [issue] = github.issues_of(REPOSITORY)
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    [comment] = github.comments_on(REPOSITORY, issue["number"])
    assert "No drift found" in comment["body"]
    assert closed.outputs["drift-issue-url"] == issue["html_url"]
    [workload] = emulator.workloads("acme")
    httpx.patch(f"{emulator.url}/api/workloads/{workload['id']}", json={"description": "Edited."},
                headers={"Authorization": f"Bearer {SDK_TOKEN}"}).raise_for_status()
    nightly(event_name="schedule", drift_issue="true")
    [issue] = github.issues_of(REPOSITORY)
    assert issue["state"] == "open" and "1 to update" in issue["body"]


def test_another_authors_issue_with_our_marker_and_a_pull_request_are_never_touched(nightly: Runner,
                                                                                     github: FakeGitHub) -> None:
    planted = github.seed_issue(REPOSITORY, "InferenceKey drift: acme", f"x\n{MARKER}\nplanted", Account("mallory"))
    pull = github.seed_issue(REPOSITORY, "a PR", f"x\n{MARKER}\n", GITHUB_ACTIONS, pull_request=True)
    nightly(event_name="schedule", drift_issue="true")
    ours = [issue for issue in github.issues_of(REPOSITORY) if issue["user"]["login"] == GITHUB_ACTIONS.login]
    assert len(ours) == 1 and ours[0]["number"] not in (planted["number"], pull["number"])
    assert github.issues_of(REPOSITORY)[0] == planted
    assert github.comments_on(REPOSITORY, planted["number"]) == []


def test_without_issues_permission_the_run_warns_and_its_result_stands(nightly: Runner, github: FakeGitHub) -> None:
    github.fail(Fault("POST", 403, message="Resource not accessible by integration"))
    result = nightly(event_name="schedule", drift_issue="true", fail_on_drift="true")
    assert result.code == 1 and "fail-on-drift is set" in result.log
    assert "issues: write" in result.log and result.outputs["drift-issue-url"] == ""


def test_an_open_whose_answer_was_lost_is_found_again_not_opened_twice(nightly: Runner, github: FakeGitHub) -> None:
    github.fail(Fault("POST", 502, store_first=True))
    result = nightly(event_name="schedule", drift_issue="true")
    [issue] = github.issues_of(REPOSITORY)
    assert result.outputs["drift-issue-url"] == issue["html_url"]
    assert len(github.requests_of("POST")) == 1


def test_on_a_pull_request_the_input_writes_no_issue(nightly: Runner, github: FakeGitHub) -> None:
    result = nightly(drift_issue="true")
    assert result.code == 0 and github.issues_of(REPOSITORY) == []
    assert not [r for r in github.requests if "/issues" in r.path and "/comments" not in r.path]
