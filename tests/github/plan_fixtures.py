"""Plan documents in the engine's JSON shape (contract D), built for reporter tests."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

CHANGE_ACTIONS = ("create", "update", "replace")


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
) -> Dict[str, Any]:
    if diffs is None:
        diffs = [{"field": "model_name", "live": "llama3:8b", "desired": "llama3:70b"}] if action != "no-change" else []
    return {
        "file": file,
        "line": line,
        "column": 3,
        "name": name if name is not None else slug.replace("-", " ").title(),
        "project": project,
        "slug": slug,
        "declared_slug": slug,
        "action": action,
        "on_drift": on_drift,
        "diffs": diffs,
        "endpoint_ref": {"project_slug": project, "workload_slug": slug},
        "exists": action != "create",
        "status": status,
        "error": error,
        "notes": notes or [],
    }


def plan(
    workloads: List[Dict[str, Any]],
    *,
    mode: str = "preview",
    unmanaged: Optional[List[Dict[str, Any]]] = None,
    errors: Optional[List[Dict[str, Any]]] = None,
) -> Dict[str, Any]:
    """A document whose summary counts agree with its workloads, as the engine's do."""
    unmanaged = unmanaged or []
    summary = {key: 0 for key in ("create", "update", "replace", "no_change", "drift_left", "refused", "prune", "failed")}
    for item in workloads:
        key = {"no-change": "no_change", "drift-left": "drift_left", "drift-refused": "refused"}.get(item["action"], item["action"])
        if key in summary:
            summary[key] += 1
        if item["status"] == "failed":
            summary["failed"] += 1
    summary["prune"] = sum(1 for item in unmanaged if item.get("action") == "prune")
    summary["unmanaged"] = len(unmanaged)
    summary["changes"] = summary["create"] + summary["update"] + summary["replace"] + summary["prune"]
    return {
        "format_version": 1,
        "tool": {"name": "ik-ensure", "version": "0.1.0"},
        "mode": mode,
        "summary": summary,
        "workloads": workloads,
        "unmanaged": unmanaged,
        "errors": errors or [],
    }
