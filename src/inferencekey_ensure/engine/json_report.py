"""The machine-readable document of a run (format_version 1, documented in the README).

Its shape is a published contract read by CI scripts and the GitHub Action:
fields may be added in a later version, never renamed or removed within one.
"""

from __future__ import annotations

from typing import Any, Dict

from inferencekey_ensure import __version__
from inferencekey_ensure.engine.results import RunError, RunReport, UnmanagedResult, WorkloadResult
from inferencekey_ensure.report.validation_text import problem_line
from inferencekey_ensure.diagnostics.problem import Problem

FORMAT_VERSION = 1
TOOL_NAME = "ik-ensure"


def _workload(result: WorkloadResult) -> Dict[str, Any]:
    planned = result.planned
    location = planned.declared.location
    notes = list(result.notes)
    if result.fix:
        notes.append(f"fix: {result.fix}")
    return {
        "file": location.path,
        "line": location.line,
        "column": location.column,
        "name": planned.declared.spec.name,
        "project": planned.project,
        "slug": planned.slug,
        "declared_slug": planned.declared.spec.slug,
        "action": planned.action,
        "on_drift": planned.on_drift,
        "diffs": [
            {"field": diff.field, "live": diff.live, "desired": diff.desired}
            for diff in planned.diffs
        ],
        "endpoint_ref": {
            "project_slug": result.endpoint_ref.project_slug,
            "workload_slug": result.endpoint_ref.workload_slug,
        },
        "exists": result.exists,
        "status": result.status,
        "error": result.error,
        "notes": notes,
    }


def _unmanaged(result: UnmanagedResult) -> Dict[str, Any]:
    workload = result.workload
    return {
        "project": workload.project,
        "slug": workload.slug,
        "name": workload.name,
        "action": workload.action,
        "status": result.status,
        "error": result.error,
    }


def _error(error: RunError) -> Dict[str, Any]:
    message = f"{error.message} (fix: {error.fix})" if error.fix else error.message
    return {"project": error.project, "message": message}


def _problem(problem: Problem) -> Dict[str, Any]:
    return {"project": None, "message": problem_line(problem)}


def report_to_json(report: RunReport) -> Dict[str, Any]:
    """The whole run as JSON values; invalid specs appear as run-level errors."""
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "mode": report.mode,
        "summary": report.summary(),
        "workloads": [_workload(result) for result in report.workloads],
        "unmanaged": [_unmanaged(result) for result in report.unmanaged],
        "errors": [_error(error) for error in report.errors]
        + [_problem(problem) for problem in report.problems if problem.is_error],
    }
