"""Readiness event streams: phases in order, snapshot on connect, drops, error phase.

A hand-moved clock holds each workload in a known phase, so no test depends on
how fast this machine is.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional

import httpx
import pytest

from inferencekey_ensure.emulator import EmulatorServer, FaultConfig
from support.clock import FakeClock
from support.emulator_http import create_body, events_path, http_client, read_events, scoped_config

from .conftest import StartEmulator

STEP = 10.0
FULL_RUN = ["scheduling", "provisioning", "bootstrapping", "ready"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def paced(start_emulator: StartEmulator, clock: FakeClock) -> EmulatorServer:
    return start_emulator(scoped_config(readiness_step_s=STEP), clock=clock)


def _events(
    client: httpx.Client, slug: str, after_first: Optional[Callable[[], None]] = None
) -> List[Dict[str, Any]]:
    """All events of one stream; ``after_first`` runs once the snapshot has arrived."""
    events: List[Dict[str, Any]] = []
    with client.stream("GET", events_path(slug)) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[len("data: "):]))
                if len(events) == 1 and after_first is not None:
                    after_first()
    return events


def _phases(events: List[Dict[str, Any]]) -> List[str]:
    return [event["phase"] for event in events]


def test_a_new_workload_steps_through_every_phase_in_order_to_ready(paced: EmulatorServer, clock: FakeClock) -> None:
    paced.seed("acme", create_body())
    with http_client(paced.url) as client:
        events = _events(client, "support-bot", after_first=lambda: clock.advance(10 * STEP))

    assert _phases(events) == FULL_RUN
    assert [event.get("step") for event in events] == ["queued", "allocating-gpu", "loading-model", None]
    assert all(event["message"] for event in events)


def test_the_first_event_is_a_snapshot_of_the_current_phase(paced: EmulatorServer, clock: FakeClock) -> None:
    paced.seed("acme", create_body())
    clock.advance(1.5 * STEP)
    with http_client(paced.url) as client:
        events = _events(client, "support-bot", after_first=lambda: clock.advance(10 * STEP))

    assert events[0] == {
        "phase": "provisioning",
        "message": events[0]["message"],
        "elapsed_ms": 15000,
        "step": "allocating-gpu",
    }
    assert _phases(events) == ["provisioning", "bootstrapping", "ready"]


def test_a_ready_workload_answers_one_ready_event_and_closes(paced: EmulatorServer, clock: FakeClock) -> None:
    paced.seed("acme", create_body())
    clock.advance(3 * STEP)
    with http_client(paced.url) as client:
        assert _phases(read_events(client, "support-bot")) == ["ready"]


def test_a_zero_readiness_step_makes_workloads_ready_at_once(client: httpx.Client) -> None:
    client.post("/api/projects/acme/workloads", json=create_body())

    assert _phases(read_events(client, "support-bot")) == ["ready"]


def test_events_are_single_data_lines_of_json_separated_by_a_blank_line(paced: EmulatorServer, clock: FakeClock) -> None:
    paced.seed("acme", create_body())
    clock.advance(3 * STEP)
    with http_client(paced.url) as client:
        response = client.get(events_path("support-bot"))

    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["cache-control"] == "no-cache"
    assert response.content == b'data: {"phase":"ready","message":"the workload is serving","elapsed_ms":30000}\n\n'


def test_a_patch_restarts_readiness_from_scheduling(paced: EmulatorServer, clock: FakeClock) -> None:
    workload = paced.seed("acme", create_body())
    clock.advance(5 * STEP)
    with http_client(paced.url) as client:
        client.patch(f"/api/workloads/{workload['id']}", json={"model_name": "other/model"})
        events = _events(client, "support-bot", after_first=lambda: clock.advance(10 * STEP))

    assert events[0]["elapsed_ms"] == 0
    assert _phases(events) == FULL_RUN


def test_a_workload_deleted_mid_stream_ends_it_with_an_error(paced: EmulatorServer) -> None:
    workload = paced.seed("acme", create_body())
    with http_client(paced.url) as client, http_client(paced.url) as other:
        events = _events(client, "support-bot", after_first=lambda: other.delete(f"/api/workloads/{workload['id']}"))

    assert _phases(events) == ["scheduling", "error"]
    assert events[-1]["message"] == "the workload was deleted"


def test_error_slugs_end_in_the_error_phase(start_emulator: StartEmulator, clock: FakeClock) -> None:
    server = start_emulator(
        scoped_config(readiness_step_s=STEP, faults=FaultConfig(error_slugs=("Support Bot",))), clock=clock
    )
    server.seed("acme", create_body(slug="support-bot"))
    server.seed("acme", create_body(slug="healthy"))
    with http_client(server.url) as client:
        failing = _events(client, "support-bot", after_first=lambda: clock.advance(10 * STEP))
        healthy = read_events(client, "healthy")

    assert _phases(failing) == ["scheduling", "provisioning", "bootstrapping", "error"]
    assert failing[-1]["message"]
    assert _phases(healthy) == ["ready"]


def test_streams_are_cut_after_the_snapshot_as_often_as_configured(start_emulator: StartEmulator, clock: FakeClock) -> None:
    server = start_emulator(scoped_config(readiness_step_s=STEP, faults=FaultConfig(drop_streams=2)), clock=clock)
    server.seed("acme", create_body())
    with http_client(server.url) as client:
        first = read_events(client, "support-bot")
        second = read_events(client, "support-bot")
        third = _events(client, "support-bot", after_first=lambda: clock.advance(10 * STEP))

    assert _phases(first) == _phases(second) == ["scheduling"]
    assert _phases(third) == FULL_RUN


def test_a_dropped_stream_never_carries_the_final_event(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(readiness_step_s=0, faults=FaultConfig(drop_streams=1)))
    server.seed("acme", create_body())
    with http_client(server.url) as client:
        dropped = read_events(client, "support-bot")
        complete = read_events(client, "support-bot")

    assert dropped == []
    assert _phases(complete) == ["ready"]


def test_drops_are_counted_per_workload(start_emulator: StartEmulator) -> None:
    server = start_emulator(scoped_config(readiness_step_s=0, faults=FaultConfig(drop_streams=1)))
    server.seed("acme", create_body(slug="one"))
    server.seed("acme", create_body(slug="two"))
    with http_client(server.url) as client:
        outcomes = [_phases(read_events(client, slug)) for slug in ("one", "two", "one", "two")]

    assert outcomes == [[], [], ["ready"], ["ready"]]


def test_stopping_the_server_ends_an_open_stream(paced: EmulatorServer) -> None:
    paced.seed("acme", create_body())
    with http_client(paced.url) as client:
        events = _events(client, "support-bot", after_first=paced.stop)

    assert _phases(events) == ["scheduling"]
