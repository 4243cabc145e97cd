"""``ik-ensure init``: hardened workflows, the pre-commit hook, ``inferencekey/``; never overwrites."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Sequence

import pytest
import yaml

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.main import main
from inferencekey_ensure.onboarding.workflow_templates import ACTION_REF
from support.action_harness import PR_NUMBER, REPOSITORY, RunnerFiles, action_env, pull_request_event
from support.cli import run_cli as cli
from support.fake_github import FakeGitHub

REPO = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
WORKFLOWS = Path(".github") / "workflows"
PREVIEW, RECONCILE = WORKFLOWS / "inferencekey-preview.yml", WORKFLOWS / "inferencekey-reconcile.yml"
DRIFT = WORKFLOWS / "inferencekey-drift.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def _tool(name: str) -> str:
    script = Path(sys.executable).with_name(name)
    found = str(script) if script.exists() else shutil.which(name)
    assert found, f"{name} is not installed (pip install '.[test]')"
    return found


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          timeout=60).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "trunk")
    monkeypatch.chdir(root)
    return root


def _snapshot(root: Path) -> Dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts[:1]}


def _write_spec(root: Path, name: str, project: str, slug: str) -> None:
    path = root / "inferencekey" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"project: {project}\nname: {slug}\nslug: {slug}\nmodel: m/m\nbackend: vllm\n", encoding="utf-8")


def test_init_adds_the_three_workflows_the_hook_and_the_spec_folder(repo, capsys):
    code, stdout, _ = cli(capsys, "init")
    assert code == 0
    assert sorted(_snapshot(repo)) == sorted([str(PREVIEW), str(RECONCILE), str(DRIFT), ".pre-commit-config.yaml",
                                              str(Path("inferencekey") / ".gitkeep")])
    assert f"created {PREVIEW}" in stdout and "added the inferencekey-validate hook" not in stdout
    reconcile = yaml.safe_load((repo / RECONCILE).read_text(encoding="utf-8"))
    assert reconcile[True]["push"]["branches"] == ["trunk"]  # YAML 1.1 reads the `on` key as True


def test_a_second_run_changes_nothing_and_says_so(repo, capsys):
    assert cli(capsys, "init")[0] == 0
    before = _snapshot(repo)
    code, stdout, _ = cli(capsys, "init")
    assert code == 0 and _snapshot(repo) == before
    assert stdout.splitlines()[-1] == "nothing to do: this repository is already set up"
    assert f"left alone {PREVIEW}: it exists" in stdout


def test_an_existing_workflow_is_never_overwritten(repo, capsys):
    (repo / WORKFLOWS).mkdir(parents=True)
    (repo / PREVIEW).write_text("name: mine\n", encoding="utf-8")
    assert cli(capsys, "init")[0] == 0
    assert (repo / PREVIEW).read_text(encoding="utf-8") == "name: mine\n"
    assert (repo / RECONCILE).exists()


def _findings(paths: List[Path]) -> List[Dict[str, Any]]:
    completed = subprocess.run([_tool("zizmor"), "--offline", "--format", "json", *map(str, paths)],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode in (0, 10, 11, 12, 13, 14), completed.stderr
    return json.loads(completed.stdout or "[]")


def _pinning_of_this_action_only(findings: List[Dict[str, Any]]) -> bool:
    return all(
        finding["ident"] == "unpinned-uses"
        and any(ACTION_REF in (loc["concrete"].get("feature") or "") for loc in finding["locations"])
        for finding in findings
    )


@pytest.mark.parametrize("matrix", [False, True], ids=["single-project", "matrix"])
def test_the_workflows_pass_zizmor_but_for_this_actions_own_pinning(repo, capsys, matrix):
    assert cli(capsys, "init", *(["--matrix"] if matrix else []))[0] == 0
    findings = _findings([repo / PREVIEW, repo / RECONCILE, repo / DRIFT])
    assert findings and _pinning_of_this_action_only(findings), json.dumps(findings, indent=1)[:4000]


@pytest.mark.parametrize("matrix", [False, True], ids=["single-project", "matrix"])
def test_the_workflows_pass_the_vendored_github_workflow_schema(repo, capsys, matrix):
    assert cli(capsys, "init", *(["--matrix"] if matrix else []))[0] == 0
    completed = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
         str(repo / PREVIEW), str(repo / RECONCILE), str(repo / DRIFT)],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def _steps(workflow: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("matrix", [False, True], ids=["single-project", "matrix"])
def test_the_workflows_are_hardened(repo, capsys, matrix):
    assert cli(capsys, "init", *(["--matrix"] if matrix else []))[0] == 0
    preview_text = (repo / PREVIEW).read_text(encoding="utf-8")
    preview, reconcile = yaml.safe_load(preview_text), yaml.safe_load((repo / RECONCILE).read_text(encoding="utf-8"))
    assert list(preview[True]) == ["pull_request"] and "pull_request_target" not in preview_text
    assert list(reconcile[True]) == ["push"]
    for workflow in (preview, reconcile):
        assert workflow["permissions"] == {}
        for name, job in workflow["jobs"].items():
            # The preview comments; the reconcile finds its PR and reports back there; nothing else writes.
            writes = {scope for scope, level in job["permissions"].items() if level == "write"}
            assert writes == (set() if name == "projects" else {"pull-requests"}), name
        for step in _steps(workflow):
            uses = step.get("uses", "")
            if uses.startswith("actions/"):
                assert PINNED.match(uses) and step["with"]["persist-credentials"] is False
    assert re.search(r"actions/checkout@[0-9a-f]{40}  # v\d+\.\d+\.\d+", preview_text)
    assert preview["concurrency"]["group"].endswith("${{ github.event.pull_request.number }}")
    assert preview["concurrency"]["cancel-in-progress"] is True
    assert reconcile["concurrency"]["cancel-in-progress"] is False
    assert reconcile["jobs"]["reconcile"]["environment"].startswith("inferencekey")
    assert "environment" not in preview["jobs"]["preview"] or matrix
    tokens = [step["with"]["sdk-token"] for step in _steps(reconcile) if "with" in step and "sdk-token" in step["with"]]
    assert tokens == ["${{ secrets.INFERENCEKEY_SDK_TOKEN }}"]
    assert "INFERENCEKEY_SDK_TOKEN }}" not in preview_text  # the write token stays behind the environment


@pytest.mark.parametrize("matrix", [False, True], ids=["single-project", "matrix"])
def test_the_nightly_drift_workflow_keeps_its_drift_in_an_issue_with_a_read_only_token(repo, capsys, matrix):
    assert cli(capsys, "init", *(["--matrix"] if matrix else []))[0] == 0
    drift = yaml.safe_load((repo / DRIFT).read_text(encoding="utf-8"))
    assert set(drift[True]) == {"schedule", "workflow_dispatch"} and drift["permissions"] == {}
    job = drift["jobs"]["drift"]
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    [action] = [step for step in job["steps"] if step.get("uses") == ACTION_REF]
    assert action["with"]["drift-issue"] is True and action["with"]["fail-on-drift"] is True
    assert action["with"]["sdk-token"] == "${{ secrets.INFERENCEKEY_SDK_READ_TOKEN }}"
    if matrix:
        # Every project every night: a schedule has no changed files.
        assert drift["jobs"]["projects"]["outputs"]["projects"].endswith(".outputs.projects }}")
        assert action["with"]["comment-key"] == "${{ matrix.project }}"


def _run_the_step(step: Dict[str, Any], root: Path, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str], changed: Sequence[str] = ()) -> Dict[str, str]:
    """The action's step run in-process as a runner would on a pull request changing ``changed``
    (no control plane: no token; GitHub is the loopback fake); its outputs."""
    files = RunnerFiles(root.parent / "runner")
    files.reset(pull_request_event())
    inputs = {name.replace("-", "_"): str(value) for name, value in step.get("with", {}).items()}
    with FakeGitHub() as github:
        github.change_files(REPOSITORY, PR_NUMBER, [{"filename": path, "status": "modified"} for path in changed])
        env = action_env(files, root, sdk_token=None, api_url=github.url, **inputs)
        for name in list(os.environ):
            if name.startswith(("GITHUB_", "INPUT_", "INFERENCEKEY_")):
                monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert main(["github-action"]) == 0, capsys.readouterr().out
    return files.outputs()


def test_specs_in_several_projects_get_a_matrix_over_the_projects_a_pr_touches_and_all_on_push(repo, capsys, monkeypatch):
    _write_spec(repo, "a.yaml", "acme", "a")
    _write_spec(repo, "b.yaml", "beta", "b")
    code, stdout, _ = cli(capsys, "init")
    assert code == 0 and "one job per project (acme, beta)" in stdout
    for path, job_name in ((PREVIEW, "preview"), (RECONCILE, "reconcile")):
        text = (repo / path).read_text(encoding="utf-8")
        assert "pipx" not in text and "ik-ensure projects" not in text
        workflow = yaml.safe_load(text)
        job = workflow["jobs"][job_name]
        assert job["needs"] == "projects"
        assert job["strategy"]["matrix"]["project"] == "${{ fromJSON(needs.projects.outputs.projects) }}"
        assert job["strategy"]["fail-fast"] is False
        assert "${{ matrix.project }}" in job["environment"]
        [action] = [step for step in job["steps"] if step["uses"] == ACTION_REF]
        assert action["with"]["only-project"] == "${{ matrix.project }}"
        # Preview and reconcile legs of one project share its comment (the reviewed plan, the outcome).
        assert action["with"]["comment-key"] == "${{ matrix.project }}"
        projects = workflow["jobs"]["projects"]
        [listing] = [step for step in projects["steps"] if step["uses"] == ACTION_REF]
        assert all("run" not in step for step in projects["steps"])
        # Validate only (no token, no control-plane request), no comment, the same specs as the legs.
        assert listing["with"] == {"comment": "never"} and "specs" not in action["with"]
        # A pull request's legs are the projects it touches; a push reconciles every project.
        output = "changed-projects" if job_name == "preview" else "projects"
        assert projects["outputs"]["projects"] == "${{ steps.%s.outputs.%s }}" % (listing["id"], output)
        assert projects["permissions"] == (
            {"contents": "read", "pull-requests": "read"} if job_name == "preview" else {"contents": "read"})
        # The projects job's step, run as the action, gives the matrix those workflows expand.
        outputs = _run_the_step(listing, repo, monkeypatch, capsys, changed=["inferencekey/b.yaml"])
        assert json.loads(outputs["projects"]) == ["acme", "beta"]
        assert json.loads(outputs["changed-projects"]) == ["beta"]


def test_right_after_init_the_matrix_lists_no_projects_and_its_legs_are_skipped(repo, capsys, monkeypatch):
    assert cli(capsys, "init", "--matrix")[0] == 0  # inferencekey/ holds only .gitkeep
    workflow = yaml.safe_load((repo / PREVIEW).read_text(encoding="utf-8"))
    [listing] = [step for step in workflow["jobs"]["projects"]["steps"] if step.get("uses") == ACTION_REF]
    assert _run_the_step(listing, repo, monkeypatch, capsys)["projects"] == "[]"
    assert workflow["jobs"]["preview"]["if"] == "needs.projects.outputs.projects != '[]'"


def test_one_project_gets_single_jobs(repo, capsys):
    _write_spec(repo, "a.yaml", "acme", "a")
    _write_spec(repo, "b.yaml", "acme", "b")
    assert cli(capsys, "init")[0] == 0
    assert "matrix" not in (repo / PREVIEW).read_text(encoding="utf-8")


def test_invalid_specs_are_located_errors_and_nothing_is_written(repo, capsys):
    (repo / "inferencekey").mkdir()
    (repo / "inferencekey" / "bad.yaml").write_text("name: x\nslug: x\nmodel: m\nbackend: vlm\n", encoding="utf-8")
    before = _snapshot(repo)
    code, _, stderr = cli(capsys, "init")
    assert code == 1 and re.search(r"inferencekey/bad\.yaml:4:10: ", stderr)
    assert _snapshot(repo) == before


def test_specs_naming_no_project_are_located_errors_and_nothing_is_written(repo, capsys):
    _write_spec(repo, "a.yaml", "acme", "a")
    (repo / "inferencekey" / "n.yaml").write_text("name: n\nslug: n\nmodel: m/m\nbackend: vllm\n", encoding="utf-8")
    before = _snapshot(repo)
    code, stdout, stderr = cli(capsys, "init")
    assert code == 1 and stdout == ""
    assert re.search(r"inferencekey/n\.yaml:1:1: no project for workload \"n\"", stderr)
    assert "set `project` in the spec or at the top of its file" in stderr
    assert "nothing was written" in stderr
    assert _snapshot(repo) == before


def test_outside_a_repository_root_it_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, stderr = cli(capsys, "init")
    assert code == exit_codes.USAGE and "not the root of a git repository" in stderr
    assert list(tmp_path.iterdir()) == []


def test_the_branch_option_is_quoted_where_yaml_would_misread_it(repo, capsys):
    assert cli(capsys, "init", "--branch", "2024.10")[0] == 0
    reconcile = yaml.safe_load((repo / RECONCILE).read_text(encoding="utf-8"))
    assert reconcile[True]["push"]["branches"] == ["2024.10"]


# --- the pre-commit config ------------------------------------------------------------

EXISTING_CONFIG = """\
# Our hooks. Keep this comment.
default_language_version:
  python: python3  # pinned on purpose

repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0   # bump with autoupdate
    hooks:
      - id: trailing-whitespace
      # - id: end-of-file-fixer   (disabled for now)

  - repo: local
    hooks:
      - id: say-hi
        name: say hi
        entry: "true"
        language: system
  # trailing comment of the list

ci:
  autofix_prs: false
"""


def _validate_config(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
                          cwd=repo, capture_output=True, text=True, timeout=300)


def _hooks(repo: Path) -> List[Dict[str, Any]]:
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [dict(hook, repo=entry["repo"], rev=entry.get("rev")) for entry in config["repos"] for hook in entry["hooks"]]


def test_a_new_pre_commit_config_passes_pre_commit_validate_config(repo, capsys):
    assert cli(capsys, "init")[0] == 0
    completed = _validate_config(repo)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [hook] = _hooks(repo)
    assert hook["id"] == MANIFEST[0]["id"] == "inferencekey-validate"
    assert hook["repo"] == "https://github.com/inferencekey/ensure-action" and hook["rev"].startswith("v")


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_the_hook_is_added_to_an_existing_config_without_disturbing_it(repo, capsys, newline):
    original = EXISTING_CONFIG.replace("\n", newline)
    (repo / ".pre-commit-config.yaml").write_bytes(original.encode("utf-8"))
    code, stdout, _ = cli(capsys, "init")
    assert code == 0 and "added the inferencekey-validate hook to .pre-commit-config.yaml" in stdout
    edited = (repo / ".pre-commit-config.yaml").read_bytes().decode("utf-8")
    old_lines, new_lines = original.split(newline), edited.split(newline)
    start = new_lines.index("  - repo: https://github.com/inferencekey/ensure-action")
    assert new_lines[start:start + 4] == ["  - repo: https://github.com/inferencekey/ensure-action",
                                          "    rev: v0.1.0", "    hooks:", "      - id: inferencekey-validate"]
    assert new_lines[start - 1] == "        language: system"  # right after the last item
    assert new_lines[:start] + new_lines[start + 4:] == old_lines  # every old line, in order
    assert "\n" not in edited.replace("\r\n", "") if newline == "\r\n" else "\r" not in edited
    assert [hook["id"] for hook in _hooks(repo)] == ["trailing-whitespace", "say-hi", "inferencekey-validate"]
    completed = _validate_config(repo)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_a_config_that_already_runs_the_hook_is_left_alone(repo, capsys):
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: https://example.com/fork/ensure-action\n  rev: abc\n  hooks:\n  - id: inferencekey-validate\n",
        encoding="utf-8")
    before = (repo / ".pre-commit-config.yaml").read_bytes()
    code, stdout, _ = cli(capsys, "init")
    assert code == 0 and "already runs the inferencekey-validate hook" in stdout
    assert (repo / ".pre-commit-config.yaml").read_bytes() == before


def test_a_config_it_cannot_edit_safely_is_refused_with_the_snippet_and_nothing_is_written(repo, capsys):
    (repo / ".pre-commit-config.yaml").write_text("repos: [{repo: local, hooks: []}]\n", encoding="utf-8")
    before = _snapshot(repo)
    code, _, stderr = cli(capsys, "init")
    assert code == 1 and "not a block list" in stderr and "- id: inferencekey-validate" in stderr
    assert _snapshot(repo) == before


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="the hook is installed from this checkout's git history")
def test_pre_commit_runs_the_hook_init_configured(repo, capsys, request, package_index):
    assert cli(capsys, "init")[0] == 0
    config = repo / ".pre-commit-config.yaml"
    # The hook init wrote, installed from this checkout instead of GitHub (no network but the index).
    head = _git(REPO, "rev-parse", "HEAD").strip()
    config.write_text(config.read_text(encoding="utf-8")
                      .replace("https://github.com/inferencekey/ensure-action", str(REPO))
                      .replace("rev: v0.1.0", f"rev: {head}"), encoding="utf-8")
    _write_spec(repo, "chat.yaml", "acme", "chat")
    home = Path(request.config.cache.mkdir("pre-commit-home-onboarding"))
    # pip installs the hook from the tests' loopback index (support/package_index.py).
    env = {**os.environ, **package_index.pip_env(), "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_ACTIONS", None)

    def run_hook() -> subprocess.CompletedProcess:
        _git(repo, "add", "-A")
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "inferencekey-validate", "--all-files"],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    passed = run_hook()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"validate InferenceKey workload specs\.+Passed", passed.stdout)
    _write_spec(repo, "broken.yaml", "acme", "yes")
    failed = run_hook()
    assert failed.returncode == 1
    assert "inferencekey/broken.yaml:3:7: $.slug:" in failed.stdout
