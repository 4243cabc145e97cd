"""A workspace, event and runner files for running ``ik-ensure github-action`` in tests."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

from inferencekey_ensure.cli.main import main
from inferencekey_ensure.emulator import EmulatorServer

from .fake_github import FakeGitHub

SDK_TOKEN = "ik_sdk_act10nt3st_TopSecretTailValue0042"
SDK_SECRET_TAIL = "TopSecretTailValue0042"
GITHUB_TOKEN = "ghs_actionTestGitHubToken0123456789"
REPOSITORY = "acme/infra"
PR_NUMBER = 7
HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"

SPEC = """\
project: acme
workloads:
  - name: Support bot
    slug: support-bot
    model: {model}
    backend: ollama
    description: Answers support tickets.
"""


def write_spec(root: Path, model: str = "llama3:8b", name: str = "chat.yaml") -> Path:
    path = root / "inferencekey" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SPEC.format(model=model), encoding="utf-8")
    return path


def pull_request_event(fork: bool = False) -> Dict[str, Any]:
    head_repo = {"full_name": "mallory/infra" if fork else REPOSITORY, "fork": fork}
    return {
        "action": "synchronize",
        "number": PR_NUMBER,
        "pull_request": {
            "number": PR_NUMBER,
            "head": {"sha": HEAD_SHA, "ref": "feature", "repo": head_repo},
            "base": {"ref": "main", "repo": {"full_name": REPOSITORY, "fork": False}},
        },
        "repository": {"full_name": REPOSITORY},
    }


def merge_group_event(number: int = PR_NUMBER, head_sha: str = "e" * 40) -> Dict[str, Any]:
    """A merge queue's ``checks_requested`` for pull request ``number``'s entry."""
    return {
        "action": "checks_requested",
        "merge_group": {"head_sha": head_sha, "head_ref": f"refs/heads/gh-readonly-queue/main/pr-{number}-{HEAD_SHA}",
                        "base_sha": "b" * 40, "base_ref": "refs/heads/main"},
        "repository": {"full_name": REPOSITORY},
    }


def parse_output_file(text: str) -> Dict[str, str]:
    """Read ``$GITHUB_OUTPUT`` as the runner does (``name<<DELIM`` ... ``DELIM``)."""
    values: Dict[str, str] = {}
    lines: Iterator[str] = iter(text.split("\n"))
    for line in lines:
        heredoc = re.match(r"^([^=<]+)<<(.+)$", line)
        if heredoc:
            name, delimiter = heredoc.groups()
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


@dataclass
class RunnerFiles:
    """The files a runner gives a step: event payload, outputs, job summary."""

    root: Path

    @property
    def event(self) -> Path:
        return self.root / "event.json"

    @property
    def output(self) -> Path:
        return self.root / "output.txt"

    @property
    def summary(self) -> Path:
        return self.root / "summary.md"

    @property
    def temp(self) -> Path:
        return self.root / "temp"

    def reset(self, event: Dict[str, Any]) -> None:
        self.temp.mkdir(parents=True, exist_ok=True)
        self.event.write_text(json.dumps(event), encoding="utf-8")
        self.output.write_text("", encoding="utf-8")
        self.summary.write_text("", encoding="utf-8")

    def outputs(self) -> Dict[str, str]:
        return parse_output_file(self.output.read_text(encoding="utf-8"))


def action_env(
    files: RunnerFiles,
    workspace: Path,
    *,
    event_name: str = "pull_request",
    api_url: Optional[str] = None,
    base_url: Optional[str] = None,
    sdk_token: Optional[str] = SDK_TOKEN,
    **inputs: str,
) -> Dict[str, str]:
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(files.event),
        "GITHUB_OUTPUT": str(files.output),
        "GITHUB_STEP_SUMMARY": str(files.summary),
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_SHA": "f" * 40,
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(files.temp),
        "INPUT_GITHUB_TOKEN": GITHUB_TOKEN,
    }
    if api_url:
        env["GITHUB_API_URL"] = api_url
        env["GITHUB_GRAPHQL_URL"] = api_url + "/graphql"
    if base_url:
        env["INPUT_BASE_URL"] = base_url
    if sdk_token:
        env["INPUT_SDK_TOKEN"] = sdk_token
    for name, value in inputs.items():
        env["INPUT_" + name.upper()] = value
    return env


@dataclass
class Result:
    code: int
    log: str
    outputs: Dict[str, str]
    summary: str


class Runner:
    """Runs ``ik-ensure github-action`` in process, as action.yml's run step would, with this test's files."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], workspace: Path,
                 files: RunnerFiles, emulator: EmulatorServer, github: FakeGitHub) -> None:
        self.monkeypatch, self.capsys, self.workspace, self.files = monkeypatch, capsys, workspace, files
        self.emulator, self.github = emulator, github

    def __call__(self, *, fork: bool = False, event_name: str = "pull_request",
                 environment: Optional[Dict[str, str]] = None, event: Optional[Dict[str, Any]] = None,
                 **inputs: str) -> Result:
        """``environment``: more variables for the step, as a workflow's ``env:`` would give them;
        ``event``: the payload, when not the pull request's (or a push's) of ``event_name``."""
        default = pull_request_event(fork=fork) if event_name.startswith("pull_request") else {"ref": "refs/heads/main"}
        self.files.reset(event if event is not None else default)
        env = action_env(self.files, self.workspace, event_name=event_name, api_url=self.github.url,
                         base_url=self.emulator.url, **inputs)
        for name in list(os.environ):
            if name.startswith(("GITHUB_", "INPUT_", "INFERENCEKEY_")):
                self.monkeypatch.delenv(name)
        for name, value in {**env, **(environment or {})}.items():
            self.monkeypatch.setenv(name, value)
        self.monkeypatch.chdir(self.workspace)
        self.capsys.readouterr()
        code = main(["github-action"])
        captured = self.capsys.readouterr()
        return Result(code, captured.out + captured.err, self.files.outputs(), self.files.summary.read_text())
