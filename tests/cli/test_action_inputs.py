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

import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from support.action_fixtures import action_emulator, action_github, action_runner, action_workspace  # noqa: F401 - fixtures
from support.action_harness import Runner, RunnerFiles, write_spec
from support.fake_github import FakeGitHub


def _drift(run_action: Runner, workspace: Path) -> None:
    """The workload exists, then its spec's model changes: drift the next run meets."""
    assert run_action(mode="reconcile", comment="never").code == 0
    write_spec(workspace, model="llama3:70b")


@pytest.mark.parametrize("on_drift, code, action", [
    pytest.param("fail", 1, "drift-refused", id="fail-refuses-and-fails"),
    pytest.param("warn", 0, "drift-left", id="warn-leaves-it-and-passes"),
])
def test_on_drift_fail_or_warn_patches_nothing_and_says_so_in_the_plan(
    run_action: Runner, workspace: Path, emulator: EmulatorServer, on_drift: str, code: int, action: str,
) -> None:
    _drift(run_action, workspace)
    result = run_action(mode="reconcile", on_drift=on_drift)
    assert result.code == code, result.log
    assert [w["model_name"] for w in emulator.workloads("acme")] == ["llama3:8b"]
    plan = json.loads(result.outputs["plan"])
    assert [(w["action"], w["on_drift"]) for w in plan["workloads"]] == [(action, on_drift)]


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
