"""Two workloads of one project whose slugs are the same after canonicalisation.

The platform canonicalises every slug, so ``Support Bot`` and ``support-bot`` name
one workload: two specs with them would overwrite each other on every apply.
This is a whole-run check, since the two may sit in different files.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.diagnostics.wording import show_value
from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.domain.spec import resolve_project
from inferencekey_ensure.loading.nodes import Node
from inferencekey_ensure.validation.file_check import FoundWorkload


def _slug_node(workload: FoundWorkload) -> Node:
    return workload.node.children.get("slug", workload.node)


def slug_collisions(workloads: Sequence[FoundWorkload]) -> List[Problem]:
    """A problem at each later workload whose (project, canonical slug) was already taken."""
    first: Dict[Tuple[Optional[str], str], FoundWorkload] = {}
    problems: List[Problem] = []
    for workload in workloads:
        slug = workload.fields.get("slug")
        canonical = canonical_slug(slug) if isinstance(slug, str) else ""
        if not canonical:
            continue
        # No fallback: workloads naming no project share whichever one the run falls back on.
        project = resolve_project(workload.fields.get("project"), workload.file_project, None)
        earlier = first.setdefault((project, canonical), workload)
        if earlier is workload:
            continue
        where = f"project {show_value(project)}" if project else "the default project (--project / INFERENCEKEY_PROJECT)"
        at = _slug_node(earlier)
        node = _slug_node(workload)
        named = show_value(slug) if slug == canonical else f"{show_value(slug)} (canonically '{canonical}')"
        message = f"slug {named} is already used in {where} by the workload at {earlier.display}:{at.line}:{at.column}"
        problems.append(Problem(workload.display, node.line, node.column, workload.json_path + ".slug", message, rule="slug-collision"))
    return problems
