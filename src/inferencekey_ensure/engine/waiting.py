"""``--wait``: follow each written workload until it serves, printing progress lines."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Dict, List

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.errors import EnsureError
from inferencekey_ensure.controlplane.readiness import wait_until_ready
from inferencekey_ensure.engine.outcomes import mark_failed
from inferencekey_ensure.engine.pool import run_bounded
from inferencekey_ensure.engine.results import OK, WorkloadResult
from inferencekey_ensure.plan.model import CREATE, UPDATE

Progress = Callable[[str], None]

# A wait is an idle stream, not load on the platform: wait for many at once,
# or a hundred cold starts would queue behind the write pool's bound.
MAX_CONCURRENT_WAITS = 32


def needs_wait(result: WorkloadResult) -> bool:
    """Only what this run created or changed is waited for."""
    return result.status == OK and result.action in (CREATE, UPDATE)


def progress_line(label: str, event: Dict[str, Any]) -> str:
    seconds = (event.get("elapsed_ms") or 0) / 1000
    parts = [f"{label}: {event.get('phase', '?')}"]
    if event.get("step"):
        parts.append(f"[{event['step']}]")
    if event.get("message"):
        parts.append(f"- {event['message']}")
    parts.append(f"({seconds:.1f}s)")
    return " ".join(parts)


def _wait_one(
    client: ControlPlaneClient, result: WorkloadResult, timeout_s: float, progress: Progress
) -> WorkloadResult:
    if not needs_wait(result):
        return result
    ref = result.endpoint_ref
    project = result.planned.project
    label = f"{project}/{ref.workload_slug}"
    try:
        ready = wait_until_ready(
            client, project, ref.workload_slug, timeout_s=timeout_s,
            on_event=lambda event: progress(progress_line(label, event)),
            on_reconnect=lambda delay, reason: progress(
                f"{label}: stream interrupted ({reason}); reconnecting in {delay:g}s"
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
    progress: Progress,
) -> List[WorkloadResult]:
    """Results with readiness failures (error phase, timeout) marked failed."""
    bound = max(parallelism, MAX_CONCURRENT_WAITS)
    return run_bounded(lambda result: _wait_one(client, result, timeout_s, progress),
                       results, bound)
