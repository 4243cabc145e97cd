"""The pre-commit hook: the manifest, its entry point, and the real ``try-repo``.

``pre-commit try-repo`` installs this checkout into an isolated environment with
pip, from the tests' loopback package index (``support/package_index.py``: the
hook's dependencies and its build backend, hash-checked, cached outside the
repository). The entry-point test runs the hook the way pre-commit would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.package_index import PackageIndex
from support.validation import EXAMPLES, MINIMAL, REPO, write

MANIFEST = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
HOOK_IDS = [hook["id"] for hook in MANIFEST]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def user_repo(tmp_path):
    repo = tmp_path / "user-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "dev")
    write(repo, "inferencekey/chat.yaml", (EXAMPLES / "vllm-chat.yaml").read_text(encoding="utf-8"))
    write(repo, "inferencekey/more/models.json", (EXAMPLES / "reranker.json").read_text(encoding="utf-8"))
    write(repo, "config/app.yaml", "not: [a spec\n")
    write(repo, "README.md", "# app\n")
    return repo


def test_the_manifest_declares_a_serial_python_hook_named_as_documented():
    assert HOOK_IDS == ["inferencekey-validate"]
    for hook in MANIFEST:
        assert hook["entry"] == "ik-ensure validate --siblings" and hook["language"] == "python"
        assert hook["pass_filenames"] is True and hook["require_serial"] is True


@pytest.mark.parametrize("path, matched", [
    ("inferencekey/chat.yaml", True), ("inferencekey/a/b.yml", True), ("inferencekey/x.json", True),
    ("inferencekey/X.YAML", True), ("inferencekey/README.md", False), ("config/app.yaml", False),
    ("services/inferencekey/chat.yaml", False), ("inferencekey.yaml", False),
    (".ik-ensure.yaml", True), ("services/.ik-ensure.yaml", False), (".ik-ensure.yaml.bak", False),
])
def test_the_files_pattern_matches_the_default_discovery_folder_and_the_root_config(path, matched):
    assert bool(re.search(MANIFEST[0]["files"], path)) is matched


def _entry_command() -> list:
    script = Path(sys.executable).with_name("ik-ensure")
    executable = str(script) if script.exists() else shutil.which("ik-ensure")
    assert executable, "the ik-ensure console script is not installed next to this Python"
    return [executable, *MANIFEST[0]["entry"].split()[1:]]


def _run_entry_like_pre_commit(repo: Path) -> subprocess.CompletedProcess:
    _git(repo, "add", "-A")
    tracked = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout.split()
    files = [path for path in tracked if re.search(MANIFEST[0]["files"], path)]
    return subprocess.run(_entry_command() + files, cwd=repo, capture_output=True, text=True, timeout=120)


def test_the_hook_entry_passes_valid_specs_and_fails_with_located_errors(user_repo):
    passed = _run_entry_like_pre_commit(user_repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "2 files, 2 workloads: all valid" in passed.stdout
    write(user_repo, "inferencekey/broken.yaml", MINIMAL.replace("vllm", "vlm"))
    failed = _run_entry_like_pre_commit(user_repo)
    assert failed.returncode == 1
    assert "inferencekey/broken.yaml:4:10: $.backend: 'vlm' is not a known backend; did you mean 'vllm'?" in failed.stdout


def _try_repo(user_repo: Path, hook_id: str, home: Path, index: PackageIndex) -> subprocess.CompletedProcess:
    env = {**os.environ, **index.pip_env(), "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_ACTIONS", None)
    _git(user_repo, "add", "-A")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook_id, "--all-files"],
        cwd=user_repo, env=env, capture_output=True, text=True, timeout=900,
    )


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="try-repo needs this checkout to be a git repository")
def test_pre_commit_try_repo_runs_the_real_hook(user_repo, request, package_index):
    # One hook environment per checkout state, reused across runs of the suite.
    home = Path(request.config.cache.mkdir("pre-commit-home"))
    passed = _try_repo(user_repo, "inferencekey-validate", home, package_index)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"validate InferenceKey workload specs\.+Passed", passed.stdout)
    write(user_repo, "inferencekey/broken.yaml", MINIMAL + "vllm_version: 0.10\n")
    failed = _try_repo(user_repo, "inferencekey-validate", home, package_index)
    assert failed.returncode == 1
    assert re.search(r"validate InferenceKey workload specs\.+Failed", failed.stdout)
    assert (
        'inferencekey/broken.yaml:5:15: $.vllm_version: `0.10` is read as the number 0.1 (YAML 1.1), '
        'not a string; quote it: "0.10" [coercion]'
    ) in failed.stdout


def _snapshot_of_this_checkout(tmp_path: Path) -> tuple:
    """This checkout, uncommitted changes included, as a one-commit repository and its rev.

    A normal commit runs hooks from a ``repo:`` at a ``rev:``; fixed dates make the rev
    depend on the files alone, so the hook environment is built once per checkout state.
    """
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    snapshot = tmp_path / "hook-repo"
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    fixed = {**os.environ, "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
             "GIT_AUTHOR_NAME": "snapshot", "GIT_AUTHOR_EMAIL": "snapshot@example.com",
             "GIT_COMMITTER_NAME": "snapshot", "GIT_COMMITTER_EMAIL": "snapshot@example.com"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=snapshot, env=fixed, check=True, capture_output=True, timeout=60)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=snapshot, capture_output=True, text=True, check=True).stdout.strip()
    return snapshot, rev


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="the hook repository is made from this git checkout")
def test_a_normal_commit_fails_a_staged_file_against_the_committed_ones(user_repo, tmp_path, request, package_index):
    """A staged slug colliding with a committed file, a staged cap taking its project over the
    project ceiling with the committed ones, and a config change alone, each fail the commit."""
    snapshot, rev = _snapshot_of_this_checkout(tmp_path)
    write(user_repo, ".ik-ensure.yaml", "policy:\n  max_project_hourly_usd: 40\n")
    write(user_repo, "inferencekey/gpu/big.yaml", _capped("big", 30))
    write(user_repo, ".pre-commit-config.yaml",
          f"repos:\n  - repo: {snapshot.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: inferencekey-validate\n")
    env = {**os.environ, **package_index.pip_env(), "PRE_COMMIT_HOME": str(request.config.cache.mkdir("pre-commit-home")),
           "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_ACTIONS", None)
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=user_repo, env=env, check=True, capture_output=True)
    _git(user_repo, "add", "-A")
    first = subprocess.run(["git", "commit", "-m", "specs"], cwd=user_repo, env=env, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stdout + first.stderr

    # Only the new file is staged: pre-commit names it alone, chat.yaml stays committed and unstaged.
    colliding = (EXAMPLES / "vllm-chat.yaml").read_text(encoding="utf-8").replace("name: ", "name: Copy of ", 1)
    write(user_repo, "inferencekey/team/copy.yaml", colliding)
    _git(user_repo, "add", "inferencekey/team/copy.yaml")
    failed = subprocess.run(["git", "commit", "-m", "copy"], cwd=user_repo, env=env, capture_output=True, text=True, timeout=900)
    output = failed.stdout + failed.stderr  # git shows a hook's output on stderr
    assert failed.returncode == 1, output
    assert re.search(r"validate InferenceKey workload specs\.+Failed", output)
    (line,) = [line for line in output.splitlines() if "[slug-collision]" in line]
    assert line.startswith("inferencekey/team/copy.yaml:") and "by the workload at inferencekey/chat.yaml:" in line
    assert "1 file, 1 workload: 1 error" in output
    _git(user_repo, "rm", "-q", "--cached", "inferencekey/team/copy.yaml")
    (user_repo / "inferencekey/team/copy.yaml").unlink()

    # $20/h is within the $40/h limit alone; with the committed $30/h, the project is over.
    write(user_repo, "inferencekey/gpu/more.yaml", _capped("more", 20))
    _git(user_repo, "add", "inferencekey/gpu/more.yaml")
    failed = subprocess.run(["git", "commit", "-m", "more"], cwd=user_repo, env=env, capture_output=True, text=True, timeout=900)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    whole = subprocess.run([_entry_command()[0], "validate"], cwd=user_repo, capture_output=True, text=True, timeout=120)
    (line,) = [line for line in output.splitlines() if "[policy/max_project_hourly_usd]" in line]
    assert [line] == [line for line in whole.stdout.splitlines() if "[policy/" in line] and whole.returncode == 1
    assert line.startswith("inferencekey/gpu/more.yaml:8:24: ") and "sum to $50.00/h" in line
    _git(user_repo, "rm", "-q", "--cached", "inferencekey/gpu/more.yaml")
    (user_repo / "inferencekey/gpu/more.yaml").unlink()

    # Only the config is staged: the hook runs, and holds the committed specs to the new limit.
    write(user_repo, ".ik-ensure.yaml", "policy:\n  max_project_hourly_usd: 20\n")
    _git(user_repo, "add", ".ik-ensure.yaml")
    failed = subprocess.run(["git", "commit", "-m", "limit"], cwd=user_repo, env=env, capture_output=True, text=True, timeout=900)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert any(line.startswith("inferencekey/gpu/big.yaml:8:24: ") and "sum to $30.00/h" in line
               for line in output.splitlines()), output
    log = subprocess.run(["git", "log", "--format=%s"], cwd=user_repo, capture_output=True, text=True, check=True).stdout
    assert log.split() == ["specs"]


def _capped(slug: str, hourly: int) -> str:
    return (f"project: demo\nname: {slug}\nslug: {slug}\nmodel: m\nbackend: vllm\nexecution_policy: autoscaling\n"
            f"execution_policy_config:\n  max_hourly_cost_usd: {hourly}\n")


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="try-repo needs this checkout to be a git repository")
def test_pre_commit_holds_the_repository_policy_at_the_offending_line(user_repo, request, package_index):
    home = Path(request.config.cache.mkdir("pre-commit-home"))
    write(user_repo, ".ik-ensure.yaml", "policy:\n  allowed_backends: [ollama]\n  require_fields: [gpu_resource_id]\n"
                                        "  advisory: [require_fields]\n")
    failed = _try_repo(user_repo, "inferencekey-validate", home, package_index)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    lines = failed.stdout.splitlines()
    assert any(line.startswith("inferencekey/chat.yaml:") and line.endswith("[policy/allowed_backends]")
               and "backend 'vllm' is not allowed here (allowed: ollama)" in line for line in lines), failed.stdout
    assert any(": warning: " in line and line.endswith("[policy/require_fields]") for line in lines)
