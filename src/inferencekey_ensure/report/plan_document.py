"""A typed, read-only view of the engine's plan JSON (format_version 1) for reporters.

The reporters work from the JSON document, not the engine's objects: it is the
published contract (also the action's ``plan`` output), so a comment rendered from
a saved plan looks exactly like one rendered live. Reading is lenient (missing keys
take neutral defaults) because a report must still render when a run failed half way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from inferencekey_ensure.domain.drift import FieldDiff
from inferencekey_ensure.plan.model import CREATE, DRIFT_LEFT, DRIFT_REFUSED, REPLACE, UPDATE, EndpointRef

# Actions that change the platform (or would, in preview).
CHANGE_ACTIONS = (CREATE, UPDATE, REPLACE)
# Actions that mean a live workload differs from its spec.
DRIFT_ACTIONS = (UPDATE, REPLACE, DRIFT_LEFT, DRIFT_REFUSED)
PROBLEM_STATUSES = ("failed", "refused")


@dataclass(frozen=True)
class WorkloadEntry:
    file: str
    line: int
    column: int
    name: str
    project: str
    slug: str
    declared_slug: str
    action: str
    on_drift: str
    diffs: Tuple[FieldDiff, ...]
    endpoint_ref: Optional[EndpointRef]
    exists: bool
    status: str
    error: Optional[str]
    notes: Tuple[str, ...]

    @property
    def is_change(self) -> bool:
        return self.action in CHANGE_ACTIONS

    @property
    def is_drift(self) -> bool:
        return self.action in DRIFT_ACTIONS

    @property
    def is_problem(self) -> bool:
        return self.status in PROBLEM_STATUSES


@dataclass(frozen=True)
class UnmanagedEntry:
    project: str
    slug: str
    name: str
    action: str
    status: str
    error: Optional[str]


@dataclass(frozen=True)
class RunError:
    project: str
    message: str


@dataclass(frozen=True)
class PlanDocument:
    mode: str
    tool_version: str
    summary: Mapping[str, int]
    workloads: Tuple[WorkloadEntry, ...]
    unmanaged: Tuple[UnmanagedEntry, ...]
    errors: Tuple[RunError, ...]

    def count(self, key: str) -> int:
        return int(self.summary.get(key, 0) or 0)

    @property
    def changes(self) -> int:
        """Workloads to be (or that were) created, updated, replaced or pruned."""
        return self.count("changes")

    @property
    def has_changes(self) -> bool:
        return self.changes > 0

    @property
    def drift_found(self) -> bool:
        """Anything where the platform does not match the specs (what ``fail-on-drift`` means)."""
        return self.changes > 0 or self.count("drift_left") > 0 or self.count("refused") > 0

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0 or self.count("refused") > 0 or bool(self.errors)

    @property
    def worth_reporting(self) -> bool:
        """Whether a PR that never had a comment should get one under ``comment: on-change``."""
        return self.drift_found or self.failed

    def endpoint_refs(self) -> List[Dict[str, str]]:
        """The ``endpoint-refs`` output: one entry per declared workload that has a reference."""
        return [
            {
                "project_slug": entry.endpoint_ref.project_slug,
                "workload_slug": entry.endpoint_ref.workload_slug,
                "action": entry.action,
            }
            for entry in self.workloads
            if entry.endpoint_ref is not None
        ]


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _optional_text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def _list(value: Any) -> List[Any]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _endpoint_ref(value: Any) -> Optional[EndpointRef]:
    if not isinstance(value, Mapping):
        return None
    project_slug, workload_slug = value.get("project_slug"), value.get("workload_slug")
    if not isinstance(project_slug, str) or not isinstance(workload_slug, str):
        return None
    return EndpointRef(project_slug, workload_slug)


def _workload(data: Mapping[str, Any]) -> WorkloadEntry:
    notes = data.get("notes")
    return WorkloadEntry(
        file=_text(data.get("file")),
        line=_int(data.get("line")),
        column=_int(data.get("column")),
        name=_text(data.get("name")),
        project=_text(data.get("project")),
        slug=_text(data.get("slug")),
        declared_slug=_text(data.get("declared_slug")),
        action=_text(data.get("action"), "unknown"),
        on_drift=_text(data.get("on_drift")),
        diffs=tuple(
            FieldDiff(_text(diff.get("field"), "?"), diff.get("live"), diff.get("desired"))
            for diff in _list(data.get("diffs"))
        ),
        endpoint_ref=_endpoint_ref(data.get("endpoint_ref")),
        exists=bool(data.get("exists")),
        status=_text(data.get("status"), "ok"),
        error=_optional_text(data.get("error")),
        notes=tuple(note for note in notes if isinstance(note, str)) if isinstance(notes, list) else (),
    )


def _unmanaged(data: Mapping[str, Any]) -> UnmanagedEntry:
    return UnmanagedEntry(
        project=_text(data.get("project")),
        slug=_text(data.get("slug")),
        name=_text(data.get("name")),
        action=_text(data.get("action"), "none"),
        status=_text(data.get("status"), "ok"),
        error=_optional_text(data.get("error")),
    )


def parse_plan(data: Mapping[str, Any]) -> PlanDocument:
    """Read a plan JSON document (contract D) into the typed view."""
    summary = data.get("summary")
    tool = data.get("tool")
    return PlanDocument(
        mode=_text(data.get("mode"), "preview"),
        tool_version=_text(tool.get("version")) if isinstance(tool, Mapping) else "",
        summary={k: _int(v) for k, v in summary.items()} if isinstance(summary, Mapping) else {},
        workloads=tuple(_workload(item) for item in _list(data.get("workloads"))),
        unmanaged=tuple(_unmanaged(item) for item in _list(data.get("unmanaged"))),
        errors=tuple(
            RunError(_text(item.get("project")), _text(item.get("message")))
            for item in _list(data.get("errors"))
        ),
    )
