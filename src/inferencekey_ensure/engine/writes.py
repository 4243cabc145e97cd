"""Reconcile: send the writes the plan decided, concurrently, each failure its own.

A create whose answer was lost is never sent again blindly: after the pause the
retry policy (and the answer's ``Retry-After``) asks for, the project is re-listed,
a workload now holding the slug counts as created, and only a slug still free is
created again, as often as the policy allows retries. A create the platform stored
under another slug (someone created ours between our list and our create) is
deleted again, so no run leaves a ``-1`` duplicate behind; the workload the other
writer made is then planned and reconciled like any existing one, so two runs at
once both end green on the state either alone would reach.

Deletions (``--prune``) come last, in a second phase, and only when every create
and update before them succeeded: a run that could not build what the specs
declare must not also remove what is live. Each write's outcome is told to the
request's event sink the moment it completes.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, Callable, Dict, List, Tuple, TypeVar

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.errors import (
    ApiError,
    EnsureError,
    NotFoundError,
    OutcomeUnknownError,
)
from inferencekey_ensure.domain.wire import MalformedWorkload
from inferencekey_ensure.engine.events import (
    CREATED,
    DELETED,
    FAILED_WRITE,
    UPDATED,
    DeletionsWithheld,
    EventSink,
    WriteDone,
    WriteOutcome,
    WritesStarting,
)
from inferencekey_ensure.engine.listing import list_project
from inferencekey_ensure.engine.outcomes import failed_result, settled_result
from inferencekey_ensure.engine.pool import run_bounded
from inferencekey_ensure.engine.request import RECONCILE
from inferencekey_ensure.engine.results import (
    FAILED,
    REFUSED,
    STATUS_OK,
    UnmanagedResult,
    WorkloadResult,
)
from inferencekey_ensure.plan.model import (
    CREATE,
    PRUNE,
    UPDATE,
    Plan,
    PlannedWorkload,
    UnmanagedWorkload,
)
from inferencekey_ensure.plan.planner import endpoint_ref_for, plan_workload

LOST_CREATE_FOUND = (
    "the create's answer was lost; re-listing the project found the workload, so it was created"
)


def _lost_create_absent(times: int) -> str:
    return (f"the create's answer was lost {times} time(s) and re-listing the project never "
            "found the workload, so it was not created (a re-run creates it)")

Outcome = TypeVar("Outcome", WorkloadResult, UnmanagedResult)


def _created(planned: PlannedWorkload, workload_slug: str, note: str = "") -> WorkloadResult:
    notes = tuple(planned.notes) + ((note,) if note else ())
    return WorkloadResult(
        planned, STATUS_OK, exists=True,
        endpoint_ref=endpoint_ref_for(planned.target, workload_slug), notes=notes,
    )


def _project_holds(client: ControlPlaneClient, planned: PlannedWorkload) -> bool:
    """Re-list the project: does a workload hold the slug now?"""
    return any(workload.slug == planned.slug for workload in list_project(client, planned.project))


def _undo_duplicate(
    client: ControlPlaneClient, planned: PlannedWorkload, created: Dict[str, Any]
) -> WorkloadResult:
    stored = created.get("slug")
    race = (f'another writer created "{planned.slug}" in project "{planned.project}" during '
            f'this run, so the platform stored this create as "{stored}"')
    try:
        client.delete_workload(str(created.get("id")))
    except EnsureError as exc:
        return failed_result(planned, ApiError(
            f"{race}; deleting that duplicate failed: {exc.message}",
            fix=f'Delete the workload "{stored}" by hand, then re-run apply.',
        ), exists=True)
    return _adopt(client, planned, f"{race}; that duplicate was deleted again")


def _adopt(client: ControlPlaneClient, planned: PlannedWorkload, race: str) -> WorkloadResult:
    """Plan the spec again against the workload the other writer made, and settle it."""
    try:
        replanned = plan_workload(planned.target, list_project(client, planned.project),
                                  planned.on_drift)
    except (EnsureError, MalformedWorkload) as exc:
        return failed_result(planned, ApiError(
            f"{race}; re-listing the project to reconcile it failed: {exc}",
            fix="Re-run apply: it reconciles the workload that now holds the slug.",
        ), exists=True)
    if replanned.action == CREATE:
        return failed_result(planned, ApiError(
            f"{race}, and the other writer's workload is gone again",
            fix="Re-run apply: the slug is free, so it creates the workload.",
        ), exists=False)
    adopted = replace(replanned, notes=tuple(replanned.notes) + (race,))
    if adopted.action == UPDATE:
        return _update(client, adopted)
    return settled_result(adopted, RECONCILE)


def _create(client: ControlPlaneClient, planned: PlannedWorkload) -> WorkloadResult:
    """Create; after a lost answer, pause, re-list and create again only if the slug is still free."""
    lost: List[OutcomeUnknownError] = []
    while True:
        try:
            created = client.create_workload(planned.project, dict(planned.payload or {}))
        except OutcomeUnknownError as exc:
            lost.append(exc)
            may_resend = client.pause_before_resending(exc, len(lost))
            try:
                if _project_holds(client, planned):
                    return _created(planned, planned.slug, LOST_CREATE_FOUND)
            except (EnsureError, MalformedWorkload) as relist:
                return failed_result(planned, exc, exists=False,
                                     note=f"re-listing the project to find out failed: {relist}")
            if not may_resend:
                return failed_result(planned, exc, exists=False, note=_lost_create_absent(len(lost)))
            continue
        except EnsureError as exc:
            return failed_result(planned, exc, exists=False)
        if created.get("slug") != planned.slug:
            return _undo_duplicate(client, planned, created)
        return _created(planned, planned.slug)


def _update(client: ControlPlaneClient, planned: PlannedWorkload) -> WorkloadResult:
    workload_id = planned.live.id if planned.live is not None else ""
    try:
        client.patch_workload(workload_id, dict(planned.payload or {}))
    except EnsureError as exc:
        return failed_result(planned, exc, exists=not isinstance(exc, NotFoundError))
    return settled_result(planned, RECONCILE)


def _prune(client: ControlPlaneClient, workload: UnmanagedWorkload) -> UnmanagedResult:
    try:
        client.delete_workload(workload.workload_id)
    except EnsureError as exc:
        return UnmanagedResult(workload, FAILED, exc.message)
    return UnmanagedResult(workload, STATUS_OK)


def _withheld_reason(problems: int) -> str:
    return ("deletions run only after every create and update succeeded, and "
            f"{problems} workload(s) of this run failed or were refused; fix them and re-run apply")


def _timed(sink: EventSink, project: str, slug: str, write: Callable[[], Outcome],
           verb: WriteOutcome, deletion: bool = False) -> Outcome:
    """Run one write and tell its outcome (with its time) the moment it completes."""
    started = time.monotonic()
    outcome = write()
    failed = outcome.status == FAILED
    sink(WriteDone(project, slug, FAILED_WRITE if failed else verb,
                   elapsed_s=time.monotonic() - started, deletion=deletion,
                   error=outcome.error if failed else None))
    return outcome


def _declared_job(
    client: ControlPlaneClient, job: PlannedWorkload, sink: EventSink
) -> WorkloadResult:
    if job.action == CREATE:
        return _timed(sink, job.project, job.slug, lambda: _create(client, job), CREATED)
    if job.action == UPDATE:
        return _timed(sink, job.project, job.slug, lambda: _update(client, job), UPDATED)
    return settled_result(job, RECONCILE)


def _deletions(
    client: ControlPlaneClient, unmanaged: Tuple[UnmanagedWorkload, ...], problems: int,
    parallelism: int, sink: EventSink,
) -> List[UnmanagedResult]:
    doomed = [workload for workload in unmanaged if workload.action == PRUNE]
    if doomed and problems:
        sink(DeletionsWithheld(len(doomed), problems))
        reason = _withheld_reason(problems)
        return [UnmanagedResult(w, REFUSED, reason) if w.action == PRUNE else UnmanagedResult(w)
                for w in unmanaged]

    def delete(workload: UnmanagedWorkload) -> UnmanagedResult:
        if workload.action != PRUNE:
            return UnmanagedResult(workload)
        return _timed(sink, workload.project, workload.slug, lambda: _prune(client, workload),
                      DELETED, deletion=True)
    return run_bounded(delete, unmanaged, parallelism)


def apply_plan(
    client: ControlPlaneClient,
    plan: Plan,
    parallelism: int,
    sink: EventSink,
) -> Tuple[List[WorkloadResult], List[UnmanagedResult]]:
    """Creates and patches through one bounded pool, then, if all of them succeeded, deletions."""
    writes = sum(1 for job in plan.workloads if job.action in (CREATE, UPDATE))
    writes += sum(1 for job in plan.unmanaged if job.action == PRUNE)
    if writes:
        sink(WritesStarting(writes))
    workloads = run_bounded(lambda job: _declared_job(client, job, sink),
                            plan.workloads, parallelism)
    problems = sum(1 for result in workloads if result.is_problem)
    return workloads, _deletions(client, plan.unmanaged, problems, parallelism, sink)
