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
from typing import Any, Dict, List, Optional, Sequence, Tuple

from inferencekey_ensure.domain.fields import FIELD_ALWAYS, FIELD_NEVER, FIELDS, SpecField
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
