"""What a run found and did: the one model of a run that every rendering reads.

The terminal text, the Markdown comment and summary, the annotations, the JSON
document and the action's outputs are all views of a ``RunReport``; the facts they
share (what counts as a change, as drift, as a failure) are decided here, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Dict, List, Literal, Optional, Sequence

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.engine.request import RECONCILE, RunMode
from inferencekey_ensure.plan.digest import CanonicalPlan, canonical_plan, plan_digest
from inferencekey_ensure.plan.model import (
    CHANGE_ACTIONS,
    CREATE,
    DRIFT_ACTIONS,
    DRIFT_LEFT,
    DRIFT_REFUSED,
    NO_CHANGE,
    PRUNE,
    REPLACE,
    UPDATE,
    EndpointRef,
    PlannedWorkload,
    UnmanagedWorkload,
    WorkloadAction,
)
from inferencekey_ensure.plan.spend import PlanSpend, plan_spend

# What became of a workload (or an unmanaged one's prune); the plan JSON's ``status`` values.
Status = Literal["ok", "failed", "refused", "left-drifted"]
STATUS_OK: Status = "ok"
FAILED: Status = "failed"
REFUSED: Status = "refused"
LEFT_DRIFTED: Status = "left-drifted"

PROBLEM_STATUSES = (FAILED, REFUSED)

# Why a reconcile wrote nothing of its plan; the plan JSON's ``refused`` values.
RefusalReason = Literal["prune-limit", "plan-check", "spend-limit"]
PRUNE_LIMIT: RefusalReason = "prune-limit"
PLAN_CHECK: RefusalReason = "plan-check"
SPEND_LIMIT: RefusalReason = "spend-limit"


@dataclass(frozen=True)
class WorkloadResult:
    """One spec's outcome: the plan for it and, in reconcile, what became of it."""

    planned: PlannedWorkload
    status: Status
    exists: bool
    endpoint_ref: EndpointRef
    error: Optional[str] = None
    fix: Optional[str] = None
    notes: Sequence[str] = ()

    @property
    def action(self) -> WorkloadAction:
        return self.planned.action

    @property
    def is_change(self) -> bool:
        return self.action in CHANGE_ACTIONS

    @property
    def is_drift(self) -> bool:
        return self.action in DRIFT_ACTIONS

    @property
    def is_problem(self) -> bool:
        return self.status in PROBLEM_STATUSES

    @property
    def notes_and_fix(self) -> List[str]:
        """The notes a report shows: the run's notes, then the fix, if any."""
        return list(self.notes) + ([f"fix: {self.fix}"] if self.fix else [])


@dataclass(frozen=True)
class UnmanagedResult:
    workload: UnmanagedWorkload
    status: Status = STATUS_OK
    error: Optional[str] = None


@dataclass(frozen=True)
class RunError:
    """A failure that is no single spec's: a project that could not be listed, a bad token."""

    message: str
    project: Optional[str] = None
    fix: Optional[str] = None

    @property
    def described(self) -> str:
        """The message with its fix, as one line."""
        return f"{self.message} (fix: {self.fix})" if self.fix else self.message


