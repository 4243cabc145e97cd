"""The run as JSON (format_version 1, documented in docs/plan-json.md): an output serialisation only.

Nothing in this process reads it back; every other rendering reads the ``RunReport``.

Its shape is a published contract read by CI scripts and the GitHub Action:
fields may be added in a later version, never renamed or removed within one.
"""

from __future__ import annotations

from typing import Any, Dict

from inferencekey_ensure import __version__
from inferencekey_ensure.engine.results import RunReport, UnmanagedResult, WorkloadResult
from inferencekey_ensure.report.run_errors import error_lines

FORMAT_VERSION = 1
TOOL_NAME = "ik-ensure"


def _workload(result: WorkloadResult) -> Dict[str, Any]:
    planned = result.planned
    location = planned.declared.location
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
        "notes": result.notes_and_fix,
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


def report_to_json(report: RunReport) -> Dict[str, Any]:
    """The whole run as JSON values; invalid specs appear as run-level errors."""
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "mode": report.mode,
        "summary": report.summary(),
        "workloads": [_workload(result) for result in report.workloads],
        "unmanaged": [_unmanaged(result) for result in report.unmanaged],
        "errors": [{"project": line.project, "message": line.message} for line in error_lines(report)],
        "plan_digest": report.plan_digest,
        # Added in 0.1.x, after the fields above (format_version 1 only ever gains fields).
        "planned": report.planned(),
        "refused": report.refused,
    }
