"""What a run found and did: the RunReport every reporter renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from inferencekey_ensure.plan.model import (
    CREATE, DRIFT_LEFT, DRIFT_REFUSED, NO_CHANGE, PRUNE, REPLACE, UPDATE,
    EndpointRef, PlannedWorkload, UnmanagedWorkload,
)
from inferencekey_ensure.diagnostics.problem import Problem

OK = "ok"
FAILED = "failed"
REFUSED = "refused"
LEFT_DRIFTED = "left-drifted"


@dataclass(frozen=True)
class WorkloadResult:
    """One spec's outcome: the plan for it and, in reconcile, what became of it."""

    planned: PlannedWorkload
    status: str
    exists: bool
    endpoint_ref: EndpointRef
    error: Optional[str] = None
    fix: Optional[str] = None
    notes: Sequence[str] = ()

    @property
    def action(self) -> str:
        return self.planned.action


@dataclass(frozen=True)
class UnmanagedResult:
    workload: UnmanagedWorkload
    status: str = OK
    error: Optional[str] = None


@dataclass(frozen=True)
class RunError:
    """A failure that is no single spec's: a project that could not be listed, a bad token."""

    message: str
    project: Optional[str] = None
    fix: Optional[str] = None


@dataclass(frozen=True)
class RunReport:
    mode: str
    workloads: List[WorkloadResult] = field(default_factory=list)
    unmanaged: List[UnmanagedResult] = field(default_factory=list)
    errors: List[RunError] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)

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

    def summary(self) -> Dict[str, int]:
        """Counts by action and status; ``changes`` counts the writes reconcile makes."""
        actions = [result.action for result in self.workloads]
        counts = {
            "create": actions.count(CREATE),
            "update": actions.count(UPDATE),
            "replace": actions.count(REPLACE),
            "no_change": actions.count(NO_CHANGE),
            "drift_left": actions.count(DRIFT_LEFT),
            "refused": actions.count(DRIFT_REFUSED),
            "prune": sum(1 for result in self.unmanaged if result.workload.action == PRUNE),
            "failed": sum(1 for result in self.workloads if result.status == FAILED)
            + sum(1 for result in self.unmanaged if result.status == FAILED),
            "unmanaged": len(self.unmanaged),
        }
        counts["changes"] = counts["create"] + counts["update"] + counts["replace"] + counts["prune"]
        return counts
