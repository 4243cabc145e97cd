"""What a run annotates (file and line findings), in priority order.

CI hosts show only the first few annotations of each kind (GitHub: 10 per step),
so order is the point: invalid specs before failed workloads before refused drift;
drift before spec warnings. Paths are made relative to the repository root, where
hosts look for them, even when the action ran in a ``working-directory``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Optional, Sequence

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.engine.results import RunReport, WorkloadResult

TITLE = "ik-ensure"
ANNOTATION_KINDS = ("error", "warning", "notice")


@dataclass(frozen=True)
class Annotation:
    """One finding the host shows on a line of a file, or on the run when ``file`` is None."""

    kind: str
    message: str
    file: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    end_line: Optional[int] = None
    title: Optional[str] = None


def repository_path(path: str, workspace: Optional[str], cwd: str) -> str:
    """``path`` (relative to ``cwd``) as GitHub expects it: relative to the workspace root."""
    if not workspace or not path:
        return path
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, os.path.normpath(workspace))
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def problem_annotation(problem: Problem, workspace: Optional[str], cwd: str) -> Annotation:
    return Annotation(
        kind="error" if problem.is_error else "warning",
        message=f"{problem.json_path}: {problem.message}",
        file=repository_path(problem.path, workspace, cwd),
        line=problem.line or None,
        column=problem.column or None,
        title=f"{TITLE} [{problem.rule}]",
    )


def _fields(entry: WorkloadResult) -> str:
    return ", ".join(diff.field for diff in entry.planned.spec_diffs) or "no field listed"


def _failure_detail(entry: WorkloadResult, report: RunReport) -> str:
    """Why a workload failed: its own error, else its project's (a listing that failed is
    reported once, as the project's run error, not on each of its workloads)."""
    if entry.error:
        return entry.error
    project = next((error.message for error in report.errors if error.project == entry.planned.project), None)
    return project or "; ".join(entry.notes) or "no detail"


def _workload_annotation(entry: WorkloadResult, report: RunReport, workspace: Optional[str], cwd: str) -> Optional[Annotation]:
    planned = entry.planned
    mode = report.mode
    location = planned.declared.location
    name = f"{planned.project}/{planned.slug}"
    if entry.is_problem:
        kind, message = "error", f"{name}: {entry.status}: {_failure_detail(entry, report)}"
    elif entry.is_drift:
        verb = "was reconciled" if mode == "reconcile" and entry.status == "ok" and entry.is_change else "drifted from its spec"
        kind, message = "warning", f"{name} {verb} ({entry.action}): {_fields(entry)}"
    elif entry.action == "create":
        kind = "notice"
        message = f"{name} was created" if mode == "reconcile" else f"{name} does not exist yet and would be created"
    else:
        return None
    return Annotation(
        kind=kind,
        message=message,
        file=repository_path(location.path, workspace, cwd),
        line=location.line or None,
        column=location.column or None,
        title=f"{TITLE} {mode}",
    )


def _rank(annotation: Annotation, from_spec: bool) -> int:
    """Errors: specs first. Warnings: drift first, spec warnings after."""
    if annotation.kind == "error":
        return 0 if from_spec else 1
    if annotation.kind == "warning":
        return 3 if from_spec else 2
    return 4


def run_annotations(
    problems: Sequence[Problem], report: Optional[RunReport], workspace: Optional[str], cwd: str
) -> List[Annotation]:
    """Every annotation for a run, most important first within each kind."""
    ranked = [(_rank(a, True), a) for a in (problem_annotation(p, workspace, cwd) for p in problems)]
    if report is not None:
        for entry in report.workloads:
            annotation = _workload_annotation(entry, report, workspace, cwd)
            if annotation is not None:
                ranked.append((_rank(annotation, False), annotation))
    return [annotation for _rank_value, annotation in sorted(ranked, key=lambda pair: pair[0])]
