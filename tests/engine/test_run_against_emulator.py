"""apply and plan against the emulator over real loopback HTTP: what is sent, what results."""

from __future__ import annotations

import pytest

from inferencekey_ensure.engine import PREVIEW, RECONCILE
from inferencekey_ensure.report.plan_json import report_to_json
from support.emulator import TOKEN_ANY
from support.engine import BOT, EMBED, SEEDED_BOT, by_slug, engine_run, gets, write_specs, writes


def test_apply_creates_every_missing_workload_with_the_sdk_body(emulator, tmp_path):
    specs = write_specs(tmp_path, [BOT, EMBED])
    report = engine_run(emulator, [specs], mode=RECONCILE)
    assert report.succeeded
    assert sorted(by_slug(emulator)) == ["embedder-v2", "support-bot"]
    assert gets(emulator) == ["/api/projects/acme/workloads"]
    assert sorted(writes(emulator), key=lambda w: w[2]["slug"]) == [
        ("POST", "/api/projects/acme/workloads", {
            "name": "Embedder", "slug": "embedder-v2", "task_type": "embedding",
            "backend": "vllm", "model_name": "BAAI/bge-m3"}),
        ("POST", "/api/projects/acme/workloads", {
            "name": "Support bot", "slug": "support-bot", "task_type": "text2text",
            "backend": "vllm", "model_name": BOT["model"], "config": {"command": BOT["command"]}}),
    ]
    refs = [(r.endpoint_ref.project_slug, r.endpoint_ref.workload_slug, r.exists) for r in report.workloads]
    assert refs == [("acme", "support-bot", True), ("acme", "embedder-v2", True)]


def test_a_rerun_issues_zero_writes_and_one_list(emulator, tmp_path):
    specs = write_specs(tmp_path, [BOT, EMBED])
    engine_run(emulator, [specs], mode=RECONCILE)
    emulator.clear_request_log()
    report = engine_run(emulator, [specs], mode=RECONCILE)
    assert [r.action for r in report.workloads] == ["no-change", "no-change"]
    assert writes(emulator) == []
    assert gets(emulator) == ["/api/projects/acme/workloads"]


def test_one_list_serves_every_spec_of_a_project(emulator, tmp_path):
    many = [dict(BOT, slug=f"bot-{i}", name=f"Bot {i}") for i in range(6)]
    write_specs(tmp_path, many[:3], project="acme", name="a.json")
    write_specs(tmp_path, many[3:], project="beta", name="b.json")
    emulator.seed("beta", {**SEEDED_BOT, "slug": "bot-3"})
    report = engine_run(emulator, [tmp_path], token=TOKEN_ANY, mode=PREVIEW)
    assert not report.has_errors
    assert sorted(gets(emulator)) == ["/api/projects/acme/workloads", "/api/projects/beta/workloads"]


def test_preview_sends_only_gets_whatever_the_plan(emulator, tmp_path):
    emulator.seed("acme", {**SEEDED_BOT, "name": "Old name"})
    emulator.seed("acme", {**SEEDED_BOT, "slug": "stray", "name": "Stray"})
    specs = write_specs(tmp_path, [BOT, EMBED])
    report = engine_run(emulator, [specs], mode=PREVIEW, prune=True)
    assert [r.action for r in report.workloads] == ["update", "create"]
    assert [u.workload.action for u in report.unmanaged] == ["prune"]
    assert {r.method for r in emulator.request_log} == {"GET"}
    assert by_slug(emulator)["support-bot"]["name"] == "Old name"


DRIFTS = [
    ("name", {"name": "Old"}, {}, {"name": "Support bot"}),
    ("backend", {"backend": "sglang", "config": None}, {},
     {"backend": "vllm", "config": {"command": BOT["command"]}}),
    ("model_name", {"model_name": "old/model"}, {}, {"model_name": BOT["model"]}),
    ("description", {"description": "old"}, {"description": "new"}, {"description": "new"}),
    ("config", {"config": {"command": "old"}}, {}, {"config": {"command": BOT["command"]}}),
    ("worker_id", {}, {"worker_id": "worker-1"}, {"worker_id": "worker-1"}),
    ("gpu_resource_id", {"gpu_resource_id": "gpu-old"}, {"gpu_resource_id": "gpu-1"},
     {"gpu_resource_id": "gpu-1"}),
    ("execution_policy", {"execution_policy": "fixed", "execution_policy_config": {"replicas": 1}},
     {"execution_policy": "fixed", "execution_policy_config": {"replicas": 2}},
     {"execution_policy_config": {"replicas": 2}}),
]


@pytest.mark.parametrize("field, live_change, spec_change, patch", DRIFTS, ids=[d[0] for d in DRIFTS])
def test_drift_on_each_field_is_patched_exactly(emulator, tmp_path, field, live_change, spec_change, patch):
    seeded = {key: value for key, value in {**SEEDED_BOT, **live_change}.items() if value is not None}
    live = emulator.seed("acme", seeded)
    specs = write_specs(tmp_path, [dict(BOT, **spec_change)])
    report = engine_run(emulator, [specs], mode=RECONCILE)
    assert [r.action for r in report.workloads] == ["update"]
    assert writes(emulator) == [("PATCH", f"/api/workloads/{live['id']}", patch)]
    emulator.clear_request_log()
    again = engine_run(emulator, [specs], mode=RECONCILE)
    assert [r.action for r in again.workloads] == ["no-change"]
    assert writes(emulator) == []


