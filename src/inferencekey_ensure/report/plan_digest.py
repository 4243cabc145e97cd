"""The plan digest of a run's report: the plan the report shows, hashed (see ``plan/digest.py``)."""

from __future__ import annotations

from typing import Optional

from inferencekey_ensure.engine.results import RunReport
from inferencekey_ensure.plan.digest import CanonicalPlan, canonical_plan, plan_digest


def report_plan(report: RunReport) -> CanonicalPlan:
    """The canonical plan of the workloads and unmanaged workloads ``report`` lists."""
    return canonical_plan([result.planned for result in report.workloads],
                          [result.workload for result in report.unmanaged])


def report_digest(report: RunReport) -> Optional[str]:
    """The digest, or None when the run ended before any plan was made (invalid specs, a bad token)."""
    if not report.workloads and not report.unmanaged and report.has_errors:
        return None
    return plan_digest(report_plan(report))
