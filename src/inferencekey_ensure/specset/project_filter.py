"""``--only-project``: narrow a run to the specs of some projects, right after loading.

A token reaches one project, so a CI matrix runs one leg per project; each leg must
neither request nor report the other projects' workloads. A workload's project is
resolved as ``plan`` resolves it (spec > file > ``--project`` > environment); one
with no project at all belongs to none of the requested ones. Problems stay with
their file: a file is left out only when every workload in it belongs to another
project, so a file nobody can read (no workloads found) is always reported.

A requested project that no spec declares is a usage error naming the declared ones
(``UndeclaredProject``): a misspelt matrix leg would otherwise check nothing and pass.
When the narrowed run has spec errors those are reported instead, since a file that
cannot be read may be the one declaring it.

Stdlib only: ``validate`` uses it and must start fast.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Tuple

from inferencekey_ensure.domain.spec import projects_of, resolve_project
from inferencekey_ensure.loading.errors import UsageError

if TYPE_CHECKING:  # types only: importing them would cost validate start-up time
    from inferencekey_ensure.specset.load import LoadResult
    from inferencekey_ensure.specset.validate import ValidationRun

_SEPARATORS = re.compile(r"[\s,]+")


def requested_projects(values: Iterable[str]) -> Tuple[str, ...]:
    """Repeated options or an input's lines (or commas) -> the projects, in order, once each."""
    words = (word for value in values for word in _SEPARATORS.split(value) if word)
    return tuple(dict.fromkeys(words))


class UndeclaredProject(UsageError):
    """A requested project no spec declares."""


def _check_declared(only: Sequence[str], declared: Iterable[Optional[str]], flag: str) -> None:
    known = sorted({project for project in declared if project})
    missing = [project for project in only if project not in known]
    if missing:
        listed = ", ".join(known) if known else "none (no spec names a project)"
        them = "it" if len(missing) == 1 else "them"
        raise UndeclaredProject(f"{flag} {', '.join(missing)}: no spec declares {them}; the specs declare: {listed}")


def only_declared(
    loaded: "LoadResult", only: Sequence[str], fallback: Optional[str], flag: str = "--only-project"
) -> "LoadResult":
    """``loaded`` with the declared workloads of other projects left out (problems kept).

    Raises ``UndeclaredProject`` for a requested project no valid spec declares.
    """
    if loaded.ok:
        _check_declared(only, projects_of(loaded.workloads, fallback), flag)
    kept = [w for w in loaded.workloads if w.project(fallback) in only]
    return replace(loaded, workloads=kept)


def only_found(run: "ValidationRun", only: Sequence[str], fallback: Optional[str]) -> "ValidationRun":
    """``run`` without the files whose every workload belongs to another project.

    Raises ``UndeclaredProject`` for a requested project no found workload declares,
    unless what is left has errors to report.
    """
    projects_by_file: Dict[str, List[Optional[str]]] = {display: [] for display in run.files}
    for found in run.workloads:
        projects_by_file.setdefault(found.display, []).append(
            resolve_project(found.fields.get("project"), found.file_project, fallback))
    dropped = {display for display, projects in projects_by_file.items()
               if projects and not any(project in only for project in projects)}
    narrowed = replace(
        run,
        files=[display for display in run.files if display not in dropped],
        workloads=_in(run.workloads, only, fallback),
        problems=[problem for problem in run.problems if problem.path not in dropped],
        clean_workloads=_in(run.clean_workloads, only, fallback),
    )
    if narrowed.ok:
        _check_declared(only, (project for projects in projects_by_file.values() for project in projects),
                        "--only-project")
    return narrowed


def _in(found: Sequence[Any], only: Sequence[str], fallback: Optional[str]) -> List[Any]:
    return [w for w in found if resolve_project(w.fields.get("project"), w.file_project, fallback) in only]

