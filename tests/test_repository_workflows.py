"""This repository's own workflows (.github/): pinned, least-privileged, and clean under actionlint and zizmor.

CI runs the suite on every supported system and Python and the action on itself against the
emulator; the release workflow tags what pyproject.toml says (tests/scripts/test_release_notes.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")
SUPPORTED_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]


def _load(path: Path) -> Dict[Any, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _tool(name: str) -> str:
    found = BIN / name
    if not found.exists():
        found = found.with_suffix(".exe")
    assert found.exists(), f"{name} is not installed next to this Python (it is in the test extras)"
    return str(found)


def test_ci_release_and_nothing_unaccounted_for():
    assert [path.name for path in WORKFLOWS] == ["ci.yml", "release.yml"]


def test_actionlint_passes_the_workflows():
    done = subprocess.run([_tool("actionlint"), *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_in_the_workflows_dependabot_and_the_action():
    done = subprocess.run([_tool("zizmor"), "--offline", "--format", "json", str(ROOT / ".github"),
                           str(ROOT / "action.yml")], capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout) == [], done.stdout[:4000] + done.stderr[-2000:]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_by_commit_and_checkout_keeps_no_credentials(path):
    text = path.read_text(encoding="utf-8")
    for use in re.findall(r"^\s+(?:- )?uses: (\S+(?: # v[\d.]+)?)", text, re.M):
        assert use == "./" or PINNED.match(use), use
    for job in _load(path)["jobs"].values():
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, path.name


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_nothing_is_granted_by_default_and_only_the_release_writes(path):
    workflow = _load(path)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        expected = {"contents": "write"} if (path.name, name) == ("release.yml", "release") else {"contents": "read"}
        assert job["permissions"] == expected, (path.name, name)


def test_ci_tests_every_supported_system_and_python_on_pushes_and_pull_requests():
    ci = _load(ROOT / ".github" / "workflows" / "ci.yml")
    assert set(ci[True]) == {"pull_request", "push"}   # YAML 1.1 reads the key `on` as True
    matrix = ci["jobs"]["test"]["strategy"]["matrix"]
    assert matrix["os"] == ["ubuntu-latest", "macos-latest", "windows-latest"]
    assert matrix["python"] == SUPPORTED_PYTHONS
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={SUPPORTED_PYTHONS[0]}"' in pyproject


def test_ci_runs_this_checkouts_action_against_an_emulator_it_starts():
    steps = _load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]["action"]["steps"]
    assert any("ik-ensure emulator" in step.get("run", "") for step in steps)
    runs = [step for step in steps if step.get("uses") == "./"]
    assert [step["with"].get("mode", "preview") for step in runs] == ["preview", "reconcile", "preview"]
    assert all(step["with"]["base-url"] == "${{ env.BASE_URL }}" for step in runs)
    assert runs[-1]["with"]["fail-on-drift"] is True


def test_the_release_runs_on_version_changes_on_main_and_by_hand():
    release = _load(ROOT / ".github" / "workflows" / "release.yml")
    assert release[True]["push"] == {"branches": ["main"], "paths": ["pyproject.toml"]}
    assert "workflow_dispatch" in release[True]
    assert release["concurrency"]["cancel-in-progress"] is False


def test_dependabot_updates_the_actions_and_the_python_dependencies():
    path = ROOT / ".github" / "dependabot.yml"
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert {update["package-ecosystem"] for update in _load(path)["updates"]} == {"github-actions", "pip"}
