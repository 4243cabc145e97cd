"""The example workflows (README and docs/) are what a security review asks for, checked by the tools reviewers run.

Every ```yaml block of the README or a page of docs/ that has an ``on:`` is a workflow. zizmor
(offline, default persona) may report nothing on them or on action.yml but the
tag pin of this action itself (users pin it to the release they choose);
actionlint passes them and init's, and check-jsonschema's vendored GitHub schemas accept them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Sequence

import pytest
import yaml

from inferencekey_ensure.onboarding.workflow_templates import workflows as init_workflows

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent
THIS_ACTION = "inferencekey/ensure-action@"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def workflow_texts(pages: Sequence[str] = (README, *DOCS)) -> List[str]:
    return [block for page in pages for block in re.findall(r"```yaml\n(.*?)```", page, re.S)
            if re.search(r"^on:", block, re.M)]


def workflows() -> Dict[str, Dict[str, Any]]:
    loaded = [yaml.safe_load(text) for text in workflow_texts((README,))]
    return {str(workflow["name"]): workflow for workflow in loaded}


@pytest.fixture(scope="module")
def workflow_files(tmp_path_factory: pytest.TempPathFactory) -> List[Path]:
    folder = tmp_path_factory.mktemp("readme-workflows")
    files = []
    for index, text in enumerate(workflow_texts()):
        path = folder / f"workflow-{index}.yml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def test_the_readme_shows_preview_reconcile_and_drift_workflows() -> None:
    assert set(workflows()) == {"InferenceKey preview", "InferenceKey reconcile", "InferenceKey drift"}


def test_zizmor_finds_nothing_but_the_tag_pin_of_this_action(workflow_files: List[Path]) -> None:
    zizmor = BIN / "zizmor"
    if not zizmor.exists():
        pytest.skip("zizmor is not installed (pip install zizmor; it is in the test extras)")
    done = subprocess.run([str(zizmor), "--offline", "--format", "json", *map(str, workflow_files),
                           str(ROOT / "action.yml")], capture_output=True, text=True, timeout=120)
    findings = json.loads(done.stdout)
    left = [finding for finding in findings if not (
        finding["ident"] == "unpinned-uses"
        and all(THIS_ACTION in location["concrete"]["feature"] for location in finding["locations"]))]
    assert left == [], json.dumps(left, indent=1)[:4000]
    assert len(findings) == len(workflow_files)


def test_actionlint_passes_every_workflow_a_user_may_copy(tmp_path: Path) -> None:
    # The README's and docs/'s complete workflows, and both shapes init writes.
    paths = []
    for name, workflow_text in _all_workflow_texts().items():
        path = tmp_path / f"{name.replace(':', '-')}.yml"
        path.write_text(workflow_text, encoding="utf-8")
        paths.append(path)
    done = subprocess.run([str(BIN / "actionlint"), *map(str, paths)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(paths) == len(workflow_texts()) + sum(len(init_workflows("main", matrix)) for matrix in (False, True))


@pytest.mark.parametrize("schema,kind", [("vendor.github-workflows", "workflows"), ("vendor.github-actions", "action")])
def test_check_jsonschema_accepts_the_workflows_and_the_action(workflow_files: List[Path], schema: str,
                                                               kind: str) -> None:
    files = workflow_files if kind == "workflows" else [ROOT / "action.yml"]
    done = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_third_party_actions_are_pinned_by_commit_and_checkout_keeps_no_credentials() -> None:
    for text in workflow_texts():
        for use in re.findall(r"uses: (.+)$", text, re.M):
            assert use.startswith(THIS_ACTION) or PINNED.match(use), use
    for name, workflow in workflows().items():
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, name


def test_permissions_are_granted_per_job_and_only_preview_and_reconcile_write_pull_requests_drift_issues() -> None:
    # The reconcile lists the commit's pull requests and reports back on our comment there;
    # the nightly drift job keeps its drift issue.
    for name, workflow in workflows().items():
        assert workflow["permissions"] == {}, name
        for job in workflow["jobs"].values():
            writes = {scope for scope, level in job["permissions"].items() if level == "write"}
            assert writes == ({"pull-requests"} if name != "InferenceKey drift" else {"issues"}), name


def test_previews_cancel_per_pull_request_and_reconciles_queue_uncancelled_behind_an_environment() -> None:
    preview, reconcile = workflows()["InferenceKey preview"], workflows()["InferenceKey reconcile"]
    assert "github.event.pull_request.number" in preview["concurrency"]["group"]
    assert preview["concurrency"]["cancel-in-progress"] is True
    assert reconcile["concurrency"]["cancel-in-progress"] is False
    assert all(job.get("environment") for job in reconcile["jobs"].values())


def test_no_workflow_uses_pull_request_target_and_the_readme_warns_against_it() -> None:
    assert all("pull_request_target" not in workflow[True] for workflow in workflows().values())
    assert "**Never run a workflow on `pull_request_target` that checks out the pull request's code**" in README


def _all_workflow_texts() -> Dict[str, str]:
    """Every workflow a user may copy: the README's, docs/'s and the ones init writes (both shapes)."""
    found = {f"page-{index}": text for index, text in enumerate(workflow_texts())}
    for matrix in (False, True):
        for path, text in init_workflows("main", matrix).items():
            found[f"init{'-matrix' if matrix else ''}:{path.name}"] = text
    return found


def _all_workflows() -> Dict[str, Dict[str, Any]]:
    return {name: yaml.safe_load(text) for name, text in _all_workflow_texts().items()}


def test_one_secret_and_environment_naming_everywhere() -> None:
    # The write token only in a reconcile job behind the `inferencekey` environment (one per project in a
    # matrix); previews and drift checks read with the read-only token, outside it or in a preview environment.
    write_environments = {"inferencekey", "inferencekey-${{ matrix.project }}"}
    for name, workflow in _all_workflows().items():
        for job_name, job in workflow["jobs"].items():
            for step in job["steps"]:
                token = step.get("with", {}).get("sdk-token")
                if token is None:
                    continue
                reconcile = step["with"].get("mode") == "reconcile"
                if reconcile:
                    assert token == "${{ secrets.INFERENCEKEY_SDK_TOKEN }}", (name, job_name)
                    assert job.get("environment") in write_environments, (name, job_name)
                else:
                    assert token == "${{ secrets.INFERENCEKEY_SDK_READ_TOKEN }}", (name, job_name)
                    assert job.get("environment") in (None, "inferencekey-preview-${{ matrix.project }}"), name


def test_the_quickstart_names_the_secrets_and_environment_init_writes_and_promises_no_comment_without_drift() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    last = quickstart.strip().split("\n\n")[-1]
    secrets = {secret for text in init_workflows("main", False).values()
               for secret in re.findall(r"secrets\.(\w+)", text)}
    assert secrets == {"INFERENCEKEY_SDK_READ_TOKEN", "INFERENCEKEY_SDK_TOKEN"}
    assert all(f"`{secret}`" in last for secret in secrets), last
    assert "environment `inferencekey`" in last, last
    assert "comments the drift (none yet)" not in last
