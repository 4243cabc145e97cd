"""What a plan does to the spend ceiling: each workload's before and after, each project's sum.

Before is the live workloads of each listed project; after is the workloads the project will
have once the plan is applied: a create or replace as its spec sends it, an update as the live
workload with the PATCH over it, anything left alone as it is, an unmanaged workload as it is
unless pruned. Uncapped workloads are named apart and never count as 0. Projects that could
not be listed are left out: nothing is known of them. Pure: it reads the plan only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from inferencekey_ensure.domain.spend import UNCAPPED, Ceiling, ceiling_of, usd
from inferencekey_ensure.domain.wire import create_body
from inferencekey_ensure.plan.model import CREATE, PRUNE, REPLACE, UNKNOWN, UPDATE, PlannedWorkload, UnmanagedWorkload


@dataclass(frozen=True)
class WorkloadSpend:
    """``before`` None: not on the platform yet; ``after`` None: gone (pruned) or still not created."""

    project: str
    slug: str
    before: Optional[Ceiling]
    after: Optional[Ceiling]

    @property
    def name(self) -> str:
        return f"{self.project}/{self.slug}"

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def becomes_uncapped(self) -> bool:
        """Added uncapped, or changed from a ceiling to none: an unbounded increase."""
        return self.after is not None and not self.after.capped and (self.before is None or self.before.capped)


@dataclass(frozen=True)
class ProjectSpend:
    project: str
    before_hourly_usd: float
    after_hourly_usd: float
    uncapped_before: Tuple[str, ...]
    uncapped_after: Tuple[str, ...]


@dataclass(frozen=True)
class PlanSpend:
    workloads: Tuple[WorkloadSpend, ...]
    projects: Tuple[ProjectSpend, ...]

    @property
    def before_hourly_usd(self) -> float:
        return sum(project.before_hourly_usd for project in self.projects)

    @property
    def after_hourly_usd(self) -> float:
        return sum(project.after_hourly_usd for project in self.projects)

    @property
    def increase_hourly_usd(self) -> float:
        return self.after_hourly_usd - self.before_hourly_usd

    @property
    def uncapped_before(self) -> Tuple[str, ...]:
        return tuple(item.name for item in self.workloads if item.before is not None and not item.before.capped)

    @property
    def uncapped_after(self) -> Tuple[str, ...]:
        return tuple(item.name for item in self.workloads if item.after is not None and not item.after.capped)

    @property
    def changed(self) -> Tuple[WorkloadSpend, ...]:
        return tuple(item for item in self.workloads if item.changed)

    @property
    def unbounded(self) -> Tuple[WorkloadSpend, ...]:
        """The workloads whose change is an unbounded increase (added or changed to uncapped)."""
        return tuple(item for item in self.workloads if item.becomes_uncapped)


def _live(fields: Optional[Mapping[str, Any]]) -> Optional[Ceiling]:
    return ceiling_of(fields) if fields is not None else None


def _declared(planned: PlannedWorkload) -> WorkloadSpend:
    before = _live(planned.live.fields) if planned.live is not None else None
    if planned.action in (CREATE, REPLACE):
        after: Optional[Ceiling] = ceiling_of(create_body(planned.declared.spec))
    elif planned.action == UPDATE and planned.live is not None:
        after = ceiling_of({**planned.live.fields, **(planned.payload or {})})
    else:
        after = before  # nothing sent: no change, drift left or refused, a dry-run create
    return WorkloadSpend(planned.project, planned.slug, before, after)


def _unmanaged(workload: UnmanagedWorkload) -> WorkloadSpend:
    # Not listed with its fields (never so from the planner): nothing is known of its ceiling.
    before = _live(workload.live.fields) if workload.live is not None else Ceiling(UNCAPPED)
    return WorkloadSpend(workload.project, workload.slug, before, None if workload.action == PRUNE else before)


def _sum(ceilings: Sequence[Optional[Ceiling]]) -> float:
    return sum(ceiling.hourly_usd for ceiling in ceilings if ceiling is not None and ceiling.hourly_usd is not None)


def plan_spend(workloads: Sequence[PlannedWorkload], unmanaged: Sequence[UnmanagedWorkload]) -> PlanSpend:
    """The spend of a plan's listed projects (a project whose listing failed is left out)."""
    items = [_declared(planned) for planned in workloads if planned.action != UNKNOWN]
    items += [_unmanaged(workload) for workload in unmanaged]
    by_project: Dict[str, List[WorkloadSpend]] = {}
    for item in items:
        by_project.setdefault(item.project, []).append(item)
    projects = tuple(
        ProjectSpend(
            project,
            _sum([item.before for item in listed]),
            _sum([item.after for item in listed]),
            tuple(item.name for item in listed if item.before is not None and not item.before.capped),
            tuple(item.name for item in listed if item.after is not None and not item.after.capped),
        )
        for project, listed in sorted(by_project.items())
    )
    return PlanSpend(tuple(items), projects)


def over_spend_limit(spend: PlanSpend, limit: Optional[float]) -> Optional[str]:
    """Why the plan's ceiling rises by more than ``limit`` USD/h (``max-spend-increase``), or None."""
    if limit is None:
        return None
    named = f"the spend limit (max-spend-increase {usd(limit)}/h)"
    if spend.unbounded:
        names = ", ".join(item.name for item in spend.unbounded)
        return f"the spend ceiling rises without bound, above {named}: {names} would run uncapped"
    rise = spend.increase_hourly_usd
    if rise > limit + 1e-9:
        return (f"the spend ceiling rises by {usd(rise)}/h ({usd(spend.before_hourly_usd)}/h -> "
                f"{usd(spend.after_hourly_usd)}/h), {usd(rise - limit)}/h above {named}")
    return None
