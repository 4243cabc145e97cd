"""Which projects a set of spec files declares: the legs of a CI matrix.

Every project a plan of the same files would talk to, resolved the way ``plan``
resolves them (spec > file > ``--project`` > ``INFERENCEKEY_PROJECT``), so a matrix
leg per project covers every workload exactly once. ``ik-ensure projects`` prints
them; the action sets them as its ``projects`` output, even when it only validates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Mapping, Optional, Sequence

from inferencekey_ensure.domain.spec import DeclaredWorkload, fallback_project, projects_of
from inferencekey_ensure.engine.projects import NO_PROJECT_FIX


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
