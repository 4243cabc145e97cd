"""A live workload -> the spec fields that ``plan`` finds nothing to change in.

The exact inverse of ``domain/wire.py``'s spec -> wire mapping: the same field facts
read backwards (``model`` <- ``model_name``, ``command``/``vllm_version`` <- the
``config`` that ``built_config`` builds, ``task_type`` left out when it is the
default that ``desired_task_type`` fills in). Whatever the spec format cannot say
exactly becomes a note: the file keeps it as a comment and the command warns,
so nobody learns of the drift from the first ``apply``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from inferencekey_ensure.domain.fields import DEFAULT_TASK_TYPE, FIELD_NEVER, FIELDS
from inferencekey_ensure.domain.secrets import TOKEN_PATTERN, starts_with_forbidden_prefix
from inferencekey_ensure.domain.wire import LiveWorkload

# (spec field, wire field), read off the field table. ``command`` and ``vllm_version``
# travel inside ``config`` (see ``_from_config``); ``task_type`` is written only when
# it is not the platform's default.
REQUIRED_FIELDS: Tuple[Tuple[str, str], ...] = tuple(
    (row.spec_name, row.wire) for row in FIELDS if row.required and row.wire is not None
)
OPTIONAL_FIELDS: Tuple[Tuple[str, str], ...] = tuple(
    (row.spec_name, row.wire) for row in FIELDS
    if not row.required and row.wire is not None and "." not in row.wire and row.sent != FIELD_NEVER
    and row.spec_name != "task_type"
)
# The order a written file lists its fields in (presentation only; a test holds it to the table).
FILE_ORDER = ("project", "name", "slug", "model", "backend", "task_type", "description", "command",
              "vllm_version", "execution_policy", "execution_policy_config", "worker_id", "gpu_resource_id")
CONFIG_FIELDS = tuple(row.wire.split(".", 1)[1] for row in FIELDS if row.wire and row.wire.startswith("config."))


@dataclass(frozen=True)
class ImportedSpec:
    """The spec fields of one live workload, and what they cannot express."""

    slug: str
    fields: Dict[str, Any]
    notes: List[str] = field(default_factory=list)
    # False when a required field has no usable live value: no valid file can be written.
    complete: bool = True
    # The spec field holding a credential: such a spec is never written to a file.
    credential_in: Optional[str] = None


def _text(value: Any) -> Optional[str]:
    """``value`` when it is a string with something in it; None otherwise."""
    return value if isinstance(value, str) and value.strip() else None


def _from_config(config: Any) -> Tuple[Dict[str, str], List[str]]:
    """``command`` and ``vllm_version`` out of a live ``config``, and what is left over."""
    if config is None:
        return {}, []
    if not isinstance(config, Mapping):
        return {}, [f"the live `config` is not a mapping (a {type(config).__name__}); the spec cannot"
                    " declare it, so plan leaves it as it is (not managed)"]
    command = _text(config.get("command"))
    if command is None:
        keys = ", ".join(f"`{key}`" for key in config) or "no keys"
        return {}, [f"the live `config` ({keys}) has no usable `command`; a spec declares config"
                    " only through `command`, so plan leaves it as it is (not managed)"]
    fields = {"command": command}
    version = _text(config.get("vllm_version"))
    notes: List[str] = []
    if version is not None:
        fields["vllm_version"] = version
    elif "vllm_version" in config:
        notes.append("the live `config.vllm_version` is not a version string;"
                     " apply will remove it from `config`")
    extra = [key for key in config if key not in CONFIG_FIELDS]
    if extra:
        names = ", ".join(f"`{key}`" for key in extra)
        notes.append(f"the live `config` also holds {names}, which the spec has no field for;"
                     " apply will remove them (plan shows `config` drift)")
    return fields, notes


def _copy(live: LiveWorkload, pairs: Tuple[Tuple[str, str], ...], into: Dict[str, Any]) -> None:
    for spec_name, wire_name in pairs:
        value = live.value(wire_name)
        if value is not None:
            into[spec_name] = value


def live_to_spec(live: LiveWorkload, project: Optional[str]) -> ImportedSpec:
    """The spec fields for ``live`` (``project`` first when given), with notes on drift."""
    fields: Dict[str, Any] = {} if project is None else {"project": project}
    notes: List[str] = []
    complete = True
    for spec_name, wire_name in REQUIRED_FIELDS:
        value = _text(live.value(wire_name))
        if value is not None:
            fields[spec_name] = value
        else:
            complete = False
            shown = "blank" if isinstance(value, str) else ("missing" if value is None else f"a {type(value).__name__}")
            notes.append(f"the live `{wire_name}` is {shown}; a spec needs a non-blank string, fill it in")
    if live.task_type != DEFAULT_TASK_TYPE:
        fields["task_type"] = live.task_type
    _copy(live, OPTIONAL_FIELDS, fields)
    config_fields, config_notes = _from_config(live.config)
    fields.update(config_fields)
    notes.extend(config_notes)
    ordered = dict(sorted(fields.items(), key=lambda item: FILE_ORDER.index(item[0])))
    credential_in = next((name for name, value in ordered.items() if _holds_credential(value)), None)
    return ImportedSpec(live.slug, ordered, notes, complete, credential_in)


def _holds_credential(value: Any) -> bool:
    """A token anywhere in ``value`` (keys included), by the validator's own secret rules."""
    if isinstance(value, str):
        return starts_with_forbidden_prefix(value) or bool(TOKEN_PATTERN.search(value))
    if isinstance(value, Mapping):
        return any(_holds_credential(key) or _holds_credential(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_credential(item) for item in value)
    return False

