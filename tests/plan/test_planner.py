"""The pure planner: one decision per spec, unmanaged workloads, every on_drift."""

from __future__ import annotations

import pytest

from inferencekey_ensure.domain.drift import FieldDiff
from inferencekey_ensure.plan.model import (
    CREATE,
    DRIFT_LEFT,
    DRIFT_REFUSED,
    KEEP,
    NO_CHANGE,
    PRUNE,
    REPLACE,
    UNKNOWN,
    UPDATE,
    EndpointRef,
)
from inferencekey_ensure.plan.planner import build_plan


def plan_one(target, live_workloads, on_drift="reconcile", prune=False):
    plan = build_plan([target], {target.project: live_workloads}, on_drift=on_drift, prune=prune)
    assert len(plan.workloads) == 1
    return plan.workloads[0]


def test_a_missing_workload_is_created_with_its_full_body(target):
    planned = plan_one(target(slug="Support Bot"), [])
    assert planned.action == CREATE
    assert planned.slug == "support-bot"
    assert planned.payload["slug"] == "support-bot"
    assert planned.diffs[0] == FieldDiff("name", None, "Support bot")
    assert all(diff.live is None for diff in planned.diffs)
    assert planned.endpoint_ref == EndpointRef("acme", "support-bot")


@pytest.mark.parametrize("on_drift", ["reconcile", "fail", "warn", "ignore"])
def test_on_drift_plays_no_part_for_a_missing_workload(target, on_drift):
    assert plan_one(target(), [], on_drift=on_drift).action == CREATE


def test_dry_run_on_a_missing_workload_says_the_reference_points_nowhere(target):
    planned = plan_one(target(), [], on_drift="dry_run")
    assert planned.action == DRIFT_LEFT
    assert planned.payload is None
    assert any("does not exist yet" in note for note in planned.notes)


def test_a_non_canonical_slug_finds_the_same_workload(target, live):
    planned = plan_one(target(slug="  Support_Bot  "), [live()])
    assert planned.action == NO_CHANGE
    assert planned.endpoint_ref == EndpointRef("acme", "support-bot")
    assert planned.payload is None


def test_drift_under_reconcile_patches_only_the_drifted_fields(target, live):
    planned = plan_one(target(model="new/model"), [live(name="Old name")])
    assert planned.action == UPDATE
    assert planned.payload == {"name": "Support bot", "model_name": "new/model"}
    assert [diff.field for diff in planned.diffs] == ["name", "model_name"]


def test_fail_refuses_with_the_sdk_wording_and_sends_nothing(target, live):
    planned = plan_one(target(model="new/model"), [live(name="Old")], on_drift="fail")
    assert planned.action == DRIFT_REFUSED
    assert planned.payload is None
    assert planned.refusal == "workload drifted from spec: name, model_name"


@pytest.mark.parametrize("on_drift", ["warn", "ignore", "dry_run"])
def test_drift_is_left_in_place_and_shown(target, live, on_drift):
    planned = plan_one(target(), [live(name="Old")], on_drift=on_drift)
    assert planned.action == DRIFT_LEFT
    assert planned.payload is None
    assert planned.diffs == (FieldDiff("name", "Old", "Support bot"),)
    assert any(f"on_drift={on_drift}" in note for note in planned.notes)


def test_the_specs_own_on_drift_wins_over_the_run_default(target, live):
    planned = plan_one(target(on_drift="fail"), [live(name="Old")], on_drift="reconcile")
    assert (planned.on_drift, planned.action) == ("fail", DRIFT_REFUSED)
    planned = plan_one(target(), [live(name="Old")], on_drift="warn")
    assert (planned.on_drift, planned.action) == ("warn", DRIFT_LEFT)


def test_a_task_type_change_needs_replacement_and_is_never_patched(target, live):
    planned = plan_one(target(task_type="embedding", model="new"), [live()])
    assert planned.action == REPLACE
    assert planned.payload is None
    assert [diff.field for diff in planned.diffs] == ["model_name"]
    assert any("task_type cannot be changed in place (text2text -> embedding)" in n for n in planned.notes)


def test_a_task_type_change_alone_is_never_silently_ignored(target, live):
    for on_drift, action in [("reconcile", REPLACE), ("fail", DRIFT_REFUSED), ("ignore", DRIFT_LEFT)]:
        planned = plan_one(target(task_type="embedding"), [live()], on_drift=on_drift)
        assert planned.action == action
        assert any("needs replacement" in note for note in planned.notes)
    refused = plan_one(target(task_type="embedding"), [live()], on_drift="fail")
    assert refused.refusal == "workload drifted from spec: task_type"


def test_a_bare_kind_switch_is_noted(target, live):
    planned = plan_one(
        target(execution_policy="scheduled"),
        [live(execution_policy="fixed", execution_policy_config={"replicas": 1})],
    )
    assert planned.payload == {"execution_policy": "scheduled"}
    assert any("without an execution_policy_config" in note for note in planned.notes)


def test_the_endpoint_ref_uses_the_specs_project_when_it_names_one(target, live):
    planned = plan_one(target(project="spec-project"), [])
    assert planned.endpoint_ref.project_slug == "spec-project"
    planned = plan_one(target(project="beta"), [])
    assert planned.endpoint_ref == EndpointRef("beta", "support-bot")


def test_undeclared_workloads_are_listed_as_unmanaged(target, live):
    current = [live(), live(id="w-2", slug="old-bot", name="Old bot")]
    plan = build_plan([target()], {"acme": current}, on_drift="reconcile", prune=False)
    assert [(u.project, u.slug, u.name, u.action) for u in plan.unmanaged] == [("acme", "old-bot", "Old bot", KEEP)]
    pruned = build_plan([target()], {"acme": current}, on_drift="reconcile", prune=True)
    assert [(u.slug, u.workload_id, u.action) for u in pruned.unmanaged] == [("old-bot", "w-2", PRUNE)]


def test_unmanaged_is_per_project(target, live):
    targets = [target(project="acme"), target(project="beta", slug="other", line=9)]
    listing = {"acme": [live(slug="other", id="a")], "beta": [live(slug="support-bot", id="b")]}
    plan = build_plan(targets, listing, on_drift="reconcile", prune=False)
    assert sorted((u.project, u.slug) for u in plan.unmanaged) == [("acme", "other"), ("beta", "support-bot")]


def test_a_project_that_could_not_be_listed_decides_nothing(target):
    plan = build_plan([target(project="acme")], {}, on_drift="reconcile", prune=True)
    assert plan.workloads[0].action == UNKNOWN
    assert plan.workloads[0].payload is None
    assert plan.unmanaged == ()


def test_specs_keep_their_declaration_order(target, live):
    targets = [target(slug=f"w{i}", line=i) for i in range(5)]
    plan = build_plan(targets, {"acme": [live(slug="w3")]}, on_drift="reconcile", prune=False)
    assert [p.slug for p in plan.workloads] == ["w0", "w1", "w2", "w3", "w4"]
