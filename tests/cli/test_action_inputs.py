"""The action's inputs that only the engine sees (on-drift, wait, wait-timeout), driven
through ``ik-ensure github-action``: each test fails if the flow drops its input.

The other inputs are driven by tests/cli/test_github_action.py (mode, specs, project,
comment, comment-key, fail-on-drift, prune, prune-limit, working-directory,
require-reviewed-plan, sdk-token, base-url, github-token), tests/cli/test_only_project.py
(only-project) and tests/action_env/test_cached_environment.py (cache-environment).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from support.action_harness import GITHUB_TOKEN, Runner, RunnerFiles, write_spec
from support.fake_github import FakeGitHub


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
def run_action(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path,
               emulator: EmulatorServer, github: FakeGitHub) -> Runner:
    return Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)


def _drift(run_action: Runner, workspace: Path) -> None:
    """The workload exists, then its spec's model changes: drift the next run meets."""
    assert run_action(mode="reconcile", comment="never").code == 0
    write_spec(workspace, model="llama3:70b")


def test_on_drift_fail_refuses_the_drift_and_patches_nothing(run_action: Runner, workspace: Path,
                                                             emulator: EmulatorServer) -> None:
    _drift(run_action, workspace)
    result = run_action(mode="reconcile", on_drift="fail")
    assert result.code == 1, result.log
    assert [w["model_name"] for w in emulator.workloads("acme")] == ["llama3:8b"]
    plan = json.loads(result.outputs["plan"])
    assert [(w["action"], w["on_drift"]) for w in plan["workloads"]] == [("drift-refused", "fail")]


def test_on_drift_warn_leaves_the_drift_in_place_and_passes(run_action: Runner, workspace: Path,
                                                            emulator: EmulatorServer) -> None:
    _drift(run_action, workspace)
    result = run_action(mode="reconcile", on_drift="warn")
    assert result.code == 0, result.log
    assert [w["model_name"] for w in emulator.workloads("acme")] == ["llama3:8b"]
    plan = json.loads(result.outputs["plan"])
    assert [(w["action"], w["on_drift"]) for w in plan["workloads"]] == [("drift-left", "warn")]


def test_without_on_drift_the_drift_is_patched(run_action: Runner, workspace: Path, emulator: EmulatorServer) -> None:
    _drift(run_action, workspace)
    assert run_action(mode="reconcile").code == 0
    assert [w["model_name"] for w in emulator.workloads("acme")] == ["llama3:70b"]


def test_wait_follows_the_created_workload_until_it_is_ready(run_action: Runner) -> None:
    waited = run_action(mode="reconcile", wait="true")
    assert waited.code == 0, waited.log
    assert "acme/support-bot: ready" in waited.log


def test_without_wait_the_reconcile_does_not_follow_readiness(run_action: Runner) -> None:
    result = run_action(mode="reconcile")
    assert result.code == 0, result.log
    assert "acme/support-bot: ready" not in result.log


def test_wait_timeout_fails_a_workload_that_is_not_ready_in_time(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path,
    github: FakeGitHub,
) -> None:
    # Each readiness phase lasts 25 times the timeout: ignoring the input, the wait would end ready.
    with EmulatorServer(EmulatorConfig(readiness_step_s=5)) as slow:
        run = Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), slow, github)
        result = run(mode="reconcile", wait="true", **{"wait_timeout": "0.2"})
    assert result.code == 1, result.log
    [workload] = json.loads(result.outputs["plan"])["workloads"]
    assert workload["status"] == "failed" and "not ready after 0.2s" in workload["error"], workload
