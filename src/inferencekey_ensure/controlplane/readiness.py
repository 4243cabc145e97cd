"""Waiting for a workload to serve, through the readiness event stream.

Only ``ready`` and ``error`` end a wait. A stream that closes without either was
dropped (proxies cut idle connections, deploys restart servers) and is reopened
after 1 s, 2 s, 4 s, then every 5 s, the official SDK's pacing; the server sends
the current phase on every connect, so nothing is missed. Transient failures to
open the stream are treated the same way; permanent ones (401, 403, 404) end the
wait at once, since waiting longer cannot fix them. Each stream is given only what
is left of the wait, whatever the server sends (a line that never ends, a body that
trickles), and no line or event is held beyond the client's event cap.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.errors import EnsureError, ReadinessError, ReadinessTimeout
from inferencekey_ensure.pacing import Timing

REOPEN_DELAYS_S = (1.0, 2.0, 4.0, 5.0)
DEFAULT_WAIT_TIMEOUT_S = 600.0

Event = Dict[str, Any]


def wait_until_ready(
    client: ControlPlaneClient,
    project: str,
    slug: str,
    *,
    timeout_s: float = DEFAULT_WAIT_TIMEOUT_S,
    on_event: Optional[Callable[[Event], None]] = None,
    on_reconnect: Optional[Callable[[float, str], None]] = None,
    timing: Optional[Timing] = None,
) -> Event:
    """Block until ``slug`` reports ``ready`` and return that event.

    ``on_event`` receives every event as it arrives (progress lines);
    ``on_reconnect(delay_s, reason)`` is told before each reopen. Raises
    ``ReadinessError`` on an ``error`` phase (with the platform's message),
    ``ReadinessTimeout`` after ``timeout_s``, or the typed error of a permanent
    failure to open the stream.
    """
    timing = timing or Timing()
    deadline = timing.monotonic() + timeout_s
    reopened = 0
    last_problem: Optional[str] = None
    while True:
        remaining = deadline - timing.monotonic()
        if remaining <= 0:
            raise _timed_out(client, slug, timeout_s, last_problem)
        try:
            final = _follow_one_stream(client, project, slug, deadline, remaining, on_event, timing)
        except EnsureError as exc:
            if not exc.transient:
                raise
            last_problem = exc.message
        else:
            if final is not None:
                return final
            last_problem = "the stream closed before ready"
        remaining = deadline - timing.monotonic()
        if remaining <= 0:
            raise _timed_out(client, slug, timeout_s, last_problem)
        delay = min(REOPEN_DELAYS_S[min(reopened, len(REOPEN_DELAYS_S) - 1)], remaining)
        reopened += 1
        if on_reconnect is not None:
            on_reconnect(delay, last_problem)
        timing.sleep(delay)


def _follow_one_stream(
    client: ControlPlaneClient,
    project: str,
    slug: str,
    deadline: float,
    remaining: float,
    on_event: Optional[Callable[[Event], None]],
    timing: Timing,
) -> Optional[Event]:
    """Read one stream to its end; the ``ready`` event, or None when it ended without one."""
    stream = client.readiness_events(
        project,
        slug,
        stop=lambda: timing.monotonic() >= deadline,
        read_timeout=remaining,
        within_s=remaining,
    )
    try:
        for event in stream:
            if on_event is not None:
                on_event(event)
            phase = event.get("phase")
            if phase == "ready":
                return event
            if phase == "error":
                raise ReadinessError(
                    f'workload "{slug}" failed to become ready: {event.get("message") or "no message"}',
                    secrets=(client.settings.token,),
                )
        return None
    finally:
        stream.close()


def _timed_out(
    client: ControlPlaneClient, slug: str, timeout_s: float, last_problem: Optional[str]
) -> ReadinessTimeout:
    detail = f'workload "{slug}" not ready after {timeout_s:g}s'
    if last_problem:
        detail = f"{detail} (last: {last_problem})"
    return ReadinessTimeout(detail, secrets=(client.settings.token,))
