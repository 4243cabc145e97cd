"""Which project each declared workload belongs to; decided before any request.

The rule itself (spec > file > ``--project`` > ``INFERENCEKEY_PROJECT`` > config) is
``domain/spec.py``'s; this turns it into the engine's targets and into the legs of
a CI matrix (``declared_projects``): every project a plan of the same files would
talk to, so a matrix leg per project covers every workload exactly once.
``ik-ensure projects`` prints them; the action sets them as its ``projects`` output,
even when it only validates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Mapping, Optional, Sequence, Tuple

from inferencekey_ensure.domain.repo_config import CONFIG_FILE
from inferencekey_ensure.domain.spec import PROJECT_ENV, DeclaredWorkload, fallback_project, projects_of
from inferencekey_ensure.engine.results import RunError
from inferencekey_ensure.plan.model import Target

NO_PROJECT_FIX = (
    f"Set `project` in the spec or at the top of its file, pass --project, set {PROJECT_ENV}, "
    f"or set `project` in {CONFIG_FILE}."
)


def no_project(declared: DeclaredWorkload) -> str:
    """The located error for a workload that names no project and has no fallback."""
    return f'{declared.location}: no project for workload "{declared.spec.slug}"'


def resolve_targets(
    workloads: Sequence[DeclaredWorkload], explicit: Optional[str], env: Mapping[str, str],
    configured: Optional[str] = None,
) -> Tuple[List[Target], List[RunError]]:
    """Spec ``project`` > file ``project`` > ``--project`` > ``INFERENCEKEY_PROJECT`` > config ``project``."""
    fallback = fallback_project(explicit, env, configured)
    targets, errors = [], []
    for declared in workloads:
        project = declared.project(fallback)
        if project:
            targets.append(Target(declared, project))
        else:
            errors.append(RunError(no_project(declared), fix=NO_PROJECT_FIX))
    return targets, errors


@dataclass(frozen=True)
class DeclaredProjects:
    """The sorted projects, and the workloads that resolve to none (no matrix leg would cover them)."""

    projects: List[str] = field(default_factory=list)
    unresolved: List[DeclaredWorkload] = field(default_factory=list)
    fix: str = NO_PROJECT_FIX


def declared_projects(
    workloads: Sequence[DeclaredWorkload], explicit: Optional[str], env: Mapping[str, str],
    configured: Optional[str] = None,
) -> DeclaredProjects:
    fallback = fallback_project(explicit, env, configured)
    unresolved = [declared for declared in workloads if declared.project(fallback) is None]
    return DeclaredProjects(sorted(projects_of(workloads, fallback)), unresolved)
