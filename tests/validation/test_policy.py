"""The repository policy in ``validate``: each rule's violation at the offending value, named
``[policy/<rule>]``; mandatory rules fail (exit 1), advisory ones warn."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from support.cli import run_cli
from support.validation import write

SPECS = """\
project: acme
workloads:
  - name: Chat
    slug: chat
    model: mistralai/Mistral-7B
    backend: ollama
    execution_policy: autoscaling
    execution_policy_config:
      max_hourly_cost_usd: 12
      workers:
        source: cloud
        cloud_pool:
          gpu_pool: ["NVIDIA L4", "NVIDIA H100"]
  - name: Embed
    slug: embed
    model: Qwen/Qwen3-Embedding
    backend: vllm
    description: Search.
    execution_policy: autoscaling
    execution_policy_config:
      max_hourly_cost_usd: 9
      gpu_pool: ["NVIDIA T4"]
  - name: Free
    slug: free
    model: Qwen/Qwen3-8B
    backend: vllm
    description: No ceiling.
    execution_policy: fixed
"""
# Each rule, the place its violation is reported at (line:col of the offending value) and its json path.
EXPECTED = {
    "allowed_backends": ["6:14: $.workloads[0].backend"],
    "allowed_models": ["5:12: $.workloads[0].model"],
    "allowed_gpus": ["13:35: $.workloads[0].execution_policy_config.workers.cloud_pool.gpu_pool[1]",
                     "22:18: $.workloads[1].execution_policy_config.gpu_pool[0]"],
    "max_workload_hourly_usd": ["9:28: $.workloads[0].execution_policy_config.max_hourly_cost_usd"],
    "max_project_hourly_usd": ["21:28: $.workloads[1].execution_policy_config.max_hourly_cost_usd"],
    "require_fields": ["3:5: $.workloads[0]"],
    "forbid_uncapped": ["28:23: $.workloads[2].execution_policy"],
}
SETTINGS = {
    "allowed_backends": "[vllm, llamacpp]",
    "allowed_models": '["Qwen/*", "meta-llama/*"]',
    "allowed_gpus": '["NVIDIA L4", "NVIDIA A10G"]',
    "max_workload_hourly_usd": "10",
    "max_project_hourly_usd": "20",
    "require_fields": "[description]",
    "forbid_uncapped": "true",
}


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str) -> "tuple[int, List[str]]":
    specs = write(tmp_path, "inferencekey/fleet.yaml", SPECS)
    config_path = write(tmp_path, "config.yaml", config)
    code, out, _ = run_cli(capsys, "validate", "--config", config_path, specs)
    prefix = specs.as_posix() + ":"
    return code, [line[len(prefix):] for line in out.splitlines() if line.startswith(prefix)]


@pytest.mark.parametrize("rule", list(EXPECTED))
def test_each_rule_is_an_error_at_the_offending_value_naming_the_rule(tmp_path: Path, capsys, rule: str) -> None:
    code, lines = _validate(tmp_path, capsys, f"policy:\n  {rule}: {SETTINGS[rule]}\n")
    assert code == 1
    found = [line.split(": ", 2)[0] + ": " + line.split(": ", 2)[1] for line in lines]
    assert found == EXPECTED[rule], lines
    assert all(line.endswith(f"[policy/{rule}]") and ": warning: " not in line for line in lines)


@pytest.mark.parametrize("rule", list(EXPECTED))
def test_each_rule_named_advisory_warns_at_the_same_place_and_passes(tmp_path: Path, capsys, rule: str) -> None:
    code, lines = _validate(tmp_path, capsys, f"policy:\n  {rule}: {SETTINGS[rule]}\n  advisory: [{rule}]\n")
    assert code == 0
    assert [line.split(": ", 1)[0] for line in lines] == [place.split(": ")[0] for place in EXPECTED[rule]]
    assert all(": warning: " in line and line.endswith(f"[policy/{rule}]") for line in lines)


def test_the_project_ceiling_adds_up_the_projects_specs_across_files(tmp_path: Path, capsys) -> None:
    config = write(tmp_path, "config.yaml", "policy:\n  max_project_hourly_usd: 15\n")
    capped = "  - {{name: {0}, slug: {0}, model: m, backend: vllm, execution_policy: autoscaling, " \
             "execution_policy_config: {{max_hourly_cost_usd: 8}}}}\n"
    first = write(tmp_path, "inferencekey/a.yaml", "project: acme\nworkloads:\n" + capped.format("one"))
    write(tmp_path, "inferencekey/b.yaml", "project: acme\nworkloads:\n" + capped.format("two"))
    write(tmp_path, "inferencekey/c.yaml", "project: other\nworkloads:\n" + capped.format("three"))
    code, out, _ = run_cli(capsys, "validate", "--config", config, first.parent)
    [line] = [line for line in out.splitlines() if "[policy/" in line]
    assert code == 1 and line.startswith(f"{(first.parent / 'b.yaml').as_posix()}:3:")
    assert ("project 'acme': spend ceilings sum to $16.00/h, above the project limit of $15.00/h; "
            "this workload's ceiling takes it over") in line


def _fleet(repo: Path, ceilings: List[tuple]) -> None:
    """A repository (``.git``) with a project limit of $40/h and one spec file per (file, project, ceiling)."""
    (repo / ".git").mkdir()
    write(repo, ".ik-ensure.yaml", "policy:\n  max_project_hourly_usd: 40\n")
    for name, project, hourly in ceilings:
        write(repo, f"inferencekey/{name}.yaml", f"project: {project}\nname: {name}\nslug: {name}\nmodel: m\n"
              f"backend: vllm\nexecution_policy: autoscaling\nexecution_policy_config:\n  max_hourly_cost_usd: {hourly}\n")


def _policy_lines(out: str) -> List[str]:
    return [line for line in out.splitlines() if "[policy/" in line]


def test_a_hook_run_adds_the_sibling_ceilings_and_fails_the_staged_file_as_the_whole_tree_run_does(
        tmp_path: Path, capsys, monkeypatch) -> None:
    _fleet(tmp_path, [("a", "acme", 30), ("b", "acme", 20), ("c", "acme", 5), ("d", "other", 30)])
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "validate", "--siblings", "inferencekey/b.yaml")
    whole_code, whole, _ = run_cli(capsys, "validate")
    assert code == whole_code == 1
    assert _policy_lines(out) == _policy_lines(whole) == [
        "inferencekey/b.yaml:8:24: $.execution_policy_config.max_hourly_cost_usd: project 'acme': spend ceilings "
        "sum to $55.00/h, above the project limit of $40.00/h; this workload's ceiling takes it over "
        "[policy/max_project_hourly_usd]"]
    assert "1 file, 1 workload: 1 error" in out
    # Alone, b's $20/h is within the limit: only the siblings take its project over.
    assert run_cli(capsys, "validate", "inferencekey/b.yaml")[0] == 0


def test_a_hook_run_fails_a_staged_workload_adding_to_a_project_its_siblings_already_took_over(
        tmp_path: Path, capsys, monkeypatch) -> None:
    _fleet(tmp_path, [("a", "acme", 30), ("b", "acme", 15), ("c", "acme", 1), ("d", "other", 1)])
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "validate", "--siblings", "inferencekey/c.yaml")
    assert code == 1 and [line.split(":")[0] for line in _policy_lines(out)] == ["inferencekey/c.yaml"]
    assert "sum to $46.00/h" in out
    # A staged workload of another project is not blamed for acme's sum.
    assert run_cli(capsys, "validate", "--siblings", "inferencekey/d.yaml")[0] == 0


def test_a_named_config_file_is_checked_as_the_config_with_the_spec_folder_it_governs(
        tmp_path: Path, capsys, monkeypatch) -> None:
    _fleet(tmp_path, [("a", "acme", 30), ("b", "acme", 20)])
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "validate", "--siblings", ".ik-ensure.yaml")
    assert code == 1 and [line.split(":")[0] for line in _policy_lines(out)] == ["inferencekey/b.yaml"]
    assert "2 files, 2 workloads: 1 error" in out
    write(tmp_path, ".ik-ensure.yaml", "policy:\n  max_project_hourly_usd: fifty\n")
    code, out, _ = run_cli(capsys, "validate", "--siblings", ".ik-ensure.yaml")
    assert code == 1 and out.startswith(".ik-ensure.yaml:2:27: ")


def test_a_named_config_file_without_a_spec_folder_is_checked_alone(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".ik-ensure.yaml", "project: acme\npolicy:\n  allowed_backends: [vllm]\n")
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "validate", ".ik-ensure.yaml")[0] == 0
    write(tmp_path, ".ik-ensure.yaml", "project: acme\npolicy:\n  allowed_backend: [vllm]\n")
    code, out, _ = run_cli(capsys, "validate", ".ik-ensure.yaml")
    assert code == 1 and out.startswith(".ik-ensure.yaml:3:3: "), out


def test_a_private_worker_is_a_ceiling_of_zero_and_passes_forbid_uncapped(tmp_path: Path, capsys) -> None:
    config = write(tmp_path, "config.yaml", "policy:\n  forbid_uncapped: true\n")
    spec = write(tmp_path, "s.yaml", "project: acme\nname: a\nslug: a\nmodel: m\nbackend: vllm\nworker_id: wk-1\n")
    assert run_cli(capsys, "validate", "--config", config, spec)[0] == 0
