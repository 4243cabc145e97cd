"""Drift between a spec and its live workload, by the official SDK's rules.

The SDK decides drift client-side; ``apply`` must PATCH exactly what ``ensure()``
would. Which fields are compared, when, and in what order is the field table's
(``fields``): a row compared ``always`` or, ``when declared``, only when the spec
declares it (``config`` when it declares ``command``); a missing live value counts
as null. Further rules, observed on 0.260725.739:

* values compare as JSON values: key order is irrelevant, list order is not, and
  ``1``, ``1.0`` and ``true`` are three different values;
* a declared ``execution_policy_config`` is carried whenever the policy kind
  changes, even if it equals the live one, because the platform validates the
  new kind against the config it holds.

A compared field that cannot be patched (``task_type``, compared only when the
spec declares it, like the SDK never when it does not) is not drift:
``replacement_diff`` reports it so a changed modality is never silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Container, Dict, List, Optional, Sequence, Tuple

from inferencekey_ensure.domain.fields import BY_WIRE, FIELD_ALWAYS, FIELD_NEVER, FIELDS, SpecField
from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import LiveWorkload, create_body


@dataclass(frozen=True)
class FieldDiff:
    """One drifted field: its wire name, the live value, the value the spec wants."""

    field: str
    live: Any
    desired: Any


def same_json(left: Any, right: Any) -> bool:
    """JSON-value equality: Python's ``1 == 1.0 == True`` would hide real drift."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same_json(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_json, left, right))
    return bool(left == right)


def _kind_changes(spec: WorkloadSpec, live: LiveWorkload) -> bool:
    return spec.execution_policy is not None and spec.execution_policy != live.value("execution_policy")


def _compared_rows(spec: WorkloadSpec, patchable: bool) -> List[SpecField]:
    return [
        row for row in FIELDS
        if row.compared != FIELD_NEVER and row.patchable == patchable
        and (row.compared == FIELD_ALWAYS or row.spec_name in spec.declared)
    ]


def _targets(spec: WorkloadSpec, live: LiveWorkload, patchable: bool) -> List[Tuple[str, Any, bool]]:
    """(wire field, desired, carried even when equal) for each field the SDK compares."""
    body = create_body(spec)
    carried = {"execution_policy_config": _kind_changes(spec, live)}
    fields = [row.wire_field for row in _compared_rows(spec, patchable)]
    return [(name, body.get(name), carried.get(name, False)) for name in fields if name is not None]


def compute_drift(spec: WorkloadSpec, live: LiveWorkload) -> List[FieldDiff]:
    """The drifted fields, in the SDK's order; empty means ``ensure()`` sends nothing."""
    diffs = []
    for field_name, desired, carried in _targets(spec, live, patchable=True):
        current = live.value(field_name)
        if carried or not same_json(current, desired):
            diffs.append(FieldDiff(field_name, current, desired))
    return diffs


def patch_fields(diffs: Sequence[FieldDiff]) -> Dict[str, Any]:
    """The PATCH body: only the drifted fields, each with its desired value."""
    return {diff.field: diff.desired for diff in diffs}


def replacement_diff(spec: WorkloadSpec, live: LiveWorkload) -> Optional[FieldDiff]:
    """A declared change no PATCH can make (``task_type``): it needs a delete and re-create."""
    for field_name, desired, _ in _targets(spec, live, patchable=False):
        current = live.value(field_name)
        if not same_json(current, desired):
            return FieldDiff(field_name, current, desired)
    return None


def kind_switch_without_config(spec: WorkloadSpec, live: LiveWorkload) -> bool:
    """A kind switch the SDK sends bare: the platform will judge it by the config it holds."""
    return (
        _kind_changes(spec, live)
        and spec.execution_policy_config is None
        and live.value("execution_policy_config") is not None
    )


# The spec's field whose keys a changed mapping is shown by, one key a line.
_KEYED = ("execution_policy_config",)


def _unfolded(diff: FieldDiff) -> List[FieldDiff]:
    """``config`` (wire) as the spec's ``command`` and ``vllm_version``, each only when it differs."""
    rows = [row for row in FIELDS if row.wire is not None and row.wire.startswith(f"{diff.field}.")]
    live = diff.live if isinstance(diff.live, dict) else {}
    desired = diff.desired if isinstance(diff.desired, dict) else {}
    parts = []
    for row in rows:
        key = row.wire.split(".", 1)[1] if row.wire else ""
        if (key in live or key in desired) and not same_json(live.get(key), desired.get(key)):
            parts.append(FieldDiff(row.spec_name, live.get(key), desired.get(key)))
    # Keys the table does not know (a live config the platform filled in) keep the whole value.
    known = {row.wire.split(".", 1)[1] for row in rows if row.wire}
    if parts and set(live) | set(desired) <= known:
        return parts
    return [diff]


def _by_key(diff: FieldDiff) -> List[FieldDiff]:
    """A changed mapping as the keys that changed (``execution_policy_config.max_workers``)."""
    if not (isinstance(diff.live, dict) and isinstance(diff.desired, dict)):
        return [diff]
    keys = list(dict.fromkeys([*diff.live, *diff.desired]))
    changed = [FieldDiff(f"{diff.field}.{key}", diff.live.get(key), diff.desired.get(key))
               for key in keys if not same_json(diff.live.get(key), diff.desired.get(key))]
    # Carried unchanged (the policy kind changed): the whole value says what is sent.
    return changed or [diff]


def in_spec_words(diffs: Sequence[FieldDiff], declared: Container[str]) -> List[FieldDiff]:
    """The diffs named as the spec names its fields, for people; the plan JSON keeps the wire's.

    ``model_name`` reads ``model``; ``config`` unfolds into ``command`` and
    ``vllm_version``; a policy config shows its changed keys. A field the spec left to
    its default (a create's ``task_type: text2text``) is left out: the spec never said it.
    """
    worded: List[FieldDiff] = []
    for diff in diffs:
        row = BY_WIRE.get(diff.field)
        if row is not None:
            if row.default is not None and row.spec_name not in declared:
                continue
            worded.extend(_by_key(diff) if row.spec_name in _KEYED else [FieldDiff(row.spec_name, diff.live, diff.desired)])
        else:
            worded.extend(_unfolded(diff))
    return worded
