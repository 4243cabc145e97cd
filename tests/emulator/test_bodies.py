"""400 for invalid bodies, and PATCH semantics (only the given fields change)."""

from __future__ import annotations

from typing import Any, Dict

import httpx
import pytest

from support.emulator_http import create_body, workloads_path

CLOUD_AUTOSCALING = {
    "min_workers": 0,
    "max_workers": 2,
    "max_hourly_cost_usd": 3.5,
    "workers": {"source": "cloud", "cloud_pool": {"gpu_pool": ["RTX 4090"], "max_instances": 2}},
}


def _refused(response: httpx.Response, fragment: str) -> None:
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert fragment in error["message"]


@pytest.mark.parametrize("field", ["name", "slug", "backend", "model_name"])
def test_create_without_a_required_field_is_400(client: httpx.Client, field: str) -> None:
    _refused(client.post(workloads_path(), json=create_body(**{field: None})), field)


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"task_type": "text2speech"}, "unknown task_type"),
        ({"execution_policy": "sometimes"}, "unknown execution_policy"),
        ({"name": "   "}, "blank"),
        ({"model_name": 42}, "model_name must be a string"),
        ({"config": ["--flag"]}, "config must be a JSON object"),
        ({"model": "x"}, "unknown field(s): model"),
        ({"on_drift": "fail"}, "unknown field(s): on_drift"),
        ({"id": "wl_mine"}, "read-only"),
        ({"execution_policy": "autoscaling", "execution_policy_config": {"replicas": 2}}, "'replicas' configures the 'fixed' policy"),
        ({"execution_policy": "autoscaling", "execution_policy_config": {"min_replicas": 1}}, "min_replicas is refused: use `min_workers`"),
        ({"execution_policy": "fixed", "execution_policy_config": {"replicas": 0}}, "replicas must be at least 1"),
        ({"execution_policy": "scheduled", "execution_policy_config": {}}, "needs one of: cron, window"),
        (
            {"execution_policy": "autoscaling", "execution_policy_config": {"workers": {"source": "cloud", "cloud_pool": {"gpu_pool": ["A100"]}}}},
            "cloud autoscaling (`workers.source: cloud`) needs max_hourly_cost_usd above 0",
        ),
        (
            {"execution_policy": "autoscaling",
             "execution_policy_config": {"max_hourly_cost_usd": 2, "workers": {"source": "cloud", "cloud_pool": {"gpu_pool": []}}}},
            "gpu_pool",
        ),
        ({"execution_policy": "autoscaling", "execution_policy_config": {"workers": {"source": "private"}}}, "private_worker_ids"),
        ({"execution_policy": "fixed", "execution_policy_config": {"max_workers": 2}}, "'max_workers' configures the 'autoscaling' policy"),
        ({"execution_policy": "scheduled", "execution_policy_config": {"cron": "  "}}, "cron must not be blank"),
    ],
)
def test_create_with_an_invalid_field_is_400_and_stores_nothing(
    client: httpx.Client, overrides: Dict[str, Any], fragment: str
) -> None:
    _refused(client.post(workloads_path(), json=create_body(**overrides)), fragment)
    assert client.get(workloads_path()).json() == {"workloads": []}


@pytest.mark.parametrize(
    "kind, config",
    [
        ("fixed", {"replicas": 3}),
        ("scheduled", {"cron": "0 9 * * 1-5"}),
        ("scheduled", {"window": "09:00-17:00"}),
        ("autoscaling", CLOUD_AUTOSCALING),
        ("autoscaling", {"workers": {"source": "private", "private_worker_ids": ["wrk_1"]}}),
        ("autoscaling", {"max_workers": 4, "max_hourly_cost_usd": 3, "scale_down_delay_s": 300}),
    ],
)
def test_create_accepts_each_kind_with_a_fitting_config(client: httpx.Client, kind: str, config: Dict[str, Any]) -> None:
    response = client.post(
        workloads_path(), json=create_body(execution_policy=kind, execution_policy_config=config)
    )

    assert response.status_code == 201
    assert response.json()["execution_policy_config"] == config


