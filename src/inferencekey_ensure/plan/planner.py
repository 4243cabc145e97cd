"""Decide, per declared workload, what ``ensure()`` would do; no I/O.

The decision is the SDK's (absent: create; present: drift decides, ``on_drift``
decides what happens to drift), with the documented improvements: a changed
``task_type`` is a replacement that is never applied nor silently dropped, a
``dry_run`` on a missing workload says its reference points nowhere yet, and
workloads no spec declares are listed (for deletion only under ``--prune``).
"""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from inferencekey_ensure.domain.drift import (
    FieldDiff,
    compute_drift,
    kind_switch_without_config,
    patch_fields,
    replacement_diff,
)
from inferencekey_ensure.domain.fields import ON_DRIFT_RULES, OnDrift
from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.domain.wire import LiveWorkload, create_body, unsent_fields
from inferencekey_ensure.plan.model import (
    CREATE,
    DRIFT_LEFT,
    DRIFT_REFUSED,
    KEEP,
    NO_CHANGE,
    PRUNE,
    REPLACE,
    UNKNOWN,
    UPDATE,
    EndpointRef,
    Plan,
    PlannedWorkload,
    Target,
    UnmanagedWorkload,
    WorkloadAction,
)

NOT_LISTED_NOTE = "the project's workloads could not be listed, so nothing was decided"
DRY_RUN_MISSING_NOTE = (
    "on_drift=dry_run: not created; the EndpointRef refers to a workload that does not exist yet"
)


def drift_message(fields: Sequence[str]) -> str:
    """The SDK's refusal wording for ``on_drift: fail``."""
    return "workload drifted from spec: " + ", ".join(fields)


def replacement_note(change: FieldDiff) -> str:
    return (
        f"needs replacement: task_type cannot be changed in place ({change.live} -> "
        f"{change.desired}); delete the workload and re-create it to change it"
    )


def endpoint_ref_for(target: Target, workload_slug: str) -> EndpointRef:
    """``project_slug`` is the spec's own project when it names one, else the project used."""
    project_slug = target.declared.spec.project or target.project
    return EndpointRef(project_slug=project_slug, workload_slug=workload_slug)


def _find(live: Sequence[LiveWorkload], slug: str) -> Optional[LiveWorkload]:
    return next((workload for workload in live if workload.slug == slug), None)


def _plan_missing(target: Target, slug: str, on_drift: OnDrift, notes: List[str]) -> PlannedWorkload:
    body = create_body(target.declared.spec)
    diffs = tuple(FieldDiff(name, None, value) for name, value in body.items())
    if on_drift == "dry_run":
        return PlannedWorkload(
            target, slug, DRIFT_LEFT, on_drift, endpoint_ref_for(target, slug), diffs,
            notes=tuple(notes + [DRY_RUN_MISSING_NOTE]),
        )
    return PlannedWorkload(
        target, slug, CREATE, on_drift, endpoint_ref_for(target, slug), diffs,
        payload=body, notes=tuple(notes),
    )


def _drifted_action(on_drift: OnDrift, replacement: Optional[FieldDiff]) -> WorkloadAction:
    if on_drift == "fail":
        return DRIFT_REFUSED
    if ON_DRIFT_RULES[on_drift].left_in_place is not None:
        return DRIFT_LEFT
    return REPLACE if replacement is not None else UPDATE


def _plan_present(
    target: Target, live: LiveWorkload, on_drift: OnDrift, notes: List[str]
) -> PlannedWorkload:
    spec = target.declared.spec
    diffs = tuple(compute_drift(spec, live))
    replacement = replacement_diff(spec, live)
    ref = endpoint_ref_for(target, live.slug)
    if replacement is not None:
        notes.append(replacement_note(replacement))
    if kind_switch_without_config(spec, live):
        notes.append(
            f"execution_policy changes from {live.value('execution_policy')} to {spec.execution_policy}"
            " without an execution_policy_config: the platform validates the new kind against"
            " the config it holds"
        )
    if not diffs and replacement is None:
        return PlannedWorkload(target, live.slug, NO_CHANGE, on_drift, ref, live=live,
                               notes=tuple(notes))
    action = _drifted_action(on_drift, replacement)
    drifted = [diff.field for diff in diffs] + ([replacement.field] if replacement else [])
    left_in_place = ON_DRIFT_RULES[on_drift].left_in_place
    if action == DRIFT_LEFT and left_in_place is not None:
        notes.append(left_in_place)
    return PlannedWorkload(
        target, live.slug, action, on_drift, ref, diffs, live=live,
        payload=patch_fields(diffs) if action == UPDATE else None,
        refusal=drift_message(drifted) if action == DRIFT_REFUSED else None,
        replacement=replacement,
        notes=tuple(notes),
    )


def plan_workload(
    target: Target, live: Optional[Sequence[LiveWorkload]], default_on_drift: OnDrift
) -> PlannedWorkload:
    """One spec against its project's listing (``live`` None: the listing failed)."""
    spec = target.declared.spec
    slug = canonical_slug(spec.slug)
    on_drift = spec.on_drift or default_on_drift
    notes = unsent_fields(spec)
    if live is None:
        return PlannedWorkload(target, slug, UNKNOWN, on_drift, endpoint_ref_for(target, slug),
                               notes=tuple(notes + [NOT_LISTED_NOTE]))
    current = _find(live, slug)
    if current is None:
        return _plan_missing(target, slug, on_drift, notes)
    return _plan_present(target, current, on_drift, notes)


def _unmanaged(
    targets: Sequence[Target], live_by_project: Mapping[str, Sequence[LiveWorkload]], prune: bool
) -> Tuple[UnmanagedWorkload, ...]:
    declared: Dict[str, Set[str]] = {}
    for target in targets:
        declared.setdefault(target.project, set()).add(canonical_slug(target.declared.spec.slug))
    action = PRUNE if prune else KEEP
    return tuple(
        UnmanagedWorkload(project, workload.slug, workload.name, workload.id, action, live=workload)
        for project, slugs in declared.items()
        if project in live_by_project
        for workload in live_by_project[project]
        if workload.slug not in slugs
    )


def build_plan(
    targets: Sequence[Target],
    live_by_project: Mapping[str, Sequence[LiveWorkload]],
    *,
    on_drift: OnDrift,
    prune: bool,
) -> Plan:
    """The whole run's plan; projects missing from ``live_by_project`` were not listed."""
    workloads = tuple(
        plan_workload(target, live_by_project.get(target.project), on_drift) for target in targets
    )
    return Plan(workloads=workloads, unmanaged=_unmanaged(targets, live_by_project, prune))
