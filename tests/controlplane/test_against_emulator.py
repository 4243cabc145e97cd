"""The client against the project's emulator: real platform semantics and its faults."""

from __future__ import annotations

from typing import Iterator, List

import pytest

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.errors import AuthError, OutcomeUnknownError, PermissionDenied, ReadinessError
from inferencekey_ensure.controlplane.readiness import wait_until_ready
from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.controlplane.settings import resolve_settings
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer, FaultConfig, TokenGrant
from support.clock import FakeClock

from .conftest import SECRET_TAIL, TOKEN

BODY = {"name": "Support bot", "slug": "support-bot", "task_type": "text2text", "backend": "ollama",
        "model_name": "llama3"}


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(readiness_step_s=0.01)) as server:
        yield server


def _client(emulator: EmulatorServer, clock: FakeClock, token: str = TOKEN) -> ControlPlaneClient:
    settings = resolve_settings(
        emulator.url, {"INFERENCEKEY_SDK_TOKEN": token}, read_timeout=10, retry=RetryPolicy(max_attempts=4)
    )
    return ControlPlaneClient(settings, timing=clock.timing())


def _methods(emulator: EmulatorServer) -> List[str]:
    return [request.method for request in emulator.request_log]


def test_create_list_patch_delete_round_trip(emulator: EmulatorServer, clock: FakeClock) -> None:
    with _client(emulator, clock) as client:
        created = client.create_workload("acme", BODY)
        assert client.list_workloads("acme") == [created]
        patched = client.patch_workload(created["id"], {"model_name": "llama3.1"})
        assert patched["model_name"] == "llama3.1" and patched["id"] == created["id"]
        client.delete_workload(created["id"])
        assert client.list_workloads("acme") == []
    assert _methods(emulator) == ["POST", "GET", "PATCH", "DELETE", "GET"]


def test_an_unknown_token_is_an_auth_error(clock: FakeClock) -> None:
    config = EmulatorConfig(tokens={"ik_sdk_0ther000_SomeoneElsesTokenTail": TokenGrant("acme")})
    with EmulatorServer(config) as emulator, _client(emulator, clock) as client, pytest.raises(AuthError) as caught:
        client.list_workloads("acme")
    assert str(caught.value).startswith("authentication failed: ")
    assert SECRET_TAIL not in str(caught.value)


def test_a_token_used_on_another_project_keeps_the_scope_mismatch_code(
    emulator: EmulatorServer, clock: FakeClock
) -> None:
    with _client(emulator, clock) as client:
        client.list_workloads("acme")
        with pytest.raises(PermissionDenied) as caught:
            client.list_workloads("other")
    assert caught.value.code == "project_scope_mismatch"
    assert str(caught.value).startswith("permission denied [project_scope_mismatch]: ")


def test_a_read_only_token_is_refused_writes_with_scope_insufficient(clock: FakeClock) -> None:
    config = EmulatorConfig(tokens={TOKEN: TokenGrant.read_only("acme")})
    with EmulatorServer(config) as emulator, _client(emulator, clock) as client:
        assert client.list_workloads("acme") == []
        with pytest.raises(PermissionDenied) as caught:
            client.create_workload("acme", BODY)
    assert caught.value.code == "scope_insufficient"


@pytest.mark.parametrize("status", [503, 429])
def test_every_second_request_failing_is_retried_through(
    emulator: EmulatorServer, clock: FakeClock, status: int
) -> None:
    emulator.set_faults(FaultConfig(fail_every_n=2, fail_status=status, retry_after_s=3))
    with _client(emulator, clock) as client:
        client.list_workloads("acme")
        client.list_workloads("acme")
    assert _methods(emulator) == ["GET", "GET", "GET"]
    assert clock.sleeps == [3.0]


def test_a_lost_create_response_is_reported_unknown_and_the_relist_finds_it(
    emulator: EmulatorServer, clock: FakeClock
) -> None:
    emulator.set_faults(FaultConfig(lose_create_responses=1))
    with _client(emulator, clock) as client:
        with pytest.raises(OutcomeUnknownError):
            client.create_workload("acme", BODY)
        assert [w["slug"] for w in client.list_workloads("acme")] == ["support-bot"]
    assert _methods(emulator) == ["POST", "GET"]


@pytest.mark.parametrize(
    "faults", [FaultConfig(non_json_every_n=1), FaultConfig(close_every_n=1)], ids=["non-json", "closed"]
)
def test_a_create_answered_badly_is_never_sent_twice(
    emulator: EmulatorServer, clock: FakeClock, faults: FaultConfig
) -> None:
    emulator.set_faults(faults)
    with _client(emulator, clock) as client, pytest.raises(OutcomeUnknownError):
        client.create_workload("acme", BODY)
    assert _methods(emulator) == ["POST"]
    assert [w["slug"] for w in emulator.workloads("acme")] == ["support-bot"]


def test_the_wait_rides_through_dropped_streams_to_ready(emulator: EmulatorServer, clock: FakeClock) -> None:
    emulator.set_faults(FaultConfig(drop_streams=2))
    phases: List[str] = []
    with _client(emulator, clock) as client:
        client.create_workload("acme", BODY)
        final = wait_until_ready(
            client, "acme", "support-bot", timeout_s=60, timing=clock.timing(),
            on_event=lambda event: phases.append(event["phase"]),
        )
    assert final["phase"] == "ready" and phases[-1] == "ready"
    assert clock.sleeps == [1.0, 2.0]


def test_an_error_phase_from_the_emulator_fails_the_wait(clock: FakeClock) -> None:
    config = EmulatorConfig(readiness_step_s=0.01, faults=FaultConfig(error_slugs=("support-bot",)))
    with EmulatorServer(config) as emulator, _client(emulator, clock) as client:
        client.create_workload("acme", BODY)
        with pytest.raises(ReadinessError, match=r'^workload "support-bot" failed to become ready: '):
            wait_until_ready(client, "acme", "support-bot", timeout_s=60, timing=clock.timing())
