"""Spend ceilings of a plan: each workload's before and after, project sums, the limit."""

from __future__ import annotations

import pytest

from inferencekey_ensure.domain.spend import CLOUD_CAP, PRIVATE, UNCAPPED, Ceiling, ceiling_of
from inferencekey_ensure.plan.planner import build_plan
from inferencekey_ensure.plan.spend import over_spend_limit, plan_spend


def _capped(cap: float) -> dict:
    return {"execution_policy": "autoscaling", "execution_policy_config": {"max_workers": 2, "max_hourly_cost_usd": cap}}


@pytest.mark.parametrize("fields, ceiling", [
    (_capped(6), Ceiling(CLOUD_CAP, 6.0)),
    ({"worker_id": "wk-1"}, Ceiling(PRIVATE, 0.0)),
    ({"execution_policy": "autoscaling",
      "execution_policy_config": {"workers": {"source": "private", "private_worker_ids": ["a"]}}}, Ceiling(PRIVATE, 0.0)),
    ({"execution_policy": "fixed", "execution_policy_config": {"replicas": 2}}, Ceiling(UNCAPPED)),
    ({"execution_policy": "autoscaling"}, Ceiling(UNCAPPED)),
    ({"execution_policy": "scheduled", "execution_policy_config": {"max_hourly_cost_usd": 3}}, Ceiling(UNCAPPED)),
    ({}, Ceiling(UNCAPPED)),
])
def test_a_workloads_ceiling_follows_its_policy_and_workers(fields, ceiling):
    assert ceiling_of(fields) == ceiling


def test_an_update_is_the_live_workload_with_the_patch_over_it(target, live):
    plan = build_plan([target(**_capped(9))], {"acme": [live(**_capped(4))]}, on_drift="reconcile", prune=False)
    [item] = plan_spend(plan.workloads, plan.unmanaged).workloads
    assert (item.before, item.after) == (Ceiling(CLOUD_CAP, 4.0), Ceiling(CLOUD_CAP, 9.0))


def test_drift_left_in_place_keeps_the_live_ceiling(target, live):
    plan = build_plan([target(on_drift="warn", **_capped(9))], {"acme": [live(**_capped(4))]},
                      on_drift="reconcile", prune=False)
    spend = plan_spend(plan.workloads, plan.unmanaged)
    assert (spend.before_hourly_usd, spend.after_hourly_usd, spend.changed) == (4.0, 4.0, ())


def test_changing_to_uncapped_is_unbounded_under_any_limit_and_never_counts_as_zero(target, live):
    plan = build_plan([target(execution_policy="fixed", execution_policy_config={"replicas": 1})],
                      {"acme": [live(**_capped(4))]}, on_drift="reconcile", prune=False)
    spend = plan_spend(plan.workloads, plan.unmanaged)
    assert (spend.before_hourly_usd, spend.after_hourly_usd) == (4.0, 0.0)
    assert spend.uncapped_after == ("acme/support-bot",)
    assert [item.name for item in spend.unbounded] == ["acme/support-bot"]
    assert "rises without bound" in (over_spend_limit(spend, 10_000) or "")


def test_a_rise_equal_to_the_limit_passes_and_a_cent_more_fails(target, live):
    plan = build_plan([target(**_capped(9.5))], {"acme": [live(**_capped(4))]}, on_drift="reconcile", prune=False)
    spend = plan_spend(plan.workloads, plan.unmanaged)
    assert over_spend_limit(spend, 5.5) is None and over_spend_limit(spend, None) is None
    assert over_spend_limit(spend, 5.49) == ("the spend ceiling rises by $5.50/h ($4.00/h -> $9.50/h), $0.01/h above "
                                             "the spend limit (max-spend-increase $5.49/h)")


def test_an_unlisted_project_is_left_out(target):
    plan = build_plan([target(**_capped(9))], {}, on_drift="reconcile", prune=False)
    spend = plan_spend(plan.workloads, plan.unmanaged)
    assert (spend.workloads, spend.projects) == ((), ())
