"""The action's step outputs, computed from the plan document.

Later steps branch on these (``has-changes``), loop over them (``endpoint-refs``) or
call the one workload (``project-slug``/``workload-slug``), so every output is
always set, empty when it does not apply, never missing.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional

from inferencekey_ensure.report.plan_document import PlanDocument

OUTPUT_NAMES = (
    "endpoint-refs",
    "plan",
    "has-changes",
    "changes",
    "comment-url",
    "project-slug",
    "workload-slug",
)


def action_outputs(doc: Optional[PlanDocument], plan_json: Optional[Mapping[str, Any]], comment_url: Optional[str]) -> Dict[str, str]:
    """All outputs; ``doc`` is None when no plan ran (no token, a fork, invalid specs)."""
    outputs = {name: "" for name in OUTPUT_NAMES}
    outputs.update({"endpoint-refs": "[]", "has-changes": "false", "changes": "0"})
    if doc is None or plan_json is None:
        return outputs
    outputs["endpoint-refs"] = json.dumps(doc.endpoint_refs(), ensure_ascii=False)
    outputs["plan"] = json.dumps(plan_json, ensure_ascii=False, sort_keys=False)
    outputs["has-changes"] = "true" if doc.has_changes else "false"
    outputs["changes"] = str(doc.changes)
    outputs["comment-url"] = comment_url or ""
    if len(doc.workloads) == 1 and doc.workloads[0].endpoint_ref is not None:
        ref = doc.workloads[0].endpoint_ref
        outputs["project-slug"] = ref.project_slug
        outputs["workload-slug"] = ref.workload_slug
    return outputs
