"""Injected faults: which request meets which, what it does to the state, and reset."""

from __future__ import annotations

from typing import List, Optional

import httpx
import pytest

from inferencekey_ensure.emulator import EmulatorServer, FaultConfig
from inferencekey_ensure.emulator.faults import CLOSE, FAIL, NON_JSON, fault_for_request
from support.emulator_http import create_body, http_client, scoped_config, workloads_path

from .conftest import StartEmulator


def _faulted(config: FaultConfig, requests: int = 12) -> List[Optional[str]]:
    return [fault_for_request(config, number) for number in range(1, requests + 1)]


def test_every_nth_request_meets_its_fault() -> None:
    assert _faulted(FaultConfig(fail_every_n=3), 7) == [None, None, FAIL, None, None, FAIL, None]
    assert _faulted(FaultConfig(close_every_n=2), 4) == [None, CLOSE, None, CLOSE]
    assert _faulted(FaultConfig(non_json_every_n=1), 3) == [NON_JSON] * 3
    assert _faulted(FaultConfig(), 5) == [None] * 5


def test_fail_wins_over_close_and_close_over_non_json() -> None:
    config = FaultConfig(fail_every_n=6, close_every_n=3, non_json_every_n=2)

    assert _faulted(config, 6) == [None, NON_JSON, CLOSE, NON_JSON, None, FAIL]


@pytest.mark.parametrize(
    "settings",
    [
        {"latency_ms": -1},
        {"fail_every_n": 1.5},
        {"fail_status": 404},
        {"retry_after_s": -2},
        {"drop_streams": True},
        {"error_slugs": "one-string"},
    ],
)
def test_fault_settings_out_of_range_are_refused(settings: dict) -> None:
    with pytest.raises(ValueError):
        FaultConfig(**settings)


def _statuses(server: EmulatorServer, count: int) -> List[int]:
    with http_client(server.url) as client:
        return [client.get(workloads_path()).status_code for _ in range(count)]


def test_fail_every_n_answers_503_without_retry_after_by_default(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(fail_every_n=2)))
    with http_client(server.url) as client:
        responses = [client.get(workloads_path()) for _ in range(4)]

    assert [response.status_code for response in responses] == [200, 503, 200, 503]
    assert responses[1].json()["error"]["code"] == "unavailable"
    assert "retry-after" not in responses[1].headers


def test_fail_every_n_answers_429_with_retry_after(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(fail_every_n=3, fail_status=429, retry_after_s=2)))
    with http_client(server.url) as client:
        responses = [client.get(workloads_path()) for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 429]
    assert responses[2].headers["retry-after"] == "2"
    assert responses[2].json()["error"]["code"] == "rate_limited"


def test_a_failed_create_is_not_stored(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(fail_every_n=1)))
    with http_client(server.url) as client:
        assert client.post(workloads_path(), json=create_body()).status_code == 503

    assert server.workloads("acme") == []


def test_lost_create_responses_are_stored_then_answered_503(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(lose_create_responses=2, retry_after_s=1)))
    with http_client(server.url) as client:
        lost = [client.post(workloads_path(), json=create_body(slug=f"bot-{n}")) for n in range(2)]
        answered = client.post(workloads_path(), json=create_body(slug="bot-2"))

    assert [response.status_code for response in lost] == [503, 503]
    assert lost[0].headers["retry-after"] == "1"
    assert answered.status_code == 201
    assert [workload["slug"] for workload in server.workloads("acme")] == ["bot-0", "bot-1", "bot-2"]


def test_invalid_creates_do_not_use_up_lost_responses(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(lose_create_responses=1)))
    with http_client(server.url) as client:
        invalid = client.post(workloads_path(), json=create_body(slug="---"))
        lost = client.post(workloads_path(), json=create_body())

    assert (invalid.status_code, lost.status_code) == (400, 503)
    assert len(server.workloads("acme")) == 1


def test_non_json_every_n_answers_200_with_html_after_applying_the_request(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(non_json_every_n=1)))
    with http_client(server.url) as client:
        response = client.post(workloads_path(), json=create_body())

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html"
    with pytest.raises(ValueError):
        response.json()
    assert [workload["slug"] for workload in server.workloads("acme")] == ["support-bot"]


def test_close_every_n_cuts_the_answer_after_applying_the_request(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(close_every_n=2)))
    with http_client(server.url) as client:
        assert client.get(workloads_path()).status_code == 200
        with pytest.raises(httpx.TransportError):
            client.post(workloads_path(), json=create_body())
        assert client.get(workloads_path()).status_code == 200

    assert [workload["slug"] for workload in server.workloads("acme")] == ["support-bot"]


def test_a_cut_empty_answer_is_cut_inside_its_headers(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(close_every_n=2)))
    created = server.seed("acme", create_body())
    with http_client(server.url) as client:
        client.get(workloads_path())
        with pytest.raises(httpx.TransportError):
            client.delete(f"/api/workloads/{created['id']}")

    assert server.workloads("acme") == []


def test_a_cut_readiness_stream_request_is_a_transport_error(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(close_every_n=1)))
    server.seed("acme", create_body())
    with http_client(server.url) as client, pytest.raises(httpx.TransportError):
        client.get("/api/projects/acme/workloads/support-bot/readiness-events")


def test_latency_delays_every_answer(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(latency_ms=60_000)))
    with http_client(server.url) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get(workloads_path(), timeout=0.2)
        server.set_faults(FaultConfig())
        assert client.get(workloads_path()).status_code == 200


def test_set_faults_replaces_the_faults_and_restarts_every_count(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(fail_every_n=2)))

    assert _statuses(server, 1) == [200]
    server.set_faults(FaultConfig(fail_every_n=3))
    assert server.faults == FaultConfig(fail_every_n=3)
    assert _statuses(server, 3) == [200, 200, 503]
    server.set_faults(FaultConfig())
    assert _statuses(server, 3) == [200, 200, 200]


def test_faults_apply_before_authentication_like_a_proxy(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(faults=FaultConfig(fail_every_n=1)))
    with http_client(server.url, token=None) as client:
        assert client.get(workloads_path()).status_code == 503
