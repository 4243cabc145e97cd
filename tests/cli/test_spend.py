"""Spend ceilings end to end: a fleet with known ceilings on the loopback emulator, through
``plan`` (text and JSON) and ``apply --max-spend-increase``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inferencekey_ensure.emulator import EmulatorServer
from support.cli import run_cli
from support.engine import writes
from support.fleet import HEADLINE, seed_fleet, write_fleet_specs


@pytest.fixture()
def fleet(platform: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EmulatorServer:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    seed_fleet(platform)
    write_fleet_specs(tmp_path)
    platform.clear_request_log()
    return platform


def test_plan_text_gives_the_exact_before_and_after_of_the_fleet(fleet: EmulatorServer, capsys) -> None:
    code, out, _ = run_cli(capsys, "plan")
    assert code == 0
    lines = out.splitlines()
    assert HEADLINE in lines
    assert "  acme/chat: $6.00/h -> $8.00/h" in lines
    assert "  acme/embed: not there -> $10.00/h" in lines
    assert "  uncapped (no ceiling declared, not counted in the sum): acme/legacy" in lines
    assert not any(line.startswith("  acme/batch:") for line in lines)  # unchanged: $0 private before and after


def test_plan_json_gives_the_exact_before_and_after_of_the_fleet(fleet: EmulatorServer, capsys) -> None:
    code, out, _ = run_cli(capsys, "plan", "--json")
    document = json.loads(out)
    assert code == 0
    assert document["spend"] == {
        "currency": "USD", "hours_per_month": 730, "before_hourly_usd": 6.0, "after_hourly_usd": 18.0,
        "uncapped_before": ["acme/legacy"], "uncapped_after": ["acme/legacy"],
        "projects": [{"project": "acme", "before_hourly_usd": 6.0, "after_hourly_usd": 18.0,
                      "uncapped_before": ["acme/legacy"], "uncapped_after": ["acme/legacy"]}],
    }
    spends = {item["slug"]: item["spend"] for item in document["workloads"]}
    assert spends["chat"] == {"before": {"basis": "cloud-cap", "hourly_usd": 6.0},
                              "after": {"basis": "cloud-cap", "hourly_usd": 8.0}}
    assert spends["batch"] == {"before": {"basis": "private", "hourly_usd": 0.0},
                               "after": {"basis": "private", "hourly_usd": 0.0}}
    assert spends["embed"] == {"before": None, "after": {"basis": "cloud-cap", "hourly_usd": 10.0}}
    assert document["unmanaged"][0]["spend"]["after"] == {"basis": "uncapped", "hourly_usd": None}


def test_a_pruned_workload_leaves_the_after_sum(fleet: EmulatorServer, capsys) -> None:
    fleet.seed("acme", {"name": "Old", "slug": "old", "task_type": "text2text", "backend": "vllm", "model_name": "m",
                        "execution_policy": "autoscaling",
                        "execution_policy_config": {"max_workers": 1, "max_hourly_cost_usd": 4}})
    _, out, _ = run_cli(capsys, "plan", "--json", "--prune")
    spend = json.loads(out)["spend"]
    assert (spend["before_hourly_usd"], spend["after_hourly_usd"]) == (10.0, 18.0)
    assert spend["uncapped_after"] == []  # legacy is pruned too


def test_a_plan_over_the_spend_limit_fails_saying_by_how_much_and_naming_the_limit(fleet: EmulatorServer,
                                                                                  capsys) -> None:
    code, out, err = run_cli(capsys, "plan", "--max-spend-increase", "5")
    assert code == 1
    assert ("the spend ceiling rises by $12.00/h ($6.00/h -> $18.00/h), $7.00/h above the spend limit "
            "(max-spend-increase $5.00/h)") in out + err
    assert run_cli(capsys, "plan", "--max-spend-increase", "12")[0] == 0


def test_apply_over_the_spend_limit_refuses_before_any_write(fleet: EmulatorServer, capsys) -> None:
    code, out, _ = run_cli(capsys, "apply", "--max-spend-increase", "5", "--json")
    document = json.loads(out)
    assert code == 1
    assert writes(fleet) == []
    assert (document["mode"], document["refused"], document["summary"]["changes"]) == ("reconcile", "spend-limit", 0)
    assert "max-spend-increase $5.00/h" in document["errors"][0]["message"]


def test_a_workload_added_uncapped_is_an_unbounded_increase_under_any_limit(fleet: EmulatorServer, tmp_path: Path,
                                                                          capsys) -> None:
    (tmp_path / "inferencekey" / "more.yaml").write_text(
        "project: acme\nworkloads:\n  - {name: Free, slug: free, model: m, backend: vllm}\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "apply", "--max-spend-increase", "1000")
    assert code == 1 and writes(fleet) == []
    assert "rises without bound" in out + err and "acme/free would run uncapped" in out + err


def test_apply_under_a_mandatory_policy_violation_sends_no_request(fleet: EmulatorServer, tmp_path: Path,
                                                                   capsys) -> None:
    (tmp_path / ".ik-ensure.yaml").write_text("policy:\n  allowed_backends: [llamacpp]\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "apply")
    assert code == 1 and fleet.request_log == []
    assert "inferencekey/app.json:7:18: $.workloads[0].backend: backend 'vllm' is not allowed here" in err


def test_plan_json_lists_the_advisory_violations(fleet: EmulatorServer, tmp_path: Path, capsys) -> None:
    (tmp_path / ".ik-ensure.yaml").write_text("policy:\n  forbid_uncapped: true\n  max_workload_hourly_usd: 9\n"
                                              "  advisory: [forbid_uncapped, max_workload_hourly_usd]\n",
                                              encoding="utf-8")
    code, out, _ = run_cli(capsys, "plan", "--json")
    violations = json.loads(out)["policy"]
    assert code == 0
    assert [(v["rule"], v["severity"], v["line"]) for v in violations] == [
        ("policy/max_workload_hourly_usd", "warning", 32)]  # embed: $10/h
