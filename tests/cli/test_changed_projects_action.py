"""``changed-projects`` from the action in-process: GitHub's file list of a pull request, every page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from support.action_harness import GITHUB_TOKEN, PR_NUMBER, REPOSITORY, Runner, RunnerFiles
from support.fake_github import PULL_FILES_CAP, FakeGitHub


@pytest.fixture()
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as server:
        yield server


@pytest.fixture()
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=GITHUB_TOKEN) as fake:
        yield fake


@pytest.fixture()
def run_action(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
               emulator: EmulatorServer, github: FakeGitHub) -> Runner:
    workspace = tmp_path / "repo"
    for project in ("acme", "beta"):
        path = workspace / "inferencekey" / f"{project}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"project: {project}\nname: {project}\nslug: {project}-bot\nmodel: m/m\nbackend: vllm\n")
    return Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)


def _files(count: int) -> List[Dict[str, str]]:
    return [{"filename": f"docs/{index}.md", "status": "modified"} for index in range(count)]


def test_a_list_cut_at_githubs_3000_files_counts_as_every_project(run_action: Runner, github: FakeGitHub) -> None:
    github.change_files(REPOSITORY, PR_NUMBER, _files(PULL_FILES_CAP + 5))
    result = run_action(sdk_token=None, comment="never")
    assert json.loads(result.outputs["changed-projects"]) == ["acme", "beta"]
    assert len(github.requests_of("GET")) == PULL_FILES_CAP // 100


def test_an_added_spec_file_counts_with_its_project_and_a_workflow_change_with_all(
        run_action: Runner, github: FakeGitHub) -> None:
    github.change_files(REPOSITORY, PR_NUMBER, [{"filename": "inferencekey/beta.yaml", "status": "added"}])
    assert json.loads(run_action(sdk_token=None, comment="never").outputs["changed-projects"]) == ["beta"]
    github.change_files(REPOSITORY, PR_NUMBER, [{"filename": ".github/workflows/ci.yml", "status": "modified"}])
    assert json.loads(run_action(sdk_token=None, comment="never").outputs["changed-projects"]) == ["acme", "beta"]


def test_on_push_changed_projects_equals_projects_without_asking_github(run_action: Runner, github: FakeGitHub) -> None:
    result = run_action(sdk_token=None, comment="never", event_name="push")
    assert result.outputs["changed-projects"] == result.outputs["projects"] == '["acme", "beta"]'
    assert github.requests == []
