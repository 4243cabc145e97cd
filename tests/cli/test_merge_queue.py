"""The merge queue's check (``merge_group``): plans the queue's head commit, never writes, and under
``require-reviewed-plan`` stops an entry whose plan is not the one reviewed on its pull request."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import httpx
import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from inferencekey_ensure.flow.review import read_record
from support.action_harness import (
    GITHUB_TOKEN,
    PR_NUMBER,
    REPOSITORY,
    SDK_TOKEN,
    Runner,
    RunnerFiles,
    merge_group_event,
    write_spec,
)
from support.fake_github import FakeGitHub, Fault

MARKER = "<!-- ik-ensure:comment-key=default -->"


@pytest.fixture()
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as server:
        yield server


@pytest.fixture()
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=GITHUB_TOKEN) as fake:
        yield fake


@pytest.fixture()
def run_action(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
               emulator: EmulatorServer, github: FakeGitHub) -> Runner:
    workspace = tmp_path / "repo"
    write_spec(workspace)
    return Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)


def _our_comment(github: FakeGitHub) -> str:
    [comment] = [c for c in github.comments_on(REPOSITORY, PR_NUMBER) if str(c["body"]).startswith(MARKER)]
    return str(comment["body"])


def test_the_reviewed_plan_passes_the_queue_without_a_write_even_in_reconcile_mode(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer) -> None:
    assert run_action(require_reviewed_plan="true").code == 0
    reviewed = _our_comment(github)
    emulator.clear_request_log()
    result = run_action(event_name="merge_group", event=merge_group_event(), mode="reconcile",
                        require_reviewed_plan="true")
    assert result.code == 0, result.log
    assert [request.method for request in emulator.request_log if request.method != "GET"] == []
    assert emulator.workloads("acme") == []
    assert "Merge queue: the plan is the one reviewed on pull request" in result.summary
    assert "reviewed plan: matched" in result.log
    assert _our_comment(github) == reviewed


def test_a_plan_changed_since_the_review_stops_the_entry_and_the_comment_keeps_the_reviewed_record(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer) -> None:
    assert run_action(event_name="push", mode="reconcile", comment="never").code == 0
    assert run_action(require_reviewed_plan="true").code == 0
    reviewed = read_record(_our_comment(github))
    [workload] = emulator.workloads("acme")
    httpx.patch(f"{emulator.url}/api/workloads/{workload['id']}", json={"description": "Edited."},
                headers={"Authorization": f"Bearer {SDK_TOKEN}"}).raise_for_status()
    emulator.clear_request_log()
    result = run_action(event_name="merge_group", event=merge_group_event(), require_reviewed_plan="true")
    assert result.code == 1
    assert [request.method for request in emulator.request_log if request.method != "GET"] == []
    assert "Merge queue entry stopped: the plan changed since the review on pull request" in result.summary
    assert "description" in result.summary
    body = _our_comment(github)
    assert "merge queue entry stopped: the plan changed since the review" in body
    assert read_record(body) == reviewed


def test_a_queued_pull_request_with_no_reviewed_plan_is_stopped(run_action: Runner, github: FakeGitHub) -> None:
    result = run_action(event_name="merge_group", event=merge_group_event(), require_reviewed_plan="true")
    assert result.code == 1
    assert "has no ik-ensure plan" in result.log
    assert "merge queue entry stopped: no reviewed plan" in _our_comment(github)


def test_without_require_reviewed_plan_the_queue_only_plans(run_action: Runner, github: FakeGitHub,
                                                            emulator: EmulatorServer) -> None:
    result = run_action(event_name="merge_group", event=merge_group_event(), mode="reconcile")
    assert result.code == 0 and result.outputs["has-changes"] == "true"
    assert emulator.workloads("acme") == [] and github.requests == []


def test_when_github_cannot_be_asked_the_entry_is_stopped_and_the_comment_left_alone(
        run_action: Runner, github: FakeGitHub) -> None:
    assert run_action(require_reviewed_plan="true").code == 0
    reviewed = _our_comment(github)
    github.fail(Fault("GET", 404, times=100, message="Not Found"))
    result = run_action(event_name="merge_group", event=merge_group_event(), require_reviewed_plan="true")
    assert result.code == 1 and "the reviewed plan could not be read" in result.log
    assert _our_comment(github) == reviewed


def test_a_queue_check_with_no_sdk_token_stops_the_entry(run_action: Runner, github: FakeGitHub) -> None:
    result = run_action(event_name="merge_group", event=merge_group_event(), require_reviewed_plan="true",
                        sdk_token=None)
    assert result.code == 1 and "no plan could be made" in result.log
