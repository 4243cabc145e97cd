"""The emulator answers with the field table's wire fields, not a list of its own.

A row added to ``domain/fields.py`` FIELDS is accepted on create; if the answers
dropped it, every ``--local`` plan would see it as drift for ever.
"""

from __future__ import annotations

import httpx
import pytest

from inferencekey_ensure.domain import fields
from inferencekey_ensure.domain.fields import DECLARED, READ_ONLY_FIELDS, STRING, SpecField, wire_fields
from inferencekey_ensure.emulator.state import WorkloadStore
from support.emulator_http import create_body, workloads_path


def test_a_field_added_to_the_table_reaches_the_emulators_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    added = SpecField("priority", "priority", STRING, DECLARED, DECLARED, True)
    monkeypatch.setattr(fields, "FIELDS", fields.FIELDS + (added,))
    store = WorkloadStore(clock=lambda: 0.0)

    created = store.create_workload("acme", {**create_body(), "priority": "high"})

    assert created["priority"] == "high"
    assert store.list_workloads("acme")[0]["priority"] == "high"


def test_the_emulator_answers_every_field_a_create_body_carries_and_its_own(client: httpx.Client) -> None:
    body = create_body(
        description="d",
        config={"command": "vllm serve m"},
        worker_id="w-1",
        gpu_resource_id="g-1",
        execution_policy="fixed",
        execution_policy_config={"replicas": 1},
    )
    assert set(body) == set(wire_fields())

    answer = client.post(workloads_path(), json=body).json()

    assert set(answer) == set(wire_fields()) | set(READ_ONLY_FIELDS)
