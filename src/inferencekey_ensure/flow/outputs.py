"""The step's outputs, computed: what later steps of the job branch on, loop over or call.

Later steps branch on them (``has-changes``), loop over them (``endpoint-refs``),
call the one workload (``project-slug``/``workload-slug``) or pin the reviewed plan
(``plan-digest``) or fan out over them (``projects``, a matrix's legs), so every output is always set, empty when it does not apply,
never missing. Pure; writing them where the host reads them is the adapter's job.

A step output holds at most 1 MB (GitHub's limit; the plan of 20,000 specs is 13.6 MB),
so the whole plan also goes to a file (``plan-file``), and a ``plan`` too large for an
output is replaced by a small JSON document naming that file.
"""

from __future__ import annotations

import json
from typing import Dict, Optional, Sequence

from inferencekey_ensure.engine.results import RunReport
from inferencekey_ensure.report.plan_json import report_to_json

OUTPUT_NAMES = (
    "endpoint-refs",
    "plan",
    "plan-file",
    "has-changes",
    "changes",
    "comment-url",
    "project-slug",
    "workload-slug",
    "plan-digest",
    "projects",
    "changed-projects",
    "sarif-file",
    "drift-issue-url",
)
# GitHub's limit for one step output (1 MB), less room for the heredoc lines around it.
MAX_OUTPUT_BYTES = 1_000_000 - 1_000


def step_outputs(
    report: Optional[RunReport], comment_url: Optional[str], projects: Sequence[str] = (),
    changed_projects: Sequence[str] = (), drift_issue_url: Optional[str] = None,
) -> Dict[str, str]:
    """All outputs; ``report`` is None when no plan ran (no token, a fork, invalid specs).

    ``projects`` and ``changed_projects`` are set whether or not a plan ran: a matrix's
    first job only validates. ``sarif-file`` is the host adapter's to fill in (it writes the file).
    """
    outputs = {name: "" for name in OUTPUT_NAMES}
    outputs.update({"endpoint-refs": "[]", "has-changes": "false", "changes": "0"})
    outputs["projects"] = json.dumps(list(projects), ensure_ascii=False)
    outputs["changed-projects"] = json.dumps(list(changed_projects), ensure_ascii=False)
    outputs["drift-issue-url"] = drift_issue_url or ""
    if report is None:
        return outputs
    changes = report.changes
    outputs["endpoint-refs"] = json.dumps(report.endpoint_refs(), ensure_ascii=False)
    outputs["plan"] = json.dumps(report_to_json(report), ensure_ascii=False, sort_keys=False)
    outputs["has-changes"] = "true" if changes > 0 else "false"
    outputs["changes"] = str(changes)
    outputs["comment-url"] = comment_url or ""
    outputs["plan-digest"] = report.plan_digest or ""
    if len(report.workloads) == 1:
        ref = report.workloads[0].endpoint_ref
        outputs["project-slug"] = ref.project_slug
        outputs["workload-slug"] = ref.workload_slug
    return outputs


def fit_plan_output(outputs: Dict[str, str], plan_file: str) -> Dict[str, str]:
    """``outputs`` with ``plan-file`` naming the file the adapter wrote the whole plan to, and
    a ``plan`` too large for a step output replaced by a JSON document that says where it is."""
    fitted = {**outputs, "plan-file": plan_file}
    size = len(outputs["plan"].encode("utf-8", "backslashreplace"))
    if size > MAX_OUTPUT_BYTES:
        fitted["plan"] = json.dumps({
            "format_version": 1,
            "omitted": f"the plan is {size / 1_000_000:.1f} MB, over GitHub's 1 MB limit for a step output; "
                       "the whole plan is in the file plan_file names (the plan-file output)",
            "plan_file": plan_file,
        }, ensure_ascii=False)
    return fitted