def test_a_kind_switch_carries_its_config_in_the_same_patch(emulator, tmp_path):
    live = emulator.seed("acme", {**SEEDED_BOT, "execution_policy": "fixed",
                                  "execution_policy_config": {"replicas": 1}})
    spec = dict(BOT, execution_policy="autoscaling",
                execution_policy_config={"min_workers": 0, "max_workers": 2,
                                         "workers": {"source": "private", "private_worker_ids": ["w1"]}})
    report = engine_run(emulator, [write_specs(tmp_path, [spec])], mode=RECONCILE)
    assert report.succeeded
    assert writes(emulator) == [("PATCH", f"/api/workloads/{live['id']}", {
        "execution_policy": "autoscaling",
        "execution_policy_config": spec["execution_policy_config"]})]
    assert by_slug(emulator)["support-bot"]["execution_policy"] == "autoscaling"


def test_a_non_canonical_slug_finds_the_same_workload(emulator, tmp_path):
    emulator.seed("acme", SEEDED_BOT)
    report = engine_run(emulator, [write_specs(tmp_path, [dict(BOT, slug="  Support_Bot!! ")])],
                        mode=RECONCILE)
    assert [(r.action, r.endpoint_ref.workload_slug) for r in report.workloads] == [("no-change", "support-bot")]
    assert writes(emulator) == []


def test_a_declared_task_type_change_fails_that_workload_and_the_others_carry_on(emulator, tmp_path):
    emulator.seed("acme", {**SEEDED_BOT, "task_type": "embedding", "name": "Old"})
    report = engine_run(emulator, [write_specs(tmp_path, [dict(BOT, task_type="text2text"), EMBED])], mode=RECONCILE)
    bot, embed = report.workloads
    assert (bot.action, bot.status) == ("replace", "failed")
    assert "task_type cannot be changed in place (embedding -> text2text)" in bot.error
    assert "delete" in bot.fix.lower()
    assert (embed.action, embed.status) == ("create", "ok")
    assert [w[0] for w in writes(emulator)] == ["POST"]
    assert by_slug(emulator)["support-bot"]["name"] == "Old"
    assert not report.succeeded


def test_an_undeclared_task_type_keeps_the_live_one_while_the_name_is_updated(emulator, tmp_path):
    emulator.seed("acme", {**SEEDED_BOT, "task_type": "embedding", "name": "Old"})
    report = engine_run(emulator, [write_specs(tmp_path, [BOT])], mode=RECONCILE)
    (bot,) = report.workloads
    assert (bot.action, bot.status) == ("update", "ok")
    assert report.succeeded
    assert [(method, body) for method, _, body in writes(emulator)] == [("PATCH", {"name": BOT["name"]})]
    assert by_slug(emulator)["support-bot"]["task_type"] == "embedding"


def test_unmanaged_workloads_are_deleted_only_by_apply_with_prune(emulator, tmp_path):
    stray = emulator.seed("acme", {**SEEDED_BOT, "slug": "stray", "name": "Stray"})
    specs = write_specs(tmp_path, [BOT])
    kept = engine_run(emulator, [specs], mode=RECONCILE)
    assert [(u.workload.slug, u.workload.action) for u in kept.unmanaged] == [("stray", "none")]
    assert "stray" in by_slug(emulator)
    emulator.clear_request_log()
    pruned = engine_run(emulator, [specs], mode=RECONCILE, prune=True)
    assert [(u.workload.slug, u.status) for u in pruned.unmanaged] == [("stray", "ok")]
    assert writes(emulator) == [("DELETE", f"/api/workloads/{stray['id']}", None)]
    assert sorted(by_slug(emulator)) == ["support-bot"]
    assert report_to_json(pruned)["summary"]["prune"] == 1


@pytest.mark.parametrize("on_drift, action, status", [
    ("fail", "drift-refused", "refused"),
    ("warn", "drift-left", "left-drifted"),
    ("ignore", "drift-left", "left-drifted"),
    ("dry_run", "drift-left", "left-drifted"),
    ("reconcile", "update", "ok"),
])
def test_each_on_drift_value_decides_what_happens_to_drift(emulator, tmp_path, on_drift, action, status):
    emulator.seed("acme", {**SEEDED_BOT, "name": "Old"})
    report = engine_run(emulator, [write_specs(tmp_path, [BOT])], mode=RECONCILE, on_drift=on_drift)
    result = report.workloads[0]
    assert (result.action, result.status) == (action, status)
    assert [w[0] for w in writes(emulator)] == (["PATCH"] if on_drift == "reconcile" else [])
    if on_drift == "fail":
        assert result.error == "workload drifted from spec: name"
        assert not report.succeeded


def test_a_specs_own_on_drift_wins_over_the_flag(emulator, tmp_path):
    emulator.seed("acme", {**SEEDED_BOT, "name": "Old"})
    report = engine_run(emulator, [write_specs(tmp_path, [dict(BOT, on_drift="ignore")])],
                        mode=RECONCILE, on_drift="fail")
    assert report.workloads[0].planned.on_drift == "ignore"
    assert report.workloads[0].status == "left-drifted"
    assert report.succeeded


def test_dry_run_on_a_missing_workload_creates_nothing_and_says_so(emulator, tmp_path):
    report = engine_run(emulator, [write_specs(tmp_path, [dict(BOT, on_drift="dry_run")])],
                        mode=RECONCILE)
    result = report.workloads[0]
    assert (result.action, result.exists) == ("drift-left", False)
    assert any("does not exist yet" in note for note in result.notes)
    assert writes(emulator) == []