def test_unknown_backends_are_legal(client: httpx.Client) -> None:
    assert client.post(workloads_path(), json=create_body(backend="my-custom-backend")).status_code == 201


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe", b""])
def test_a_body_that_is_not_a_json_object_is_400(client: httpx.Client, raw: bytes) -> None:
    _refused(client.post(workloads_path(), content=raw), "request body")


def _created(client: httpx.Client, **overrides: Any) -> Dict[str, Any]:
    response = client.post(workloads_path(), json=create_body(**overrides))
    assert response.status_code == 201
    return response.json()


def test_patch_changes_only_the_given_fields(client: httpx.Client) -> None:
    created = _created(client, description="old", worker_id="wrk_1")

    patched = client.patch(f"/api/workloads/{created['id']}", json={"description": "new"}).json()

    assert patched["description"] == "new"
    assert patched["worker_id"] == "wrk_1"
    assert patched["name"] == created["name"] and patched["model_name"] == created["model_name"]
    assert patched["created_at"] == created["created_at"]


def test_patch_with_null_removes_an_optional_field(client: httpx.Client) -> None:
    created = _created(client, description="old")

    patched = client.patch(f"/api/workloads/{created['id']}", json={"description": None}).json()

    assert "description" not in patched


def test_patch_that_changes_nothing_keeps_updated_at(client: httpx.Client) -> None:
    created = _created(client)

    patched = client.patch(f"/api/workloads/{created['id']}", json={"name": created["name"]}).json()

    assert patched == created


def test_patch_switching_kind_while_keeping_a_foreign_config_is_400(client: httpx.Client) -> None:
    created = _created(client, execution_policy="fixed", execution_policy_config={"replicas": 2})

    response = client.patch(f"/api/workloads/{created['id']}", json={"execution_policy": "autoscaling"})

    _refused(response, "does not fit execution_policy 'autoscaling'")
    assert client.get(workloads_path()).json()["workloads"] == [created]


def test_patch_switching_kind_with_its_config_in_the_same_request_is_accepted(client: httpx.Client) -> None:
    created = _created(client, execution_policy="fixed", execution_policy_config={"replicas": 2})

    response = client.patch(
        f"/api/workloads/{created['id']}",
        json={"execution_policy": "autoscaling", "execution_policy_config": CLOUD_AUTOSCALING},
    )

    assert response.status_code == 200
    assert response.json()["execution_policy"] == "autoscaling"
    assert response.json()["execution_policy_config"] == CLOUD_AUTOSCALING


def test_patch_of_a_config_that_no_longer_fits_the_kept_kind_is_400(client: httpx.Client) -> None:
    created = _created(client, execution_policy="fixed", execution_policy_config={"replicas": 2})

    _refused(
        client.patch(f"/api/workloads/{created['id']}", json={"execution_policy_config": {"cron": "* * * * *"}}),
        "'cron' configures the 'scheduled' policy",
    )


def test_patch_cannot_change_task_type_but_may_repeat_it(client: httpx.Client) -> None:
    created = _created(client, task_type="embedding")
    path = f"/api/workloads/{created['id']}"

    _refused(client.patch(path, json={"task_type": "text2text"}), "task_type cannot be changed in place")
    assert client.patch(path, json={"task_type": "embedding", "name": "Renamed"}).json()["name"] == "Renamed"


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"slug": "new-slug"}, "slug cannot be changed"),
        ({"name": None}, "cannot be null: name"),
        ({"backend": ""}, "blank"),
        ({"updated_at": "2020-01-01T00:00:00Z"}, "read-only"),
        ({"model": "x"}, "unknown field(s): model"),
        ({"execution_policy": "never"}, "unknown execution_policy"),
    ],
)
def test_patch_with_an_invalid_body_is_400_and_changes_nothing(
    client: httpx.Client, body: Dict[str, Any], fragment: str
) -> None:
    created = _created(client)

    _refused(client.patch(f"/api/workloads/{created['id']}", json=body), fragment)
    assert client.get(workloads_path()).json()["workloads"] == [created]
