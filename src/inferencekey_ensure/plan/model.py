"""The vocabulary of a plan, shared by the planner, the engine and the reporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Literal, Optional, Tuple

from inferencekey_ensure.domain.drift import FieldDiff, in_spec_words
from inferencekey_ensure.domain.fields import OnDrift
from inferencekey_ensure.domain.spec import DeclaredWorkload
from inferencekey_ensure.domain.wire import LiveWorkload

# What a declared workload needs; the words are the plan JSON's ``action`` values.
WorkloadAction = Literal["create", "update", "no-change", "replace", "drift-left", "drift-refused", "unknown"]
CREATE: WorkloadAction = "create"
UPDATE: WorkloadAction = "update"
NO_CHANGE: WorkloadAction = "no-change"
REPLACE: WorkloadAction = "replace"
DRIFT_LEFT: WorkloadAction = "drift-left"
DRIFT_REFUSED: WorkloadAction = "drift-refused"
# Not one of ensure()'s outcomes: the project could not be listed, so nothing is known.
UNKNOWN: WorkloadAction = "unknown"
# Actions that change the platform (or would, in preview).
CHANGE_ACTIONS: Tuple[WorkloadAction, ...] = (CREATE, UPDATE, REPLACE)
# Actions that mean a live workload differs from its spec.
DRIFT_ACTIONS: Tuple[WorkloadAction, ...] = (UPDATE, REPLACE, DRIFT_LEFT, DRIFT_REFUSED)

# What becomes of a live workload no spec declares.
UnmanagedAction = Literal["prune", "none"]
PRUNE: UnmanagedAction = "prune"
KEEP: UnmanagedAction = "none"


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
    action: WorkloadAction
    on_drift: OnDrift
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

    @property
    def spec_diffs(self) -> Tuple[FieldDiff, ...]:
        """``diffs`` as the spec names the fields (``model``, ``command``), for the text and Markdown views."""
        return tuple(in_spec_words(self.diffs, self.declared.spec.declared))


@dataclass(frozen=True)
class UnmanagedWorkload:
    """A live workload no spec declares; ``action`` is ``prune`` only under ``--prune``.
    ``live`` is its listing (its spend ceiling counts in the project's)."""

    project: str
    slug: str
    name: Optional[str]
    workload_id: str
    action: UnmanagedAction = KEEP
    live: Optional[LiveWorkload] = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Plan:
    workloads: Tuple[PlannedWorkload, ...] = ()
    unmanaged: Tuple[UnmanagedWorkload, ...] = field(default_factory=tuple)
