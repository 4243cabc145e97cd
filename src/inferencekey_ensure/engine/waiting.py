"""``--wait``: follow each written workload until it serves, telling each step as an event."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.errors import EnsureError
from inferencekey_ensure.controlplane.readiness import wait_until_ready
from inferencekey_ensure.engine.events import EventSink, ReadinessStep, StreamInterrupted
from inferencekey_ensure.engine.outcomes import mark_failed
from inferencekey_ensure.engine.pool import run_bounded
from inferencekey_ensure.engine.results import STATUS_OK, WorkloadResult
from inferencekey_ensure.plan.model import CREATE, UPDATE

# A wait is an idle stream, not load on the platform: wait for many at once,
# or a hundred cold starts would queue behind the write pool's bound.
MAX_CONCURRENT_WAITS = 32


def needs_wait(result: WorkloadResult) -> bool:
    """Only what this run created or changed is waited for."""
    return result.status == STATUS_OK and result.action in (CREATE, UPDATE)


def _step(project: str, slug: str, event: Dict[str, Any]) -> ReadinessStep:
    return ReadinessStep(
        project, slug, phase=str(event.get("phase", "?")),
        elapsed_s=(event.get("elapsed_ms") or 0) / 1000,
        step=event.get("step") or None, message=event.get("message") or None,
    )


def _wait_one(
    client: ControlPlaneClient, result: WorkloadResult, timeout_s: float, on_event: EventSink
) -> WorkloadResult:
    if not needs_wait(result):
        return result
    ref = result.endpoint_ref
    project, slug = result.planned.project, ref.workload_slug
    try:
        ready = wait_until_ready(
            client, project, slug, timeout_s=timeout_s,
            on_event=lambda event: on_event(_step(project, slug, event)),
            on_reconnect=lambda delay, reason: on_event(
                StreamInterrupted(project, slug, reason=reason, retry_in_s=delay)
            ),
        )
    except EnsureError as exc:
        return mark_failed(result, exc)
    seconds = (ready.get("elapsed_ms") or 0) / 1000
    return replace(result, notes=tuple(result.notes) + (f"ready after {seconds:.1f}s",))


def wait_for_ready(
    client: ControlPlaneClient,
    results: List[WorkloadResult],
    *,
    timeout_s: float,
    parallelism: int,
    on_event: EventSink,
) -> List[WorkloadResult]:
    """Results with readiness failures (error phase, timeout) marked failed."""
    bound = max(parallelism, MAX_CONCURRENT_WAITS)
    return run_bounded(lambda result: _wait_one(client, result, timeout_s, on_event),
                       results, bound)
