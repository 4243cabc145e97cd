"""The emulated platform's state: projects, workloads and open-mode token bindings.

No sockets and no files here, so every platform rule (slug suffixes, ids,
timestamps) can be checked directly. Persistence is handed in as a callback that
runs under the same lock as the change, so the saved state never lags behind an
answer already sent and two changes are never saved out of order.
"""

from __future__ import annotations

import copy
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Set

from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.domain.fields import answer_fields

FORMAT_VERSION = 1

Clock = Callable[[], float]
Document = Dict[str, Any]


class StateError(IkEnsureError, ValueError):
    """A state document that cannot be loaded."""


def timestamp(epoch_seconds: float) -> str:
    """RFC 3339 UTC with microseconds, the form the platform returns."""
    moment = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WorkloadStore:
    """Thread-safe store of the emulated platform; every read returns a copy."""

    def __init__(
        self,
        document: Optional[Mapping[str, Any]] = None,
        *,
        clock: Clock = time.time,
        on_change: Optional[Callable[[Document], None]] = None,
    ) -> None:
        self._lock = threading.RLock()
        self._clock = clock
        self._on_change = on_change
        self._next_id = 1
        self._projects: Dict[str, Dict[str, Any]] = {}
        self._workloads: Dict[str, Dict[str, Any]] = {}
        self._changed_at: Dict[str, float] = {}
        self._bindings: Dict[str, str] = {}
        if document is not None:
            self._load(document)

    # -- projects and token bindings -------------------------------------------------

    def ensure_project(self, project: str) -> Dict[str, Any]:
        with self._lock:
            record = self._projects.get(project)
            if record is None:
                record = {"id": self._new_id("prj"), "slug": project, "created_at": timestamp(self._clock())}
                self._projects[project] = record
                self._changed()
            return dict(record)

    def bind_token(self, key: str, project: str) -> str:
        """Bind an open-mode token to ``project`` unless it is bound already; the bound project."""
        with self._lock:
            bound = self._bindings.get(key)
            if bound is None:
                self._bindings[key] = bound = project
                self._changed()
            return bound

    # -- workloads ---------------------------------------------------------------------

    def list_workloads(self, project: str) -> List[Dict[str, Any]]:
        with self._lock:
            record = self._projects.get(project)
            if record is None:
                return []
            return [
                _wire(workload)
                for workload in self._workloads.values()
                if workload["project_id"] == record["id"]
            ]

    def project_of(self, workload_id: str) -> Optional[str]:
        with self._lock:
            workload = self._workloads.get(workload_id)
            if workload is None:
                return None
            return next(slug for slug, record in self._projects.items() if record["id"] == workload["project_id"])

    def find_by_slug(self, project: str, slug: str) -> Optional[Dict[str, Any]]:
        with self._lock:
            for workload in self.list_workloads(project):
                if workload["slug"] == slug:
                    return workload
            return None

    def changed_at(self, workload_id: str) -> Optional[float]:
        """When the workload was last created or changed (readiness restarts from there)."""
        with self._lock:
            return self._changed_at.get(workload_id)

    def create_workload(self, project: str, fields: Mapping[str, Any]) -> Dict[str, Any]:
        """Store a validated workload; a taken slug gets the first free ``-N`` suffix."""
        with self._lock:
            project_id = self.ensure_project(project)["id"]
            taken = {workload["slug"] for workload in self.list_workloads(project)}
            now = self._clock()
            workload = copy.deepcopy(dict(fields))
            workload.update(
                id=self._new_id("wl"),
                project_id=project_id,
                slug=_free_slug(fields["slug"], taken),
                created_at=timestamp(now),
                updated_at=timestamp(now),
            )
            self._workloads[workload["id"]] = workload
            self._changed_at[workload["id"]] = now
            self._changed()
            return _wire(workload)

    def patch_workload(
        self, workload_id: str, changes_for: Callable[[Dict[str, Any]], Mapping[str, Any]]
    ) -> Optional[Dict[str, Any]]:
        """Apply ``changes_for(current)`` (``None`` removes a field); None when the id is unknown.

        The changes are computed under the store's lock from the workload as it is
        at that moment, so two concurrent PATCHes are each validated against the
        state they will really change. One that changes nothing leaves
        ``updated_at`` and readiness alone.
        """
        with self._lock:
            workload = self._workloads.get(workload_id)
            if workload is None:
                return None
            changes = changes_for(_wire(workload))
            updated = copy.deepcopy(workload)
            for name, value in changes.items():
                if value is None:
                    updated.pop(name, None)
                else:
                    updated[name] = copy.deepcopy(value)
            if updated != workload:
                now = self._clock()
                updated["updated_at"] = timestamp(now)
                self._workloads[workload_id] = updated
                self._changed_at[workload_id] = now
                self._changed()
            return _wire(updated)

    def delete_workload(self, workload_id: str) -> bool:
        with self._lock:
            if self._workloads.pop(workload_id, None) is None:
                return False
            self._changed_at.pop(workload_id, None)
            self._changed()
            return True

    # -- persistence -------------------------------------------------------------------

    def to_document(self) -> Document:
        with self._lock:
            return {
                "format_version": FORMAT_VERSION,
                "next_id": self._next_id,
                "projects": copy.deepcopy(self._projects),
                "workloads": [
                    {"workload": _wire(workload), "changed_at": self._changed_at[workload_id]}
                    for workload_id, workload in self._workloads.items()
                ],
                "token_bindings": dict(self._bindings),
            }

    def _load(self, document: Mapping[str, Any]) -> None:
        if not isinstance(document, Mapping) or document.get("format_version") != FORMAT_VERSION:
            raise StateError(f"not an emulator state document (format_version {FORMAT_VERSION} expected)")
        try:
            self._next_id = int(document["next_id"])
            self._projects = {
                str(slug): {"id": str(record["id"]), "slug": str(slug), "created_at": str(record["created_at"])}
                for slug, record in document["projects"].items()
            }
            for entry in document["workloads"]:
                workload = dict(entry["workload"])
                self._workloads[workload["id"]] = workload
                self._changed_at[workload["id"]] = float(entry["changed_at"])
            self._bindings = {str(key): str(value) for key, value in document["token_bindings"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise StateError(f"malformed emulator state document ({type(error).__name__}: {error})") from None

    def _new_id(self, kind: str) -> str:
        new_id = f"{kind}_{self._next_id:06d}"
        self._next_id += 1
        return new_id

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.to_document())


def _free_slug(slug: str, taken: Set[str]) -> str:
    if slug not in taken:
        return slug
    suffix = 1
    while f"{slug}-{suffix}" in taken:
        suffix += 1
    return f"{slug}-{suffix}"


def _wire(workload: Mapping[str, Any]) -> Dict[str, Any]:
    """A copy with the field table's answer fields; unset optional fields are absent, as the platform sends them."""
    return {name: copy.deepcopy(workload[name]) for name in answer_fields() if workload.get(name) is not None}
