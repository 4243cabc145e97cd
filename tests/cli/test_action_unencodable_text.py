"""Text that cannot be encoded (a lone surrogate from the platform, a file name that is not
UTF-8) is shown escaped: the run goes on and writes every output, summary and comment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inferencekey_ensure.emulator import EmulatorServer
from support.action_fixtures import action_emulator, action_github, action_runner  # noqa: F401 - fixtures
from support.action_harness import PR_NUMBER, REPOSITORY, SDK_TOKEN, SPEC, Runner
from support.fake_github import FakeGitHub

LATIN1_NAME = os.fsdecode(b"caf\xe9.yaml")  # as Python sees a non-UTF-8 name: with a surrogate escape


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "repo" / "inferencekey"
    folder.mkdir(parents=True)
    (folder / LATIN1_NAME).write_text(SPEC.format(model="llama3:8b"), encoding="utf-8")
    return folder.parent


@pytest.fixture()
def seeded(emulator: EmulatorServer) -> EmulatorServer:
    emulator.seed("acme", {"name": "Support \ud800 bot", "slug": "support-bot", "backend": "ollama",
                           "model_name": "old \udfff", "description": "x\ud83d"})
    emulator.seed("acme", {"name": "Stray \udc80", "slug": "stray", "backend": "ollama", "model_name": "m"})
    return emulator


def test_platform_values_and_file_names_that_cannot_be_encoded_still_give_every_output(
    run_action: Runner, seeded: EmulatorServer, github: FakeGitHub,
) -> None:
    result = run_action()
    assert result.code == 0, result.log
    assert "internal error" not in result.log
    assert "<U+D800>" in result.log and "caf" in result.log
    assert json.loads(result.outputs["plan"])["summary"]["update"] == 1
    assert "acme/support-bot" in result.summary
    comments = github.comments_on(REPOSITORY, PR_NUMBER)
    assert len(comments) == 1 and "\ud800" not in str(comments[0]["body"])
    str(comments[0]["body"]).encode("utf-8")


def test_plan_prints_them_escaped(workspace: Path, seeded: EmulatorServer) -> None:
    env = {**os.environ, "INFERENCEKEY_SDK_TOKEN": SDK_TOKEN, "INFERENCEKEY_BASE_URL": seeded.url,
           "PYTHONIOENCODING": "utf-8"}
    for argv in (["plan", "inferencekey"], ["plan", "--json", "inferencekey"], ["validate", "inferencekey"]):
        child = subprocess.run([sys.executable, "-m", "inferencekey_ensure", *argv], cwd=workspace, env=env,
                               capture_output=True, check=False)
        output = (child.stdout + child.stderr).decode("utf-8")  # strictly: every byte is UTF-8
        assert child.returncode in (0, 2) and "Traceback" not in output, output
