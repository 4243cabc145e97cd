"""Every route of the reference page, with the platform's wire shapes."""

from __future__ import annotations

import json
import re

import httpx

from inferencekey_ensure.domain.fields import wire_fields
from support.emulator_http import PROJECT, create_body, workloads_path

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_list_of_a_project_without_workloads_is_empty(client: httpx.Client) -> None:
    response = client.get(workloads_path())

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"workloads": []}


def test_create_returns_the_stored_workload_in_the_field_tables_order(client: httpx.Client) -> None:
    body = create_body(
        description="answers tickets",
        config={"command": "vllm serve x", "vllm_version": "0.10"},
        worker_id="wrk_1",
        gpu_resource_id="gpu_1",
        execution_policy="fixed",
        execution_policy_config={"replicas": 2},
    )

    response = client.post(workloads_path(), json=body)

    assert response.status_code == 201
    workload = response.json()
    # The platform's own fields around the create body's, in the field table's order.
    assert list(workload) == ["id", "project_id", *wire_fields(), "created_at", "updated_at"]
    assert {name: workload[name] for name in body} == body
    assert workload["id"] and workload["project_id"]
    assert TIMESTAMP.match(workload["created_at"]) and workload["updated_at"] == workload["created_at"]


def test_create_leaves_unset_optionals_out_and_defaults_task_type(client: httpx.Client) -> None:
    workload = client.post(workloads_path(), json=create_body(task_type=None, description=None)).json()

    assert workload["task_type"] == "text2text"
    for absent in ("description", "config", "worker_id", "gpu_resource_id", "execution_policy", "execution_policy_config"):
        assert absent not in workload


def test_list_returns_created_workloads_in_creation_order(client: httpx.Client) -> None:
    first = client.post(workloads_path(), json=create_body(slug="b-first")).json()
    second = client.post(workloads_path(), json=create_body(slug="a-second")).json()

    assert client.get(workloads_path()).json() == {"workloads": [first, second]}


def test_workload_ids_are_distinct_and_projects_share_one_project_id(client: httpx.Client) -> None:
    first = client.post(workloads_path(), json=create_body(slug="one")).json()
    second = client.post(workloads_path(), json=create_body(slug="two")).json()

    assert first["id"] != second["id"]
    assert first["project_id"] == second["project_id"]


def test_patch_returns_the_workload_with_the_change(client: httpx.Client) -> None:
    created = client.post(workloads_path(), json=create_body()).json()

    response = client.patch(f"/api/workloads/{created['id']}", json={"model_name": "new/model"})

    assert response.status_code == 200
    patched = response.json()
    assert patched["model_name"] == "new/model"
    assert {k: v for k, v in patched.items() if k not in ("model_name", "updated_at")} == {
        k: v for k, v in created.items() if k not in ("model_name", "updated_at")
    }
    assert client.get(workloads_path()).json()["workloads"] == [patched]


def test_delete_answers_204_with_an_empty_body_and_removes_the_workload(client: httpx.Client) -> None:
    created = client.post(workloads_path(), json=create_body()).json()

    response = client.delete(f"/api/workloads/{created['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(workloads_path()).json() == {"workloads": []}


def test_unknown_workload_id_is_404_for_patch_and_delete(client: httpx.Client) -> None:
    patch = client.patch("/api/workloads/wl_missing", json={"name": "x"})
    delete = client.delete("/api/workloads/wl_missing")

    assert patch.status_code == delete.status_code == 404
    assert patch.json()["error"]["code"] == "not_found"


def test_deleting_twice_is_404_the_second_time(client: httpx.Client) -> None:
    created = client.post(workloads_path(), json=create_body()).json()
    client.delete(f"/api/workloads/{created['id']}")

    assert client.delete(f"/api/workloads/{created['id']}").status_code == 404


def test_readiness_events_of_an_unknown_slug_is_404(client: httpx.Client) -> None:
    response = client.get(f"/api/projects/{PROJECT}/workloads/nobody/readiness-events")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_routes_are_404_and_a_wrong_method_is_405(client: httpx.Client) -> None:
    assert client.get("/api/projects").status_code == 404
    assert client.get(workloads_path() + "/").status_code == 404
    assert client.get("/").status_code == 404
    wrong = client.put(workloads_path(), json={})
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, POST"


def test_percent_encoded_path_segments_are_decoded(client: httpx.Client) -> None:
    client.post(workloads_path(), json=create_body())

    assert client.get("/api/projects/%61cme/workloads").json()["workloads"][0]["slug"] == "support-bot"


def test_a_chunked_request_body_is_read_whole(client: httpx.Client) -> None:
    payload = json.dumps(create_body()).encode("utf-8")
    chunks = iter([payload[:10], payload[10:]])  # an iterator makes httpx send it chunked

    response = client.post(workloads_path(), content=chunks, headers={"Content-Type": "application/json"})

    assert response.status_code == 201
    assert client.get(workloads_path()).json()["workloads"][0]["slug"] == "support-bot"


def test_a_request_body_over_one_mebibyte_is_refused_with_413(client: httpx.Client) -> None:
    response = client.post(workloads_path(), content=b"x" * (1024 * 1024 + 1))

    assert response.status_code == 413
    assert client.get(workloads_path()).json() == {"workloads": []}
