"""The vocabulary of a plan, shared by the planner, the engine and the reporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

from inferencekey_ensure.domain.drift import FieldDiff
from inferencekey_ensure.domain.spec import DeclaredWorkload
from inferencekey_ensure.domain.wire import LiveWorkload

CREATE = "create"
UPDATE = "update"
NO_CHANGE = "no-change"
REPLACE = "replace"
DRIFT_LEFT = "drift-left"
DRIFT_REFUSED = "drift-refused"
# Not one of ensure()'s outcomes: the project could not be listed, so nothing is known.
UNKNOWN = "unknown"

PRUNE = "prune"
KEEP = "none"


@dataclass(frozen=True)
class EndpointRef:
    """The slugs that address a workload's data plane, as ``ensure()`` returns them."""

    project_slug: str
    workload_slug: str

    @property
    def endpoint_path(self) -> str:
        return f"/endpoint/{self.project_slug}/{self.workload_slug}/v1/"


@dataclass(frozen=True)
class Target:
    """A declared workload with the project it resolves to."""

    declared: DeclaredWorkload
    project: str


@dataclass(frozen=True)
class PlannedWorkload:
    """What reconcile would do for one spec, and the request that would do it.

    ``payload`` is the create body or the PATCH fields (None when nothing is sent);
    ``refusal`` is the error ``on_drift: fail`` raises. ``diffs`` of a create list
    every field it would send, with a null live value; ``replacement`` is the
    ``task_type`` change no PATCH can make.
    """

    target: Target
    slug: str
    action: str
    on_drift: str
    endpoint_ref: EndpointRef
    diffs: Tuple[FieldDiff, ...] = ()
    live: Optional[LiveWorkload] = None
    payload: Optional[Dict[str, Any]] = None
    refusal: Optional[str] = None
    replacement: Optional[FieldDiff] = None
    notes: Tuple[str, ...] = ()

    @property
    def project(self) -> str:
        return self.target.project

    @property
    def declared(self) -> DeclaredWorkload:
        return self.target.declared


@dataclass(frozen=True)
class UnmanagedWorkload:
    """A live workload no spec declares; ``action`` is ``prune`` only under ``--prune``."""

    project: str
    slug: str
    name: Optional[str]
    workload_id: str
    action: str = KEEP


@dataclass(frozen=True)
class Plan:
    workloads: Tuple[PlannedWorkload, ...] = ()
    unmanaged: Tuple[UnmanagedWorkload, ...] = field(default_factory=tuple)
