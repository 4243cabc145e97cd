"""Drift between a spec and its live workload, by the official SDK's rules.

The SDK decides drift client-side; ``apply`` must PATCH exactly what ``ensure()``
would, so the fields, their order and the comparisons here are the SDK's,
observed on 0.260725.739:

* compared in order: name, backend, model_name, description, config, worker_id,
  gpu_resource_id, execution_policy, execution_policy_config;
* the optional ones only when the spec declares them (``config`` when it declares
  ``command``); a missing live value counts as null;
* values compare as JSON values: key order is irrelevant, list order is not, and
  ``1``, ``1.0`` and ``true`` are three different values;
* a declared ``execution_policy_config`` is carried whenever the policy kind
  changes, even if it equals the live one, because the platform validates the
  new kind against the config it holds.

``task_type`` is not part of drift (it cannot be patched); ``replacement_diff``
reports it separately so a changed modality is never silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import LiveWorkload, built_config, desired_task_type


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
    return spec.execution_policy is not None and spec.execution_policy != live.execution_policy


def _declared_targets(spec: WorkloadSpec, live: LiveWorkload) -> List[Tuple[str, Any, bool]]:
    """(field, desired, carried even when equal) for each field the SDK compares."""
    targets: List[Tuple[str, Any, bool]] = [
        ("name", spec.name, False),
        ("backend", spec.backend, False),
        ("model_name", spec.model, False),
    ]
    optional = [
        ("description", spec.description, False),
        ("config", built_config(spec), False),
        ("worker_id", spec.worker_id, False),
        ("gpu_resource_id", spec.gpu_resource_id, False),
        ("execution_policy", spec.execution_policy, False),
        ("execution_policy_config", spec.execution_policy_config, _kind_changes(spec, live)),
    ]
    targets.extend(target for target in optional if target[1] is not None)
    return targets


def compute_drift(spec: WorkloadSpec, live: LiveWorkload) -> List[FieldDiff]:
    """The drifted fields, in the SDK's order; empty means ``ensure()`` sends nothing."""
    diffs = []
    for field_name, desired, carried in _declared_targets(spec, live):
        current = live.value(field_name)
        if carried or not same_json(current, desired):
            diffs.append(FieldDiff(field_name, current, desired))
    return diffs


def patch_fields(diffs: Sequence[FieldDiff]) -> Dict[str, Any]:
    """The PATCH body: only the drifted fields, each with its desired value."""
    return {diff.field: diff.desired for diff in diffs}


def replacement_diff(spec: WorkloadSpec, live: LiveWorkload) -> Optional[FieldDiff]:
    """The ``task_type`` change that needs a delete and re-create, if any."""
    desired = desired_task_type(spec)
    if live.task_type == desired:
        return None
    return FieldDiff("task_type", live.task_type, desired)


def kind_switch_without_config(spec: WorkloadSpec, live: LiveWorkload) -> bool:
    """A kind switch the SDK sends bare: the platform will judge it by the config it holds."""
    return (
        _kind_changes(spec, live)
        and spec.execution_policy_config is None
        and live.execution_policy_config is not None
    )
