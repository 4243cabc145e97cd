"""Running the action's real workflows with ``act`` in host mode, shared by the e2e suites."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

from .loopback import closed_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ACT = Path(sys.executable).parent / "act"


def offline_env() -> Dict[str, str]:
    """act's environment, its jobs' included: every HTTP(S) request not to 127.0.0.1 goes to a dead proxy.

    The jobs install from the tests' loopback index (``index-url``) and talk to the
    loopback emulator and fake GitHub; anything else they tried would fail the run.
    """
    dead = f"http://127.0.0.1:{closed_port()}"
    env = {name: value for name, value in os.environ.items() if name.lower() not in ("no_proxy", "all_proxy")}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = dead
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


@dataclass
class ActRun:
    returncode: int
    lines: List[Dict[str, Any]]
    text: str

    @property
    def summaries(self) -> List[str]:
        return [line["content"] for line in self.lines if line.get("command") == "summary"]

    @property
    def output(self) -> str:
        return "".join(str(line.get("msg", "")) for line in self.lines if line.get("raw_output"))

    @property
    def succeeded(self) -> bool:
        results = [line.get("jobResult") for line in self.lines if line.get("jobResult")]
        return bool(results) and all(result == "success" for result in results)

    @classmethod
    def parse(cls, completed: "subprocess.CompletedProcess[str]") -> "ActRun":
        """act's ``--json`` log lines (plain lines kept as ``msg``)."""
        lines = []
        for raw in completed.stdout.splitlines() + completed.stderr.splitlines():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                lines.append({"msg": raw})
        return cls(completed.returncode, lines, completed.stdout + completed.stderr)


def copy_action(destination: Path) -> None:
    """What a runner gets of this action: its metadata, locks, code and schema (no tests)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("action.yml", "pyproject.toml", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, destination / name)
    for name in ("action", "src", "schemas"):
        shutil.copytree(PROJECT_ROOT / name, destination / name, ignore=ignore)


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True,
        env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
             "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(repo), "PATH": "/usr/bin:/bin"})
    return completed.stdout.strip()


def run_act(repo: Path, event: str, workflow: str, payload: Dict[str, Any], *, workdir: Path, cache: Path,
            env: Dict[str, str], secrets: Dict[str, str]) -> ActRun:
    """One workflow of ``repo`` run by act in host mode on ``event`` with ``payload``, offline but for
    127.0.0.1 (``offline_env``)."""
    event_file = workdir / f"{event}.json"
    event_file.write_text(json.dumps(payload))
    command = [str(ACT), event, "-W", f".github/workflows/{workflow}", "-e", str(event_file),
               "-P", "ubuntu-latest=-self-hosted", "--action-cache-path", str(cache), "--no-cache-server", "--json"]
    for name, value in env.items():
        command += ["--env", f"{name}={value}"]
    for name, value in secrets.items():
        command += ["-s", f"{name}={value}"]
    completed = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=900, env=offline_env())
    return ActRun.parse(completed)
