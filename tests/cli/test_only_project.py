"""``--only-project`` on validate/plan/apply and the action's ``only-project`` input: a matrix
leg plans the specs of its project only, and nothing is requested for the others."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.controlplane.settings import TOKEN_ENV
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from inferencekey_ensure.github.inputs import read_inputs
from inferencekey_ensure.specset.project_filter import requested_projects
from support.action_harness import GITHUB_TOKEN, Runner, RunnerFiles, write_spec
from support.cli import run_cli as cli
from support.emulator import OTHER_TOKEN as BETA_TOKEN
from support.fake_github import FakeGitHub


def _specs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acme.yaml").write_text(
        "project: acme\nworkloads:\n  - {name: A, slug: a, model: m, backend: ollama}\n", encoding="utf-8")
    (folder / "beta.yaml").write_text(
        "project: beta\nworkloads:\n  - {name: B, slug: b, model: m, backend: ollama}\n", encoding="utf-8")
    (folder / "none.yaml").write_text("name: N\nslug: n\nmodel: m\nbackend: ollama\n", encoding="utf-8")
    return folder


def _paths(server: EmulatorServer) -> List[str]:
    return [f"{r.method} {r.path}" for r in server.request_log]


def test_plan_only_project_requests_nothing_for_the_other_projects(platform, tmp_path, capsys):
    specs = _specs(tmp_path / "specs")
    code, stdout, stderr = cli(capsys, "plan", specs, "--only-project", "acme", "--json")
    assert code == 0, stderr
    assert [w["slug"] for w in json.loads(stdout)["workloads"]] == ["a"]
    assert _paths(platform) == ["GET /api/projects/acme/workloads"]


def test_without_it_the_token_of_one_project_fails_the_run(platform, tmp_path, capsys):
    specs = _specs(tmp_path / "specs")
    code, _, _ = cli(capsys, "plan", specs, "--project", "acme")
    assert code == 1  # beta is out of the token's reach


def test_apply_only_project_writes_to_that_project_alone(platform, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, BETA_TOKEN)
    specs = _specs(tmp_path / "specs")
    code, _, stderr = cli(capsys, "apply", specs, "--only-project", "beta")
    assert code == 0, stderr
    assert [w["slug"] for w in platform.workloads("beta")] == ["b"]
    assert all("/projects/beta/" in path for path in _paths(platform))


def test_the_fallback_project_counts_as_the_specs_project(platform, tmp_path, capsys):
    specs = _specs(tmp_path / "specs")
    code, stdout, _ = cli(capsys, "plan", specs, "--only-project", "acme", "--project", "acme", "--json")
    assert code == 0
    assert sorted(w["slug"] for w in json.loads(stdout)["workloads"]) == ["a", "n"]


@pytest.mark.parametrize("command", ["validate", "plan", "apply"])
def test_a_project_no_spec_declares_is_a_usage_error_naming_the_declared_ones(platform, tmp_path, capsys, command,
                                                                             monkeypatch):
    monkeypatch.setenv("INFERENCEKEY_PROJECT", "delta")  # none.yaml's project
    specs = _specs(tmp_path / "specs")
    code, stdout, stderr = cli(capsys, command, specs, "--only-project", "acme", "--only-project", "gama")
    assert code == exit_codes.USAGE and stdout == ""
    assert "--only-project gama: no spec declares it" in stderr
    assert "the specs declare: acme, beta, delta" in stderr
    assert _paths(platform) == []


def test_a_spec_problem_is_reported_rather_than_an_undeclared_project(platform, tmp_path, capsys):
    specs = _specs(tmp_path / "specs")
    (specs / "beta.yaml").write_text("project: beta\nname: [unclosed\n", encoding="utf-8")
    code, stdout, _ = cli(capsys, "validate", specs, "--only-project", "beta")
    assert code == 1 and "beta.yaml" in stdout  # the unreadable file may be the one declaring it


def test_an_invalid_spec_of_any_project_still_fails_plan_before_any_request(platform, tmp_path, capsys):
    specs = _specs(tmp_path / "specs")
    (specs / "beta.yaml").write_text("project: beta\nname: B\nslug: b\nmodel: m\nbackend: olama\n", encoding="utf-8")
    code, _, stderr = cli(capsys, "plan", specs, "--only-project", "acme")
    assert code == 1 and "beta.yaml:5:10" in stderr and _paths(platform) == []


def test_validate_only_project_checks_only_the_files_of_those_projects(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
    specs = _specs(tmp_path / "specs")
    (specs / "beta.yaml").write_text("project: beta\nname: B\nslug: b\nmodel: m\nbackend: olama\n", encoding="utf-8")
    code, stdout, _ = cli(capsys, "validate", specs, "--only-project", "acme")
    assert code == 0 and "1 file, 1 workload: all valid" in stdout
    code, stdout, _ = cli(capsys, "validate", specs, "--only-project", "beta")
    assert code == 1 and "beta.yaml:5:10" in stdout
    (specs / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    code, stdout, _ = cli(capsys, "validate", specs, "--only-project", "acme")
    assert code == 1 and "broken.yaml" in stdout  # a file nobody can read is always reported


@pytest.mark.parametrize("values, expected", [
    (["acme"], ("acme",)), (["acme", "beta", "acme"], ("acme", "beta")), (["acme\nbeta\n"], ("acme", "beta")),
    (["acme, beta"], ("acme", "beta")), ([""], ()),
])
def test_requested_projects_reads_repeats_lines_and_commas(values, expected):
    assert requested_projects(values) == expected


def test_the_action_input_is_read_one_project_per_line():
    assert read_inputs({"INPUT_ONLY_PROJECT": "acme\nbeta\n"}).only_projects == ("acme", "beta")
    assert read_inputs({}).only_projects == ()


def test_the_action_refuses_an_only_project_no_spec_declares(tmp_path, capsys, monkeypatch):
    workspace = tmp_path / "repo"
    write_spec(workspace)
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as emulator, FakeGitHub(token=GITHUB_TOKEN) as github:
        run = Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)
        result: Any = run(only_project="acmee")
        assert result.code == exit_codes.USAGE
        assert "input `only-project` acmee: no spec declares it; the specs declare: acme" in result.log
        assert _paths(emulator) == []


def test_the_action_with_only_project_previews_that_project_alone(tmp_path, capsys, monkeypatch):
    workspace = tmp_path / "repo"
    write_spec(workspace)
    (workspace / "inferencekey" / "beta.yaml").write_text(
        "project: beta\nname: B\nslug: b\nmodel: m\nbackend: ollama\n", encoding="utf-8")
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as emulator, FakeGitHub(token=GITHUB_TOKEN) as github:
        run = Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)
        result: Any = run(only_project="beta", comment_key="beta")
        assert result.code == 0, result.log
        assert json.loads(result.outputs["endpoint-refs"]) == [
            {"project_slug": "beta", "workload_slug": "b", "action": "create"}]
        assert _paths(emulator) == ["GET /api/projects/beta/workloads"]
