"""action.yml: the documented inputs and outputs, no script injection, a clear Python check."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import yaml

from inferencekey_ensure.flow.outputs import OUTPUT_NAMES
from inferencekey_ensure.github.inputs import env_name

ACTION = yaml.safe_load((Path(__file__).resolve().parents[2] / "action.yml").read_text(encoding="utf-8"))
INPUTS = ["specs", "mode", "on-drift", "project", "sdk-token", "base-url", "github-token", "comment", "comment-key",
          "fail-on-drift", "wait", "wait-timeout", "prune", "prune-limit", "working-directory", "only-project",
          "require-reviewed-plan", "config", "max-spend-increase", "drift-issue", "cache-environment", "index-url"]
SETUP_INPUTS = ["cache-environment", "index-url"]
OUTPUTS = ["endpoint-refs", "plan", "plan-file", "has-changes", "changes", "comment-url", "project-slug", "workload-slug",
           "plan-digest", "projects", "changed-projects", "sarif-file", "drift-issue-url"]


def steps() -> List[Dict[str, Any]]:
    return ACTION["runs"]["steps"]


def test_is_a_composite_action_with_no_remote_uses() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert all("uses" not in step for step in steps())
    assert all(step.get("shell") == "bash" for step in steps())


def test_inputs_are_the_documented_ones_each_with_a_description_and_default() -> None:
    assert list(ACTION["inputs"]) == INPUTS
    for name, spec in ACTION["inputs"].items():
        assert spec["description"].strip(), name
        assert "default" in spec, name
    assert ACTION["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert ACTION["inputs"]["specs"]["default"] == "inferencekey/"
    assert ACTION["inputs"]["mode"]["default"] == "preview"


def test_outputs_are_the_documented_ones_and_the_cli_writes_each() -> None:
    assert list(ACTION["outputs"]) == OUTPUTS == list(OUTPUT_NAMES)
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.ensure.outputs.{name} }}}}"


def test_no_expression_is_interpolated_into_a_script() -> None:
    for step in steps():
        assert "${{" not in step["run"], step.get("name")


def test_every_input_reaches_the_cli_through_env_under_the_name_it_reads() -> None:
    for name in INPUTS:
        step = next(step for step in steps() if step.get("id") == ("setup" if name in SETUP_INPUTS else "ensure"))
        assert step["env"][env_name(name)] == f"${{{{ inputs.{name} }}}}"


def run_setup(tmp_path: Path, path: str) -> subprocess.CompletedProcess:
    script = tmp_path / "setup.sh"
    script.write_text(steps()[0]["run"])
    (tmp_path / "action").mkdir()
    shutil.copy2(Path(__file__).resolve().parents[2] / "action" / "find-python.sh", tmp_path / "action")
    env = {"PATH": path, "GITHUB_ACTION_PATH": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "out"),
           "RUNNER_TEMP": str(tmp_path)}
    return subprocess.run(["/bin/bash", str(script)], env=env, capture_output=True, text=True, timeout=60)


def test_setup_fails_clearly_without_python3(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_setup(tmp_path, str(empty))
    assert result.returncode == 1
    assert result.stdout.startswith("::error title=ik-ensure needs Python::No python3, python or py -3 runs")


def test_setup_fails_clearly_with_python_older_than_3_9(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    fake.write_text("#!/bin/sh\necho 3.8.18\nexit 3\n")
    fake.chmod(0o755)
    result = run_setup(tmp_path, str(bin_dir))
    assert result.returncode == 1
    assert re.search(r"^::error title=ik-ensure needs Python 3\.9\+::On this runner python3 is 3\.8\.18", result.stdout)
