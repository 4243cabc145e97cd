"""The in-process action's loopback world as fixtures: ``emulator``, ``github``, ``workspace`` and
``run_action`` (a ``Runner`` over them).

A test module imports the ones it uses and defines its own ``workspace`` when it needs another.
They are not in tests/cli/conftest.py because that folder's ``emulator`` is the token-granting one
(support.fixtures), and this one runs in open mode, as the action's ``SDK_TOKEN`` needs. Their
Python names differ from the fixture names so that a test's arguments do not shadow the imports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer

from .action_harness import GITHUB_TOKEN, Runner, RunnerFiles, write_spec
from .fake_github import FakeGitHub


@pytest.fixture(name="emulator")
def action_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as server:
        yield server


@pytest.fixture(name="github")
def action_github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=GITHUB_TOKEN) as fake:
        yield fake


@pytest.fixture(name="workspace")
def action_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write_spec(root)
    return root


@pytest.fixture(name="run_action")
def action_runner(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path,
               emulator: EmulatorServer, github: FakeGitHub) -> Runner:
    return Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)
