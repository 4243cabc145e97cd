"""The test hooks: request log, workload snapshots and seeding."""

from __future__ import annotations

import httpx
import pytest

from inferencekey_ensure.emulator import EmulatorServer
from support.emulator_http import TOKEN, create_body, workloads_path


def test_the_request_log_keeps_method_path_headers_and_body_as_received(
    emulator: EmulatorServer, client: httpx.Client
) -> None:
    client.post(workloads_path() + "?trace=1", json=create_body(), headers={"X-Custom": "yes"})

    [request] = emulator.request_log
    assert (request.method, request.path) == ("POST", "/api/projects/acme/workloads?trace=1")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["x-custom"] == "yes"
    assert request.json() == create_body()


def test_the_request_log_includes_refused_and_faulted_requests_in_order(
    emulator: EmulatorServer, client: httpx.Client
) -> None:
    client.get(workloads_path("beta"))
    client.patch("/api/workloads/wl_missing", json={})
    client.delete("/api/workloads/wl_missing")

    assert [(r.method, r.path) for r in emulator.request_log] == [
        ("GET", "/api/projects/beta/workloads"),
        ("PATCH", "/api/workloads/wl_missing"),
        ("DELETE", "/api/workloads/wl_missing"),
    ]


def test_the_token_reached_the_server_only_in_the_authorization_header(
    emulator: EmulatorServer, client: httpx.Client
) -> None:
    client.post(workloads_path(), json=create_body())
    client.get(workloads_path())

    for request in emulator.request_log:
        elsewhere = [value for name, value in request.headers.items() if name != "authorization"]
        assert all(TOKEN not in value for value in elsewhere)
        assert TOKEN.encode() not in request.body and TOKEN not in request.path


def test_clear_request_log_empties_it(emulator: EmulatorServer, client: httpx.Client) -> None:
    client.get(workloads_path())
    emulator.clear_request_log()
    client.get(workloads_path())

    assert len(emulator.request_log) == 1


def test_seed_inserts_a_live_workload_without_a_request(emulator: EmulatorServer, client: httpx.Client) -> None:
    seeded = emulator.seed("acme", create_body(slug="Live Bot", model_name="live/model"))

    assert seeded["slug"] == "live-bot"
    assert emulator.request_log == []
    assert client.get(workloads_path()).json()["workloads"] == [seeded]


def test_seed_refuses_what_a_create_would_refuse(emulator: EmulatorServer) -> None:
    with pytest.raises(ValueError, match="missing required field"):
        emulator.seed("acme", {"name": "no slug"})


def test_workloads_returns_a_copy_the_caller_cannot_change_the_state_through(emulator: EmulatorServer) -> None:
    emulator.seed("acme", create_body())

    emulator.workloads("acme")[0]["name"] = "changed"

    assert emulator.workloads("acme")[0]["name"] == "Support bot"
    assert emulator.workloads("nobody") == []


def test_url_needs_a_started_server_and_start_is_once_only() -> None:
    server = EmulatorServer()
    with pytest.raises(RuntimeError):
        _ = server.url
    with server:
        assert server.url.startswith("http://127.0.0.1:")
        with pytest.raises(RuntimeError):
            server.start()
    server.stop()


def test_a_stopped_server_refuses_new_connections(emulator: EmulatorServer) -> None:
    url = emulator.url
    emulator.stop()

    with pytest.raises(httpx.TransportError):
        httpx.get(url + workloads_path(), timeout=5)
