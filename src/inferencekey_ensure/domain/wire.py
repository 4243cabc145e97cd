"""The spec as the control plane sees it, and the live workload as this tool reads it.

Both directions follow the field table (``fields``), which records what the
official SDK (0.260725.739) puts on and reads off the wire, observed request by
request, so ``apply`` and ``ensure()`` send the same bodies: ``task_type`` always
sent (its default when unset); ``config`` built from ``command`` (+
``vllm_version``) and absent without a ``command``; the spec's own ``config``
mapping never sent. ``unsent_fields`` names what a spec declares but the wire
never carries, so the plan and ``validate`` can say so instead of dropping it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.domain.fields import (
    DECLARED,
    FIELD_ALWAYS,
    FIELDS,
    WITH_COMMAND,
    SpecField,
    unsent,
    unsent_reason,
    wire_default,
    wire_fields,
)
from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.domain.spec import WorkloadSpec


def is_sent(row: SpecField, declared: Mapping[str, Any]) -> bool:
    """Whether ``row`` reaches the create body for a spec declaring ``declared``."""
    if row.sent == FIELD_ALWAYS:
        return True
    if row.sent == DECLARED:
        return row.spec_name in declared
    if row.sent == WITH_COMMAND:
        return row.spec_name in declared and "command" in declared
    return False


def create_body(spec: WorkloadSpec) -> Dict[str, Any]:
    """The POST body; the slug is canonical so the platform never mints a ``-1`` copy."""
    declared = spec.declared
    body: Dict[str, Any] = {}
    for row in FIELDS:
        if row.wire is None or not is_sent(row, declared):
            continue
        value = declared.get(row.spec_name, row.default)
        if row.spec_name == "slug":
            value = canonical_slug(value)
        top, _, key = row.wire.partition(".")
        if key:
            body.setdefault(top, {})[key] = value
        else:
            body[top] = value
    return body


def built_config(spec: WorkloadSpec) -> Optional[Dict[str, Any]]:
    """The ``config`` object the platform receives for ``spec`` (None: not sent)."""
    return create_body(spec).get("config")


def desired_task_type(spec: WorkloadSpec) -> str:
    task_type: str = create_body(spec)["task_type"]
    return task_type


def unsent_fields(spec: WorkloadSpec) -> List[str]:
    """Declared fields the SDK's wire rules never send, each with the reason."""
    return [unsent_reason(row.spec_name) for row in FIELDS if unsent(row, spec.declared)]


class MalformedWorkload(IkEnsureError, ValueError):
    """A listed workload lacks what every platform workload has (an id and a slug)."""


@dataclass(frozen=True)
class LiveWorkload:
    """One workload as listed by the control plane.

    ``fields`` holds the listed wire fields; an absent one reads as None, which is
    how the SDK counts it (a missing live ``config`` compares as null), except
    where the table gives the platform's default (``task_type``: ``text2text``).
    """

    id: str
    slug: str
    fields: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def value(self, wire_field: str) -> Any:
        """The live value of a wire field."""
        current = self.fields.get(wire_field)
        return wire_default(wire_field) if current is None else current

    def __getattr__(self, name: str) -> Any:
        if name in _WIRE_FIELDS:
            return self.value(name)
        raise AttributeError(name)


_WIRE_FIELDS = frozenset(wire_fields())


def normalise_live(item: Any) -> LiveWorkload:
    """Read one listed workload; raises ``MalformedWorkload`` on a shape no platform sends."""
    if not isinstance(item, Mapping):
        raise MalformedWorkload(f"a listed workload is not an object: {type(item).__name__}")
    workload_id, slug = item.get("id"), item.get("slug")
    if workload_id is None or not isinstance(slug, str):
        raise MalformedWorkload("a listed workload has no id or no slug")
    return LiveWorkload(id=str(workload_id), slug=slug, fields=dict(item))
