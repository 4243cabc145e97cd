"""One run of ``plan`` or ``apply``, as a sequence of small named steps.

(the caller loads and validates) -> resolve projects -> list each project once -> plan (pure)
-> reconcile only: write (deletions last) -> optionally wait for readiness -> RunReport.
Each step can end the run with a report; nothing is requested before the specs
are valid and every one of them has a project and the settings are usable.
The engine reads no file and knows no emulator: it gets the loaded specs and a
``Connector`` from its caller.
Preview never reaches the write step, so it cannot send a mutating request; nor
does a reconcile whose deletions exceed the prune limit or whose ``may_write`` says no
(it reports its plan, as a reconcile ``refused``: nothing of it was applied). Progress
is told through ``request.on_event``.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.errors import ConfigurationError
from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.engine.connector import ConnectFailed, Connector
from inferencekey_ensure.engine.listing import list_projects
from inferencekey_ensure.engine.outcomes import settled_result
from inferencekey_ensure.engine.projects import resolve_targets
from inferencekey_ensure.engine.request import PREVIEW, RECONCILE, RunRequest
from inferencekey_ensure.engine.results import (
    PLAN_CHECK,
    PRUNE_LIMIT,
    SPEND_LIMIT,
    RefusalReason,
    RunError,
    RunReport,
    UnmanagedResult,
)
from inferencekey_ensure.engine.waiting import wait_for_ready
from inferencekey_ensure.engine.writes import apply_plan
from inferencekey_ensure.plan.model import PRUNE, Target, UnmanagedWorkload
from inferencekey_ensure.plan.planner import build_plan
from inferencekey_ensure.plan.spend import over_spend_limit, plan_spend
from inferencekey_ensure.specset.load import LoadResult

SPEND_FIX = ("Lower the specs' max_hourly_cost_usd (or cap the uncapped workloads), or raise "
             "max-spend-increase (--max-spend-increase) after review.")


# The blast-radius limit of ``--prune``. A spec set that lost a file, a wrong ``--project``
# or a token for the wrong project all look, to a pruning run, like workloads nobody
# declares. Past the limit the run refuses before any write and lists what would have
# gone; a larger clean-up needs the count said out loud (``--prune-limit N``, action
# input ``prune-limit``). The refusal names this many doomed workloads, then counts the rest.
PRUNE_REFUSAL_LISTED = 20


def over_prune_limit(unmanaged: Sequence[UnmanagedWorkload], limit: int) -> Optional[RunError]:
    """The refusal when the plan deletes more than ``limit`` workloads, else None."""
    doomed = [workload for workload in unmanaged if workload.action == PRUNE]
    if len(doomed) <= limit:
        return None
    names = [f"{workload.project}/{workload.slug}" for workload in doomed[:PRUNE_REFUSAL_LISTED]]
    if len(doomed) > PRUNE_REFUSAL_LISTED:
        names.append(f"and {len(doomed) - PRUNE_REFUSAL_LISTED} more")
    return RunError(
        f"--prune would delete {len(doomed)} workloads, more than the limit of {limit}: "
        f"{', '.join(names)}; apply refuses and writes nothing",
        fix=(f"If every one of these should go, re-run with --prune-limit {len(doomed)} "
             f"(action input prune-limit: {len(doomed)}); if not, check the spec paths, "
             "the project and the token."),
    )


def _projects_in_order(targets: Sequence[Target]) -> List[str]:
    return list(dict.fromkeys(target.project for target in targets))


def _against_platform(
    request: RunRequest,
    targets: Sequence[Target],
    client: ControlPlaneClient,
    problems: List[Problem],
) -> RunReport:
    live, list_errors = list_projects(client, _projects_in_order(targets), request.parallelism)
    plan = build_plan(targets, live, on_drift=request.on_drift, prune=request.prune)
    over_limit = over_prune_limit(plan.unmanaged, request.prune_limit)
    over_spend = over_spend_limit(plan_spend(plan.workloads, plan.unmanaged), request.max_spend_increase)
    spend_error = [RunError(over_spend, fix=SPEND_FIX)] if over_spend else []
    refused: Optional[RefusalReason] = None
    if request.mode == RECONCILE:
        # may_write sees the plan once, and always (it records what it saw).
        allowed = request.may_write(plan)
        refused = (PRUNE_LIMIT if over_limit is not None else SPEND_LIMIT if over_spend
                   else PLAN_CHECK if not allowed else None)
    if request.mode != RECONCILE or refused is not None:
        return RunReport(
            request.mode,
            workloads=[settled_result(planned, PREVIEW) for planned in plan.workloads],
            unmanaged=[UnmanagedResult(workload) for workload in plan.unmanaged],
            errors=list_errors + ([over_limit] if over_limit else []) + spend_error,
            problems=problems,
            refused=refused,
        )
    workloads, unmanaged = apply_plan(client, plan, request.parallelism, request.on_event)
    if request.wait:
        workloads = wait_for_ready(client, workloads, timeout_s=request.wait_timeout_s,
                                   parallelism=request.parallelism, on_event=request.on_event)
    return RunReport(request.mode, workloads, unmanaged, list_errors, problems)


def run(request: RunRequest, specs: LoadResult, connect: Connector) -> RunReport:
    """Run ``request`` over ``specs``; ``connect`` is opened only when a request must be sent.

    Every failure is inside the report (an unusable setting or a connector that
    cannot open is a run error, not an exception).
    """
    problems = list(specs.problems)
    if not specs.ok:
        return RunReport(request.mode, problems=problems)
    targets, unresolved = resolve_targets(specs.workloads, request.project, request.env, specs.config.project)
    if unresolved or not targets:
        return RunReport(request.mode, errors=unresolved, problems=problems)
    try:
        with connect() as client:
            return _against_platform(request, targets, client, problems)
    except (ConfigurationError, ConnectFailed) as exc:
        return RunReport(request.mode, errors=[RunError(exc.message, fix=exc.fix)],
                         problems=problems)