@dataclass(frozen=True)
class RunReport:
    """``refused``: a reconcile that planned, then wrote nothing: over the prune limit or the
    spend limit, or its ``may_write`` check said no (``--expect-digest``, ``require-reviewed-plan``). It
    stays a reconcile, its results are the plan's, and nothing counts as done."""

    mode: RunMode
    workloads: List[WorkloadResult] = field(default_factory=list)
    unmanaged: List[UnmanagedResult] = field(default_factory=list)
    errors: List[RunError] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    refused: Optional[RefusalReason] = None

    @cached_property
    def canonical_plan(self) -> CanonicalPlan:
        """The canonical plan of the workloads and unmanaged workloads listed (``plan/digest.py``),
        made once: the JSON, the outputs and the comment's record all read it."""
        return canonical_plan([result.planned for result in self.workloads],
                              [result.workload for result in self.unmanaged])

    @cached_property
    def spend(self) -> PlanSpend:
        """The plan's spend ceilings before and after (``plan/spend.py``), made once for every rendering.
        Outside the digest: it follows from the plan's content, which the digest covers."""
        return plan_spend([result.planned for result in self.workloads],
                          [result.workload for result in self.unmanaged])

    @cached_property
    def plan_digest(self) -> Optional[str]:
        """The plan's digest, or None when the run ended before any plan (invalid specs, a bad token)."""
        if self.stopped_before_planning:
            return None
        return plan_digest(self.canonical_plan)

    @property
    def stopped_before_planning(self) -> bool:
        """The run ended before any plan (invalid specs, a bad token): the renderings say the
        error once, with no empty plan and all-zero summary around it."""
        return not self.workloads and not self.unmanaged and self.has_errors

    @property
    def wording(self) -> str:
        """How the renderings word the results: ``preview`` (will be), ``reconcile`` (was), or
        ``refused`` (a reconcile that applied none of its plan: would have been, not applied)."""
        return "refused" if self.refused is not None else self.mode

    @property
    def has_errors(self) -> bool:
        """A run error, an invalid spec, or a workload or prune that failed."""
        return (
            bool(self.errors)
            or any(problem.is_error for problem in self.problems)
            or any(result.status == FAILED for result in self.workloads)
            or any(result.status == FAILED for result in self.unmanaged)
        )

    @property
    def succeeded(self) -> bool:
        """No error and no refused drift: what ``apply`` exits 0 on."""
        return not self.has_errors and all(result.status != REFUSED for result in self.workloads)

    def _counts(self, done_only: bool) -> Dict[str, int]:
        """Counts by action; with ``done_only`` a write (create, update, replace, prune) counts
        only when its status is ok, i.e. it was made."""
        def done(status: Status) -> bool:
            return not done_only or (status == STATUS_OK and self.refused is None)

        def writes(results: Sequence[WorkloadResult], action: WorkloadAction) -> int:
            return sum(1 for result in results if result.action == action and done(result.status))

        actions = [result.action for result in self.workloads]
        counts = {
            "create": writes(self.workloads, CREATE),
            "update": writes(self.workloads, UPDATE),
            "replace": writes(self.workloads, REPLACE),
            "no_change": actions.count(NO_CHANGE),
            "drift_left": actions.count(DRIFT_LEFT),
            "refused": actions.count(DRIFT_REFUSED),
            "prune": sum(1 for result in self.unmanaged if result.workload.action == PRUNE and done(result.status)),
            "failed": sum(1 for result in self.workloads if result.status == FAILED)
            + sum(1 for result in self.unmanaged if result.status == FAILED),
            "unmanaged": len(self.unmanaged),
        }
        counts["changes"] = counts["create"] + counts["update"] + counts["replace"] + counts["prune"]
        return counts

    def planned(self) -> Dict[str, int]:
        """Counts by action of the plan: what the run would write (a preview's ``summary``)."""
        return self._counts(done_only=False)

    def summary(self) -> Dict[str, int]:
        """The counts a report shows: a preview's plan; in reconcile what was done, so a write
        that failed or was withheld never counts as made. ``changes`` counts those writes."""
        return self._counts(done_only=self.mode == RECONCILE)

    @property
    def changes(self) -> int:
        """Workloads to be (preview) or that were (reconcile) created, updated, replaced or pruned."""
        return self.summary()["changes"]

    @property
    def drift_found(self) -> bool:
        """Anything where the platform does not match the specs (what ``fail-on-drift`` means)."""
        counts = self.planned()
        return counts["changes"] > 0 or counts["drift_left"] > 0 or counts["refused"] > 0

    @property
    def failed(self) -> bool:
        """An error, a failed workload or refused drift: what a report headlines as a failure."""
        return self.has_errors or self.summary()["refused"] > 0

    @property
    def worth_reporting(self) -> bool:
        """Whether a PR that never had a comment should get one under ``comment: on-change``."""
        return self.drift_found or self.failed

    def endpoint_refs(self) -> List[Dict[str, str]]:
        """One entry per declared workload: its EndpointRef and action (the ``endpoint-refs`` output)."""
        return [
            {
                "project_slug": result.endpoint_ref.project_slug,
                "workload_slug": result.endpoint_ref.workload_slug,
                "action": result.action,
            }
            for result in self.workloads
        ]
