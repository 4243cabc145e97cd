"""Drift is the official SDK's: its fields, its order, its comparisons."""

from __future__ import annotations

import pytest

from inferencekey_ensure.domain.drift import (
    FieldDiff,
    compute_drift,
    kind_switch_without_config,
    patch_fields,
    replacement_diff,
    same_json,
)

SDK_ORDER = [
    "name", "backend", "model_name", "description", "config", "worker_id",
    "gpu_resource_id", "execution_policy", "execution_policy_config",
]


def test_a_matching_live_workload_has_no_drift(spec, live):
    assert compute_drift(spec(), live()) == []


@pytest.mark.parametrize(
    "spec_fields, live_fields, expected",
    [
        ({"name": "New"}, {}, FieldDiff("name", "Support bot", "New")),
        ({"backend": "sglang"}, {}, FieldDiff("backend", "vllm", "sglang")),
        ({"model": "new/model"}, {}, FieldDiff("model_name", "meta-llama/Llama-3.1-8B-Instruct", "new/model")),
        ({"description": "d"}, {"description": "old"}, FieldDiff("description", "old", "d")),
        ({"description": "d"}, {}, FieldDiff("description", None, "d")),
        ({"command": "vllm serve m"}, {"config": {"command": "old"}},
         FieldDiff("config", {"command": "old"}, {"command": "vllm serve m"})),
        ({"command": "c", "vllm_version": "0.10"}, {"config": {"command": "c"}},
         FieldDiff("config", {"command": "c"}, {"command": "c", "vllm_version": "0.10"})),
        ({"command": "c"}, {}, FieldDiff("config", None, {"command": "c"})),
        ({"worker_id": "w"}, {"worker_id": "other"}, FieldDiff("worker_id", "other", "w")),
        ({"worker_id": "w"}, {"worker_id": ""}, FieldDiff("worker_id", "", "w")),
        ({"gpu_resource_id": "g"}, {}, FieldDiff("gpu_resource_id", None, "g")),
        ({"execution_policy": "fixed"}, {}, FieldDiff("execution_policy", None, "fixed")),
        ({"execution_policy_config": {"replicas": 3}}, {"execution_policy_config": {"replicas": 1}},
         FieldDiff("execution_policy_config", {"replicas": 1}, {"replicas": 3})),
    ],
)
def test_each_compared_field_reports_live_and_desired(spec, live, spec_fields, live_fields, expected):
    assert compute_drift(spec(**spec_fields), live(**live_fields)) == [expected]


def test_drifted_fields_come_in_the_sdk_order(spec, live):
    desired = spec(
        name="New", backend="sglang", model="m2", description="d", command="c",
        worker_id="w", gpu_resource_id="g", execution_policy="autoscaling",
        execution_policy_config={"min_workers": 1},
    )
    current = live(
        description="old", config={"command": "old"}, worker_id="ow", gpu_resource_id="og",
        execution_policy="fixed", execution_policy_config={"replicas": 1},
    )
    assert [diff.field for diff in compute_drift(desired, current)] == SDK_ORDER


@pytest.mark.parametrize(
    "live_fields",
    [
        {"description": "anything"},
        {"config": {"command": "anything"}},
        {"worker_id": "w"},
        {"gpu_resource_id": "g"},
        {"execution_policy": "fixed"},
        {"execution_policy_config": {"replicas": 9}},
    ],
)
def test_optional_fields_are_compared_only_when_declared(spec, live, live_fields):
    assert compute_drift(spec(), live(**live_fields)) == []


def test_config_is_compared_only_when_command_is_declared(spec, live):
    """The SDK never sends nor compares the spec's own config, nor a bare vllm_version."""
    current = live(config={"command": "x"})
    assert compute_drift(spec(config={"a": 1}), current) == []
    assert compute_drift(spec(vllm_version="0.10"), current) == []


def test_extra_keys_in_the_live_config_are_drift(spec, live):
    diffs = compute_drift(spec(command="c"), live(config={"command": "c", "extra": 1}))
    assert diffs == [FieldDiff("config", {"command": "c", "extra": 1}, {"command": "c"})]


def test_a_kind_switch_carries_its_declared_config_even_when_unchanged(spec, live):
    window = {"window": "09:00-17:00"}
    current = live(execution_policy="fixed", execution_policy_config=window)
    desired = spec(execution_policy="scheduled", execution_policy_config=window)
    diffs = compute_drift(desired, current)
    assert diffs == [
        FieldDiff("execution_policy", "fixed", "scheduled"),
        FieldDiff("execution_policy_config", window, window),
    ]
    assert patch_fields(diffs) == {"execution_policy": "scheduled", "execution_policy_config": window}


def test_a_kind_switch_without_declared_config_sends_the_kind_alone(spec, live):
    current = live(execution_policy="fixed", execution_policy_config={"replicas": 1})
    desired = spec(execution_policy="scheduled")
    assert compute_drift(desired, current) == [FieldDiff("execution_policy", "fixed", "scheduled")]
    assert kind_switch_without_config(desired, current)


def test_the_same_kind_does_not_carry_an_unchanged_config(spec, live):
    current = live(execution_policy="fixed", execution_policy_config={"replicas": 1})
    desired = spec(execution_policy="fixed", execution_policy_config={"replicas": 1})
    assert compute_drift(desired, current) == []
    assert not kind_switch_without_config(desired, current)


@pytest.mark.parametrize(
    "left, right, same",
    [
        ({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}, True),
        ([1, 2], [2, 1], False),
        (1, 1.0, False),
        (1, True, False),
        (0, False, False),
        (1.5, 1.5, True),
        (None, {}, False),
        ({"a": {"b": 1}}, {"a": {"b": 1, "c": None}}, False),
        ("x", "x", True),
    ],
)
def test_values_compare_as_json_values(left, right, same):
    assert same_json(left, right) is same
    assert same_json(right, left) is same


def test_an_integer_and_a_float_config_value_are_drift(spec, live):
    diffs = compute_drift(spec(execution_policy_config={"replicas": 1}), live(execution_policy_config={"replicas": 1.0}))
    assert [diff.field for diff in diffs] == ["execution_policy_config"]


def test_task_type_is_not_drift_but_a_replacement(spec, live):
    desired, current = spec(task_type="text2text"), live(task_type="embedding")
    assert compute_drift(desired, current) == []
    assert replacement_diff(desired, current) == FieldDiff("task_type", "embedding", "text2text")


def test_an_undeclared_task_type_is_never_compared(spec, live):
    assert replacement_diff(spec(), live(task_type="text2text")) is None
    assert replacement_diff(spec(), live(task_type="omni")) is None
    assert compute_drift(spec(), live(task_type="embedding", name="Old name")) == [
        FieldDiff("name", "Old name", "Support bot")
    ]


def test_a_missing_live_task_type_is_the_platform_default(spec, live):
    assert replacement_diff(spec(task_type="text2text"), live(task_type=None)) is None
    assert replacement_diff(spec(task_type="omni"), live(task_type=None)) == FieldDiff("task_type", "text2text", "omni")
