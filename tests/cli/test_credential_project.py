"""A token given where a project belongs is refused (exit 64, usage) and never printed or stored.

``--project``, ``INFERENCEKEY_PROJECT`` and the action's ``project`` input name a
project; a token pasted there would otherwise be echoed in plans, in ``projects``
output and stored as a project name by ``--local``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from support.action_harness import GITHUB_TOKEN, Runner, RunnerFiles, write_spec
from support.cli import run_cli as cli
from support.fake_github import FakeGitHub

SECRET = "SECRETvalue0123456789"
CREDENTIALS = [f"ik_sdk_abcdef12_{SECRET}", f"ik_live_{SECRET}", f"acme-ik_sdk_abcdef12_{SECRET}"]
IDS = ["sdk-token", "live-prefix", "token-inside"]


@pytest.fixture
def specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
    (tmp_path / "c.yaml").write_text("name: C\nslug: c\nmodel: m\nbackend: ollama\n", encoding="utf-8")
    return tmp_path / "c.yaml"


def _refused(code: int, out: str, err: str, source: str) -> None:
    assert code == exit_codes.USAGE
    assert SECRET not in out + err
    assert f"{source} looks like a credential" in err


@pytest.mark.parametrize("credential", CREDENTIALS, ids=IDS)
@pytest.mark.parametrize("command", [["plan", "--local"], ["apply", "--local"], ["projects", "--json"]],
                         ids=["plan", "apply", "projects"])
def test_a_credential_passed_as_project_is_refused_unprinted_and_unstored(specs, capsys, command, credential):
    code, out, err = cli(capsys, *command, "--project", credential, specs)
    _refused(code, out, err, "--project")
    assert not any(path.name != "c.yaml" for path in specs.parent.iterdir())  # no --local state written


@pytest.mark.parametrize("command", ["validate", "plan", "projects"])
def test_a_credential_in_the_project_environment_variable_is_refused(specs, capsys, monkeypatch, command):
    monkeypatch.setenv("INFERENCEKEY_PROJECT", CREDENTIALS[0])
    code, out, err = cli(capsys, command, specs)
    _refused(code, out, err, "INFERENCEKEY_PROJECT")


def test_a_project_slug_with_ik_inside_is_still_a_project(specs, capsys):
    code, out, err = cli(capsys, "projects", "--project", "team-ik-sdk", specs)
    assert code == 0, err
    assert out.strip() == "team-ik-sdk"


@pytest.mark.parametrize("source", ["input `project`", "INFERENCEKEY_PROJECT"])
def test_the_action_refuses_a_credential_as_its_project_with_an_error_annotation(tmp_path, capsys, monkeypatch,
                                                                                 source):
    workspace = tmp_path / "repo"
    write_spec(workspace)
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as emulator, FakeGitHub(token=GITHUB_TOKEN) as github:
        run = Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)
        if source == "INFERENCEKEY_PROJECT":
            result: Any = run(environment={"INFERENCEKEY_PROJECT": CREDENTIALS[0]})
        else:
            result = run(project=CREDENTIALS[0])
        assert result.code == exit_codes.USAGE
        assert SECRET not in result.log + result.summary + "".join(result.outputs.values())
        assert f"::error title=ik-ensure%3A bad input::{source} looks like a credential" in result.log
        assert emulator.request_log == []
