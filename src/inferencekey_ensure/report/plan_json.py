"""The run as JSON (format_version 1, documented in docs/plan-json.md): an output serialisation only.

Nothing in this process reads it back; every other rendering reads the ``RunReport``.

Its shape is a published contract read by CI scripts and the GitHub Action:
fields may be added in a later version, never renamed or removed within one.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from inferencekey_ensure import __version__
from inferencekey_ensure.domain.repo_config import is_policy_rule
from inferencekey_ensure.domain.spend import CURRENCY, HOURS_PER_MONTH, Ceiling
from inferencekey_ensure.engine.results import RunReport, UnmanagedResult, WorkloadResult
from inferencekey_ensure.plan.spend import PlanSpend, WorkloadSpend
from inferencekey_ensure.report.run_errors import error_lines

FORMAT_VERSION = 1
TOOL_NAME = "ik-ensure"


_Spends = Dict[Tuple[str, str], WorkloadSpend]


def _ceiling(ceiling: Optional[Ceiling]) -> Optional[Dict[str, Any]]:
    return None if ceiling is None else {"basis": ceiling.basis, "hourly_usd": ceiling.hourly_usd}


def _workload_spend(spends: _Spends, project: str, slug: str) -> Optional[Dict[str, Any]]:
    """``before``/``after`` None: not on the platform before, gone after; the whole entry None: not listed."""
    item = spends.get((project, slug))
    return None if item is None else {"before": _ceiling(item.before), "after": _ceiling(item.after)}


def _spend(spend: PlanSpend) -> Dict[str, Any]:
    return {
        "currency": CURRENCY,
        "hours_per_month": HOURS_PER_MONTH,
        "before_hourly_usd": spend.before_hourly_usd,
        "after_hourly_usd": spend.after_hourly_usd,
        "uncapped_before": list(spend.uncapped_before),
        "uncapped_after": list(spend.uncapped_after),
        "projects": [
            {
                "project": project.project,
                "before_hourly_usd": project.before_hourly_usd,
                "after_hourly_usd": project.after_hourly_usd,
                "uncapped_before": list(project.uncapped_before),
                "uncapped_after": list(project.uncapped_after),
            }
            for project in spend.projects
        ],
    }


def _workload(result: WorkloadResult, spends: _Spends) -> Dict[str, Any]:
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
        "spend": _workload_spend(spends, planned.project, planned.slug),
    }


def _unmanaged(result: UnmanagedResult, spends: _Spends) -> Dict[str, Any]:
    workload = result.workload
    return {
        "project": workload.project,
        "slug": workload.slug,
        "name": workload.name,
        "action": workload.action,
        "status": result.status,
        "error": result.error,
        "spend": _workload_spend(spends, workload.project, workload.slug),
    }


def report_to_json(report: RunReport) -> Dict[str, Any]:
    """The whole run as JSON values; invalid specs appear as run-level errors."""
    spends = {(item.project, item.slug): item for item in report.spend.workloads}
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "mode": report.mode,
        "summary": report.summary(),
        "workloads": [_workload(result, spends) for result in report.workloads],
        "unmanaged": [_unmanaged(result, spends) for result in report.unmanaged],
        "errors": [{"project": line.project, "message": line.message} for line in error_lines(report)],
        "plan_digest": report.plan_digest,
        # Added in 0.1.x, after the fields above (format_version 1 only ever gains fields).
        "planned": report.planned(),
        "refused": report.refused,
        # Added with the repository config: the spend ceilings, and the policy's violations.
        "spend": _spend(report.spend),
        "policy": [
            {"rule": problem.rule, "severity": problem.severity, "file": problem.path, "line": problem.line,
             "column": problem.column, "message": problem.message}
            for problem in report.problems if is_policy_rule(problem.rule)
        ],
    }
