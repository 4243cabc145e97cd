"""The runtime form of a declared workload: the fields of a schema-valid spec.

Field names are exactly the official SDK's ``WorkloadSpec`` (plus ``on_drift``),
so a spec file maps one-to-one onto ``inferencekey.WorkloadSpec(**fields)``. The
JSON Schema already checked every value before one of these is built, so this
class re-checks nothing: it only refuses names the field table (``fields``) does
not list, and reads an undeclared field as None.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Dict, Iterable, List, Mapping, Optional

from inferencekey_ensure.domain.fields import REQUIRED, SPEC_NAMES
from inferencekey_ensure.domain.secrets import credential_refusal, credential_shaped

# Where a workload naming no project finds one, after ``--project`` (the action's ``project`` input).
PROJECT_ENV = "INFERENCEKEY_PROJECT"


class WorkloadSpec:
    """One workload's declared fields; ``spec.backend`` etc. read them (None: not declared)."""

    __slots__ = ("_fields",)
    _fields: Mapping[str, Any]

    def __init__(self, **fields: Any) -> None:
        unknown = sorted(set(fields) - SPEC_NAMES)
        if unknown:
            raise TypeError(f"unknown spec field(s): {', '.join(unknown)}")
        declared = {name: value for name, value in fields.items() if value is not None}
        missing = [name for name in REQUIRED if name not in declared]
        if missing:
            raise TypeError(f"missing required spec field(s): {', '.join(missing)}")
        object.__setattr__(self, "_fields", MappingProxyType(declared))

    def __getattr__(self, name: str) -> Any:
        if name in SPEC_NAMES:
            return self._fields.get(name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a WorkloadSpec is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkloadSpec) and dict(self._fields) == dict(other._fields)

    def __hash__(self) -> int:
        # Config values are mappings: hash their JSON text, equal for equal specs.
        return hash(json.dumps(dict(self._fields), sort_keys=True, default=str))

    def __repr__(self) -> str:
        return f"WorkloadSpec({', '.join(f'{k}={v!r}' for k, v in self._fields.items())})"

    @property
    def declared(self) -> Mapping[str, Any]:
        """The fields the spec sets, by spec name."""
        return self._fields

    def sdk_fields(self) -> Dict[str, Any]:
        """The fields ``inferencekey.WorkloadSpec(**fields)`` takes (no ``on_drift``), unset omitted."""
        return {name: value for name, value in self._fields.items() if name != "on_drift"}


@dataclass(frozen=True)
class SourceLocation:
    """Where a node sits in a spec file; 1-based line and column, as editors count."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class DeclaredWorkload:
    """A spec together with where it was declared and its file-level ``project``."""

    spec: WorkloadSpec
    location: SourceLocation
    file_project: Optional[str] = None

    def project(self, fallback: Optional[str]) -> Optional[str]:
        """Spec ``project`` > file ``project`` > explicit option / environment (``fallback``)."""
        return resolve_project(self.spec.project, self.file_project, fallback)


def resolve_project(own: Any, file_project: Optional[str], fallback: Optional[str]) -> Optional[str]:
    """The one project rule: spec ``project`` > file ``project`` > ``fallback``; None when none is set.

    ``own`` is the spec's raw value, so ``validate`` can resolve workloads whose spec is
    invalid: anything but a non-blank string counts as unset there.
    """
    own = own if isinstance(own, str) and own.strip() else None
    return own or file_project or fallback or None


def fallback_project(explicit: Optional[str], env: Mapping[str, str], configured: Optional[str] = None) -> Optional[str]:
    """What specs naming no project use: the explicit option (``--project``, input ``project``),
    else ``INFERENCEKEY_PROJECT``, else the repository config's ``project`` (explicit value >
    environment > default, as everywhere on the platform)."""
    return (explicit or "").strip() or env.get(PROJECT_ENV, "").strip() or (configured or "").strip() or None


def project_refusal(explicit: Optional[str], explicit_source: str, env: Mapping[str, str]) -> Optional[str]:
    """A token given as the project (``explicit``, or the environment): refused before anything can print it.

    ``explicit_source`` names the option as the user set it (``--project``, input ``project``).
    """
    for source, value in ((explicit_source, explicit), (PROJECT_ENV, env.get(PROJECT_ENV))):
        if value and credential_shaped(value):
            return credential_refusal(source)
    return None


def projects_of(workloads: Iterable[DeclaredWorkload], fallback: Optional[str]) -> List[str]:
    """The projects ``workloads`` resolve to, in order, once each (a workload with none adds none)."""
    projects = (workload.project(fallback) for workload in workloads)
    return list(dict.fromkeys(project for project in projects if project))
