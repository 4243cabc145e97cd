"""Which project each declared workload belongs to; decided before any request."""

from __future__ import annotations

from typing import List, Mapping, Optional, Sequence, Tuple

from inferencekey_ensure.domain.spec import PROJECT_ENV, DeclaredWorkload
from inferencekey_ensure.engine.results import RunError
from inferencekey_ensure.plan.model import Target

NO_PROJECT_FIX = (
    f"Set `project` in the spec or at the top of its file, pass --project, or set {PROJECT_ENV}."
)


def fallback_project(explicit: Optional[str], env: Mapping[str, str]) -> Optional[str]:
    """The explicit option, else the environment; what specs naming no project use."""
    return (explicit or "").strip() or env.get(PROJECT_ENV, "").strip() or None


def no_project(declared: DeclaredWorkload) -> str:
    """The located error for a workload that names no project and has no fallback."""
    return f'{declared.location}: no project for workload "{declared.spec.slug}"'


def resolve_targets(
    workloads: Sequence[DeclaredWorkload], explicit: Optional[str], env: Mapping[str, str]
) -> Tuple[List[Target], List[RunError]]:
    """Spec ``project`` > file ``project`` > ``--project`` > ``INFERENCEKEY_PROJECT``."""
    fallback = fallback_project(explicit, env)
    targets, errors = [], []
    for declared in workloads:
        project = declared.project(fallback)
        if project:
            targets.append(Target(declared, project))
        else:
            errors.append(RunError(no_project(declared), fix=NO_PROJECT_FIX))
    return targets, errors
