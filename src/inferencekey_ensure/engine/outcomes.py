"""The result of a planned workload that needs no write, and of a failed one.

Pure: preview reports every workload this way, and reconcile reports this way
every workload it does not write (no change, drift left or refused, a needed
replacement, a project that could not be listed).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from inferencekey_ensure.controlplane.errors import EnsureError
from inferencekey_ensure.engine.request import RECONCILE
from inferencekey_ensure.engine.results import (
    FAILED,
    LEFT_DRIFTED,
    REFUSED,
    STATUS_OK,
    WorkloadResult,
)
from inferencekey_ensure.plan.model import (
    DRIFT_LEFT,
    DRIFT_REFUSED,
    REPLACE,
    UNKNOWN,
    PlannedWorkload,
)

REPLACE_FIX = (
    "Delete the workload (console, or the SDK's ManagementClient.delete()) and re-run apply "
    "to create it with the new task_type, or give the spec a new slug."
)


def _replacement_error(planned: PlannedWorkload) -> str:
    change = planned.replacement
    values = f" ({change.live} -> {change.desired})" if change else ""
    return (
        f"task_type cannot be changed in place{values}: the workload must be "
        "deleted and re-created; nothing was changed"
    )


def settled_result(planned: PlannedWorkload, mode: str) -> WorkloadResult:
    """The outcome of a workload this run does not write to."""
    base = WorkloadResult(
        planned, STATUS_OK, exists=planned.live is not None, endpoint_ref=planned.endpoint_ref,
        notes=planned.notes,
    )
    if planned.action == DRIFT_LEFT and planned.live is not None:
        # A workload that never existed has no drift to leave: it is ok, and not created yet.
        return replace(base, status=LEFT_DRIFTED)
    if planned.action == DRIFT_REFUSED:
        return replace(base, status=REFUSED, error=planned.refusal,
                       fix="Bring the spec and the platform back in line, or set on_drift.")
    if planned.action == UNKNOWN:
        # The cause is the project's, reported once as its run error; repeating it on
        # each of its workloads buried every other finding under copies of it.
        return replace(base, status=FAILED)
    if planned.action == REPLACE and mode == RECONCILE:
        return replace(base, status=FAILED, error=_replacement_error(planned), fix=REPLACE_FIX)
    return base


def failed_result(
    planned: PlannedWorkload, exc: EnsureError, *, exists: bool, note: Optional[str] = None
) -> WorkloadResult:
    notes = tuple(planned.notes) + ((note,) if note else ())
    return WorkloadResult(
        planned, FAILED, exists=exists, endpoint_ref=planned.endpoint_ref,
        error=exc.message, fix=exc.fix, notes=notes,
    )


def mark_failed(result: WorkloadResult, exc: EnsureError) -> WorkloadResult:
    """A written workload that then failed a later step (readiness)."""
    return replace(result, status=FAILED, error=exc.message, fix=exc.fix)
