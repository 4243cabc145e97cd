"""Server-side checks of create and PATCH bodies, answered as 400s.

The emulator is stricter than a client needs: an unknown field, a read-only
field or a kind switch without a fitting config is refused, so a client bug shows
up as a failing test instead of silently different platform state.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Tuple

from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.domain.fields import ENUM, FIELDS, OBJECT, READ_ONLY_FIELDS, wire_default, wire_fields
from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.emulator.policy import policy_config_problem

CREATE_FIELDS = wire_fields()
REQUIRED_FIELDS = tuple(row.wire for row in FIELDS if row.required and row.wire is not None)
# The slug is canonicalised (an empty result is refused); the others must not be blank.
NON_BLANK_FIELDS = tuple(name for name in REQUIRED_FIELDS if name != "slug")
# A dotted wire name (``config.command``) puts its row inside an object.
OBJECT_FIELDS = tuple(sorted({row.wire_field for row in FIELDS
                              if row.wire and row.wire_field and (row.type == OBJECT or "." in row.wire)}))
CHOICES = {row.wire: row.choices for row in FIELDS if row.type == ENUM and row.wire is not None}
# Fields a PATCH may not change: compared by the SDK (or the slug, the identity) but not patchable.
FIXED_FIELDS = tuple(row.wire for row in FIELDS if row.wire is not None and "." not in row.wire and not row.patchable)


class BodyError(IkEnsureError, ValueError):
    """A request body the platform answers with 400."""


def parse_json_object(raw: bytes) -> Dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BodyError("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BodyError("the request body must be a JSON object")
    return body


def validated_create(body: Mapping[str, Any]) -> Dict[str, Any]:
    """The fields to store for a create: canonical slug, default task_type, nulls dropped."""
    _refuse_unknown_fields(body, CREATE_FIELDS)
    missing = [name for name in REQUIRED_FIELDS if body.get(name) is None]
    if missing:
        raise BodyError("missing required field(s): " + ", ".join(missing))
    fields = {name: value for name, value in body.items() if value is not None}
    _check_types(fields)
    slug = canonical_slug(fields["slug"])
    if not slug:
        raise BodyError(f"slug {fields['slug']!r} has no letters or digits; it canonicalises to an empty string")
    fields["slug"] = slug
    for name in CREATE_FIELDS:
        default = wire_default(name)
        if default is not None:
            fields.setdefault(name, default)
    _check_policy(fields)
    return fields


def validated_patch(body: Mapping[str, Any], current: Mapping[str, Any]) -> Dict[str, Any]:
    """The changes a PATCH makes to ``current``; a ``None`` value removes that field."""
    _refuse_unknown_fields(body, CREATE_FIELDS)
    for name in FIXED_FIELDS:
        if name in body and body[name] != current.get(name):
            raise BodyError(f"{name} cannot be changed in place; delete the workload and create it again")
    nulled_required = [name for name in NON_BLANK_FIELDS if name in body and body[name] is None]
    if nulled_required:
        raise BodyError("required field(s) cannot be null: " + ", ".join(nulled_required))
    changes = {name: value for name, value in body.items() if name not in FIXED_FIELDS}
    _check_types({name: value for name, value in changes.items() if value is not None})
    merged = dict(current)
    merged.update(changes)
    _check_policy({name: value for name, value in merged.items() if value is not None})
    return changes


def _refuse_unknown_fields(body: Mapping[str, Any], allowed: Tuple[str, ...]) -> None:
    read_only = sorted(name for name in body if name in READ_ONLY_FIELDS)
    if read_only:
        raise BodyError("read-only field(s) cannot be set: " + ", ".join(read_only))
    unknown = sorted(name for name in body if name not in allowed)
    if unknown:
        raise BodyError("unknown field(s): " + ", ".join(unknown))


def _check_types(fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        if name in OBJECT_FIELDS:
            if not isinstance(value, dict):
                raise BodyError(f"{name} must be a JSON object")
        elif not isinstance(value, str):
            raise BodyError(f"{name} must be a string")
    blank = [name for name in NON_BLANK_FIELDS if name in fields and not fields[name].strip()]
    if blank:
        raise BodyError("field(s) cannot be blank: " + ", ".join(blank))
    for name, allowed in CHOICES.items():
        _check_choice(fields.get(name), name, allowed)


def _check_choice(value: Optional[str], name: str, allowed: Tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise BodyError(f"unknown {name} {value!r}; expected one of: " + ", ".join(allowed))


def _check_policy(fields: Mapping[str, Any]) -> None:
    problem = policy_config_problem(fields)
    if problem:
        raise BodyError(problem)
