"""What the platform receives for a spec, and how a listed workload is read."""

from __future__ import annotations

import pytest

from inferencekey_ensure.domain.wire import (
    MalformedWorkload,
    built_config,
    create_body,
    normalise_live,
    unsent_fields,
)


def test_a_minimal_create_body_always_sends_task_type(spec):
    assert create_body(spec(slug="Support Bot")) == {
        "name": "Support bot",
        "slug": "support-bot",
        "task_type": "text2text",
        "backend": "vllm",
        "model_name": "meta-llama/Llama-3.1-8B-Instruct",
    }


def test_a_full_create_body_sends_every_declared_field(spec):
    body = create_body(spec(
        description="d", command="vllm serve m", vllm_version="0.10", task_type="embedding",
        config={"ignored": True}, execution_policy="fixed", execution_policy_config={"replicas": 2},
        worker_id="w", gpu_resource_id="g", project="other", on_drift="warn",
    ))
    assert body == {
        "name": "Support bot", "slug": "support-bot", "description": "d",
        "task_type": "embedding", "backend": "vllm", "model_name": "meta-llama/Llama-3.1-8B-Instruct",
        "config": {"command": "vllm serve m", "vllm_version": "0.10"},
        "worker_id": "w", "gpu_resource_id": "g",
        "execution_policy": "fixed", "execution_policy_config": {"replicas": 2},
    }


def test_config_is_built_from_command_only(spec):
    assert built_config(spec()) is None
    assert built_config(spec(vllm_version="0.10")) is None
    assert built_config(spec(config={"command": "x"})) is None
    assert built_config(spec(command="c", config={"a": 1})) == {"command": "c"}


def test_fields_the_sdk_never_sends_are_named(spec):
    assert unsent_fields(spec()) == []
    notes = unsent_fields(spec(config={"a": 1}, vllm_version="0.10"))
    assert len(notes) == 2
    assert "`vllm_version` is not sent" in notes[0]
    assert "`config` is not sent" in notes[1]
    assert unsent_fields(spec(command="c", vllm_version="0.10")) == []


def test_a_listed_workload_counts_missing_optionals_as_null():
    workload = normalise_live({"id": 7, "slug": "a", "name": "A", "backend": "vllm", "model_name": "m"})
    assert workload.id == "7"
    assert workload.config is None and workload.description is None
    assert workload.task_type == "text2text"


@pytest.mark.parametrize("item", [[], "x", {"slug": "a"}, {"id": "1"}, {"id": "1", "slug": 3}])
def test_a_malformed_listed_workload_is_refused(item):
    with pytest.raises(MalformedWorkload):
        normalise_live(item)
