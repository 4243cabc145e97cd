"""Run reports built directly for reporter tests, with any text in any field.

``WorkloadSpec`` re-checks nothing (the schema did), so the reporters can be fed
values no valid spec would hold: a renderer must be safe on
whatever reaches it, not only on what the validator lets through.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from inferencekey_ensure.domain.drift import FieldDiff
from inferencekey_ensure.domain.spec import DeclaredWorkload, SourceLocation, WorkloadSpec
from inferencekey_ensure.engine.results import RunError, RunReport, UnmanagedResult, WorkloadResult
from inferencekey_ensure.plan.model import EndpointRef, PlannedWorkload, Target, UnmanagedWorkload


def workload(
    slug: str = "support-bot",
    *,
    action: str = "update",
    name: Optional[str] = None,
    project: str = "acme",
    file: str = "inferencekey/chat.yaml",
    line: int = 3,
    diffs: Optional[List[Dict[str, Any]]] = None,
    status: str = "ok",
    error: Optional[str] = None,
    notes: Optional[List[str]] = None,
    on_drift: str = "reconcile",
) -> WorkloadResult:
    if diffs is None:
        diffs = [{"field": "model_name", "live": "llama3:8b", "desired": "llama3:70b"}] if action != "no-change" else []
    spec = WorkloadSpec(name=name if name is not None else slug.replace("-", " ").title(), slug=slug,
                        model="llama3:70b", backend="ollama")
    declared = DeclaredWorkload(spec, SourceLocation(file, line, 3))
    ref = EndpointRef(project, slug)
    planned = PlannedWorkload(
        Target(declared, project), slug, action, on_drift, ref,
        diffs=tuple(FieldDiff(diff["field"], diff["live"], diff["desired"]) for diff in diffs),
    )
    return WorkloadResult(planned, status, exists=action != "create", endpoint_ref=ref, error=error,
                          notes=tuple(notes or ()))


def plan(
    workloads: List[WorkloadResult],
    *,
    mode: str = "preview",
    unmanaged: Optional[List[Dict[str, Any]]] = None,
    errors: Optional[List[Dict[str, Any]]] = None,
) -> RunReport:
    """A report over ``workloads``; unmanaged workloads and run errors given as plain fields."""
    return RunReport(
        mode,
        workloads=list(workloads),
        unmanaged=[
            UnmanagedResult(
                UnmanagedWorkload(item["project"], item["slug"], item.get("name"), "w-id", item.get("action", "none")),
                status=item.get("status", "ok"),
                error=item.get("error"),
            )
            for item in unmanaged or []
        ],
        errors=[RunError(item["message"], project=item.get("project")) for item in errors or []],
    )
