"""The field table and the published schema describe the same fields, and the table drives the code.

A field added to the schema without a row (or a row without a property) fails
here; so does a row whose type, required-ness or words differ from the schema's.
The behavioural tests then show that the wire body, the drift comparison and the
emulator read the table rather than lists of their own.
"""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

from inferencekey_ensure.domain.drift import compute_drift, replacement_diff
from inferencekey_ensure.domain.fields import (
    BACKEND,
    BY_SPEC_NAME,
    DECLARED,
    ENUM,
    FIELD_ALWAYS,
    FIELD_NEVER,
    FIELDS,
    OBJECT,
    STRING,
    wire_fields,
)
from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import create_body, normalise_live, unsent_fields
from inferencekey_ensure.emulator.validation import BodyError, validated_create, validated_patch
from support.validation import SCHEMA_PATH

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
WORKLOAD = SCHEMA["$defs"]["workload"]
PROPERTIES = {name: prop for name, prop in WORKLOAD["properties"].items() if name != "$schema"}

EVERY_FIELD: Dict[str, Any] = {
    "name": "Chat", "slug": "chat", "backend": "vllm", "model": "m/m", "project": "acme",
    "description": "d", "command": "vllm serve m/m", "vllm_version": "0.10.1", "task_type": "embedding",
    "config": {"k": 1}, "worker_id": "w-1", "gpu_resource_id": "g-1", "execution_policy": "fixed",
    "execution_policy_config": {"replicas": 1}, "on_drift": "fail",
}


def _schema_type(prop: Dict[str, Any]) -> str:
    if "anyOf" in prop:
        return BACKEND
    if "enum" in prop:
        return ENUM
    if prop.get("$ref") == "#/$defs/nonBlank":
        return SCHEMA["$defs"]["nonBlank"]["type"]
    return prop["type"]


def test_every_schema_property_has_a_row_and_every_row_a_property():
    assert set(PROPERTIES) == set(BY_SPEC_NAME)
    assert len(FIELDS) == len(BY_SPEC_NAME)


@pytest.mark.parametrize("row", FIELDS, ids=[row.spec_name for row in FIELDS])
def test_each_row_agrees_with_its_schema_property(row):
    prop = PROPERTIES[row.spec_name]
    assert row.required == (row.spec_name in WORKLOAD["required"])
    assert row.type == _schema_type(prop)
    assert row.type in (STRING, OBJECT, ENUM, BACKEND)
    if row.type == ENUM:
        assert tuple(prop["enum"]) == row.choices
    if row.type == BACKEND:
        assert tuple(prop["anyOf"][0]["enum"]) == row.choices
    if row.default is not None:
        assert row.default in row.choices


def test_the_example_spec_declares_every_field():
    assert set(EVERY_FIELD) == set(BY_SPEC_NAME)


def test_the_create_body_carries_exactly_the_sent_wire_fields():
    assert list(create_body(WorkloadSpec(**EVERY_FIELD))) == list(wire_fields())
    assert set(create_body(WorkloadSpec(**EVERY_FIELD))["config"]) == {
        row.wire.split(".", 1)[1] for row in FIELDS if row.wire and "." in row.wire
    }


def test_a_field_the_wire_never_carries_is_named_as_unsent():
    never = [row.spec_name for row in FIELDS if row.sent == FIELD_NEVER]
    notes = unsent_fields(WorkloadSpec(**EVERY_FIELD))
    assert len(notes) == len(never) and all(f"`{name}`" in " ".join(notes) for name in never)


def test_the_emulator_stores_every_field_the_body_carries():
    stored = validated_create(create_body(WorkloadSpec(**EVERY_FIELD)))
    assert set(wire_fields()) <= set(stored)


@pytest.mark.parametrize(
    "row", [row for row in FIELDS if row.compared != FIELD_NEVER], ids=[row.spec_name for row in FIELDS if row.compared != FIELD_NEVER]
)
def test_each_compared_field_is_compared_by_drift_and_patched_only_when_patchable(row):
    spec = WorkloadSpec(**EVERY_FIELD)
    live_item = {"id": "w", **create_body(spec)}
    live_item[row.wire_field] = {"other": True} if isinstance(live_item[row.wire_field], dict) else "other"
    live = normalise_live(live_item)
    if row.patchable:
        assert next(diff.field for diff in compute_drift(spec, live)) == row.wire_field
        assert replacement_diff(spec, live) is None
        validated_patch({row.wire_field: create_body(spec)[row.wire_field]}, live_item)
    else:
        assert compute_drift(spec, live) == []
        assert replacement_diff(spec, live).field == row.wire_field
        with pytest.raises(BodyError):
            validated_patch({row.wire_field: create_body(spec)[row.wire_field]}, live_item)


@pytest.mark.parametrize(
    "row", [row for row in FIELDS if row.compared == DECLARED], ids=[row.spec_name for row in FIELDS if row.compared == DECLARED]
)
def test_a_field_compared_when_declared_is_ignored_when_not_declared(row):
    fields = {name: value for name, value in EVERY_FIELD.items() if name != row.spec_name}
    if row.spec_name == "execution_policy":
        fields.pop("execution_policy_config")
    spec = WorkloadSpec(**fields)
    live_item = {"id": "w", **create_body(WorkloadSpec(**EVERY_FIELD))}
    live_item[row.wire_field] = {"other": True} if isinstance(live_item[row.wire_field], dict) else "other"
    live = normalise_live(live_item)
    assert row.wire_field not in [diff.field for diff in compute_drift(spec, live)]
    assert replacement_diff(spec, live) is None


def test_fields_compared_always_are_the_required_sent_ones():
    assert {row.spec_name for row in FIELDS if row.compared == FIELD_ALWAYS} == {
        row.spec_name for row in FIELDS if row.required and row.patchable
    }
