"""No text the action prints can command the runner: neither a ``::`` command at a line's
start nor a legacy ``##[command]`` anywhere in a line, whatever field carries it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from support.action_harness import GITHUB_TOKEN, Runner, RunnerFiles
from support.fake_github import FakeGitHub

LEGACY = "##[stop-commands]x"
# The commands the action itself writes; any other line starting with ``::`` came from text.
OURS = re.compile(r"^::(error|warning|notice|group|endgroup|add-mask)( |::)")
HOSTILE_SPEC = f"""\
project: acme
workloads:
  - name: "Chat {LEGACY}"
    slug: chat
    model: "m ##[add-mask]x"
    backend: vllm
    description: "::warning::forged ##[set-output name=x]y"
    config:
      "##[notice]key": "##[group]value"
"""


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
    folder = tmp_path / "repo" / "inferencekey"
    folder.mkdir(parents=True)
    (folder / f"a {LEGACY}.yaml").write_text(HOSTILE_SPEC, encoding="utf-8")
    return folder.parent


@pytest.fixture()
def run_action(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path,
               emulator: EmulatorServer, github: FakeGitHub) -> Runner:
    return Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)


def assert_commands_only_ours(log: str) -> None:
    for line in log.splitlines():
        assert "##[" not in line, line
        if line.lstrip().startswith("::"):
            assert OURS.match(line.lstrip()), line


def test_spec_fields_file_names_and_platform_values_cannot_command_the_runner(
    run_action: Runner, emulator: EmulatorServer
) -> None:
    emulator.seed("acme", {"name": f"Live {LEGACY}", "slug": "chat", "backend": "vllm",
                           "model_name": "live ##[add-mask]m", "description": "::error::live",
                           "config": {"##[debug]live": "##[endgroup]"}})
    emulator.seed("acme", {"name": f"Stray {LEGACY}", "slug": "stray", "backend": "vllm", "model_name": "m"})
    result = run_action()
    assert "Chat ##" in result.log and "a ##" in result.log  # the text is shown, only defused
    assert_commands_only_ours(result.log)


def test_an_unknown_key_and_an_input_cannot_command_the_runner(run_action: Runner, workspace: Path) -> None:
    (workspace / "inferencekey" / "bad.yaml").write_text(
        f'name: x\nslug: x\nmodel: m\nbackend: vllm\n"{LEGACY}": 1\n', encoding="utf-8")
    assert_commands_only_ours(run_action().log)
    assert_commands_only_ours(run_action(on_drift=LEGACY).log)


def test_validate_for_github_defuses_legacy_commands(workspace: Path) -> None:
    (workspace / "inferencekey" / "bad.yaml").write_text(
        f'name: x\nslug: x\nmodel: m\nbackend: vllm\n"{LEGACY}": 1\n', encoding="utf-8")
    child = subprocess.run([sys.executable, "-m", "inferencekey_ensure", "validate", "--format", "github", "inferencekey"],
                           cwd=workspace, capture_output=True, text=True, check=False)
    assert child.returncode == 1 and LEGACY.replace("##[", "") in child.stdout
    assert_commands_only_ours(child.stdout + child.stderr)


@pytest.mark.parametrize("inputs", [{"specs": "../.."}, {"specs": "/etc"}, {"working_directory": "/"},
                                    {"working_directory": ".."}])
def test_specs_and_working_directory_outside_the_workspace_are_input_errors(
    run_action: Runner, workspace: Path, inputs: dict
) -> None:
    result = run_action(**inputs)
    assert result.code == exit_codes.USAGE, result.log
    assert f"outside the workspace {workspace}" in result.log and "internal error" not in result.log


def test_a_spec_linking_out_of_the_workspace_is_refused_and_shows_nothing_of_its_target(
    run_action: Runner, workspace: Path, tmp_path: Path
) -> None:
    (tmp_path / "passwd").write_text("root:x:0:0:the target's content\n", encoding="utf-8")
    (workspace / "inferencekey" / "x.yaml").symlink_to(tmp_path / "passwd")
    result = run_action()
    assert result.code == 1
    assert "the target's content" not in result.log + result.summary and str(tmp_path / "passwd") not in result.log
    assert "inferencekey/x.yaml:1:1: $: a symbolic link to outside the workspace: not read [file]" in result.log
    assert "x.yaml" in result.summary and result.outputs


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:9\n::error::x", "http://127.0.0.1:9/a b", "http://127.0.0.1:9\t/"])
def test_a_base_url_with_a_line_break_or_space_is_an_input_error(run_action: Runner, base_url: str) -> None:
    result = run_action(environment={"INPUT_BASE_URL": base_url})
    assert "internal error" not in result.log and "Traceback" not in result.log
    # Worded as an unusable base-url setting is (as for a non-http URL): a configuration error, exit 1.
    assert "configuration error: base URL" in result.log and result.code == 1, result.log
    assert_commands_only_ours(result.log)
