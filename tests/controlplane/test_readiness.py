"""Readiness streams over loopback HTTP, and the wait loop that reopens them."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest

from inferencekey_ensure.controlplane.errors import (
    ApiError,
    NotFoundError,
    PermissionDenied,
    ReadinessError,
    ReadinessTimeout,
)
from inferencekey_ensure.controlplane.readiness import wait_until_ready
from inferencekey_ensure.pacing import Timing
from support.clock import FakeClock
from support.loopback import ScriptedServer, event_stream, reply, sse_event

from .conftest import SECRET_TAIL, TOKEN, MakeClient

SCHEDULING = {"phase": "scheduling", "message": "finding a worker", "elapsed_ms": 10}
PROVISIONING = {"phase": "provisioning", "message": "starting GPU", "elapsed_ms": 900, "step": "pull"}
READY = {"phase": "ready", "message": "serving", "elapsed_ms": 2000}


def test_events_are_parsed_from_one_stream_ignoring_keep_alives(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    lines = [": connected", "", *sse_event(SCHEDULING), ": keep-alive",
             "data: {\"phase\": \"provisioning\",", "data:  \"message\": \"m\"}", "", *sse_event(READY)]
    server.script(event_stream(lines))
    events = list(make_client().readiness_events("acme", "support-bot"))
    assert events == [SCHEDULING, {"phase": "provisioning", "message": "m"}, READY]
    request = server.requests[0]
    assert request.path == "/api/projects/acme/workloads/support-bot/readiness-events"
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_crlf_line_endings_are_understood(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(event_stream(["data: {\"phase\": \"ready\"}\r", "\r"]))
    assert list(make_client().readiness_events("acme", "s")) == [{"phase": "ready"}]


def test_a_refused_stream_raises_its_typed_error(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(reply(403, {"error": {"code": "project_scope_mismatch", "message": "other project"}}))
    with pytest.raises(PermissionDenied) as caught:
        list(make_client().readiness_events("acme", "s"))
    assert caught.value.code == "project_scope_mismatch"
    assert len(server.requests) == 1


def test_an_unreadable_event_is_a_transient_protocol_error(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(event_stream(["data: <html>", ""]))
    with pytest.raises(ApiError) as caught:
        list(make_client().readiness_events("acme", "s"))
    assert caught.value.code == "protocol" and caught.value.transient


def _recorder() -> Tuple[List[Dict[str, Any]], List[Tuple[float, str]], Dict[str, Any]]:
    events: List[Dict[str, Any]] = []
    reconnects: List[Tuple[float, str]] = []
    callbacks = {"on_event": events.append, "on_reconnect": lambda delay, why: reconnects.append((delay, why))}
    return events, reconnects, callbacks


def test_the_wait_reopens_a_dropped_stream_and_stops_at_ready(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(
        event_stream(sse_event(SCHEDULING)),
        event_stream(sse_event(PROVISIONING)),
        event_stream([*sse_event(PROVISIONING), *sse_event(READY), *sse_event(SCHEDULING)]),
    )
    events, reconnects, callbacks = _recorder()
    final = wait_until_ready(make_client(), "acme", "support-bot", timing=clock.timing(), **callbacks)
    assert final == READY
    assert events == [SCHEDULING, PROVISIONING, PROVISIONING, READY]
    assert clock.sleeps == [1.0, 2.0]
    assert [delay for delay, _ in reconnects] == [1.0, 2.0]
    assert "closed before ready" in reconnects[0][1]
    assert len(server.requests) == 3


def test_reopen_backoff_is_1_2_4_then_5_seconds(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(*[event_stream(sse_event(SCHEDULING))] * 6, event_stream(sse_event(READY)))
    wait_until_ready(make_client(), "acme", "s", timing=clock.timing())
    assert clock.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_a_transient_failure_to_open_is_waited_out(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(reply(503), event_stream(sse_event(READY)))
    _events, reconnects, callbacks = _recorder()
    assert wait_until_ready(make_client(), "acme", "s", timing=clock.timing(), **callbacks) == READY
    assert "status 503" in reconnects[0][1]


def test_a_permanent_failure_to_open_ends_the_wait_at_once(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(reply(404, {"error": {"message": "no workload s"}}))
    with pytest.raises(NotFoundError):
        wait_until_ready(make_client(), "acme", "s", timing=clock.timing())
    assert clock.sleeps == []


def test_an_error_phase_fails_with_the_platforms_message(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    failed = {"phase": "error", "message": f"image pull failed for {TOKEN}", "elapsed_ms": 5}
    server.script(event_stream([*sse_event(SCHEDULING), *sse_event(failed)]))
    with pytest.raises(ReadinessError) as caught:
        wait_until_ready(make_client(), "acme", "support-bot", timing=clock.timing())
    assert str(caught.value).startswith('workload "support-bot" failed to become ready: image pull failed for ')
    assert SECRET_TAIL not in str(caught.value)
    assert not caught.value.transient


def test_the_wait_times_out_with_sleeps_that_never_overrun_it(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(*[event_stream(sse_event(SCHEDULING))] * 10)
    with pytest.raises(ReadinessTimeout) as caught:
        wait_until_ready(make_client(), "acme", "s", timeout_s=10, timing=clock.timing())
    assert clock.sleeps == [1.0, 2.0, 4.0, 3.0]
    assert str(caught.value).startswith('workload "s" not ready after 10s')


def test_the_timeout_holds_on_a_live_but_silent_stream(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(event_stream(sse_event(SCHEDULING), keep_alive_every=0.05))
    with pytest.raises(ReadinessTimeout):
        wait_until_ready(make_client(), "acme", "s", timeout_s=0.5, timing=Timing())
    assert len(server.requests) == 1


def test_the_timeout_holds_when_the_server_sends_nothing_at_all(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script(*[event_stream([], keep_alive_every=60)] * 3)
    with pytest.raises(ReadinessTimeout):
        wait_until_ready(make_client(read_timeout=30), "acme", "s", timeout_s=0.5, timing=Timing())
