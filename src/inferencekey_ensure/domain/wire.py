"""The spec as the control plane sees it, and the live workload as this tool reads it.

Both directions follow what the official SDK (0.260725.739) puts on and reads off
the wire, observed request by request, so ``apply`` and ``ensure()`` send the same
bodies:

* ``task_type`` is always sent (``text2text`` when the spec leaves it unset).
* ``config`` is built from ``command`` (+ ``vllm_version``) and is absent without a
  ``command``. The spec's own ``config`` mapping is accepted (the SDK's
  ``WorkloadSpec`` has the field) but the SDK neither sends nor compares it, so
  neither does this tool; a ``vllm_version`` without a ``command`` likewise never
  reaches the platform. ``unsent_fields`` names these so the plan can say so
  instead of dropping them silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.domain.spec import DEFAULT_TASK_TYPE, WorkloadSpec


def built_config(spec: WorkloadSpec) -> Optional[Dict[str, Any]]:
    """The ``config`` object the platform receives for ``spec`` (None: not sent)."""
    if spec.command is None:
        return None
    config: Dict[str, Any] = {"command": spec.command}
    if spec.vllm_version is not None:
        config["vllm_version"] = spec.vllm_version
    return config


def desired_task_type(spec: WorkloadSpec) -> str:
    return spec.task_type or DEFAULT_TASK_TYPE


def create_body(spec: WorkloadSpec) -> Dict[str, Any]:
    """The POST body; the slug is canonical so the platform never mints a ``-1`` copy."""
    optional_before = {"description": spec.description}
    optional_after = {
        "config": built_config(spec),
        "worker_id": spec.worker_id,
        "gpu_resource_id": spec.gpu_resource_id,
        "execution_policy": spec.execution_policy,
        "execution_policy_config": spec.execution_policy_config,
    }
    body: Dict[str, Any] = {"name": spec.name, "slug": canonical_slug(spec.slug)}
    body.update({key: value for key, value in optional_before.items() if value is not None})
    body["task_type"] = desired_task_type(spec)
    body["backend"] = spec.backend
    body["model_name"] = spec.model
    body.update({key: value for key, value in optional_after.items() if value is not None})
    return body


def unsent_fields(spec: WorkloadSpec) -> List[str]:
    """Declared fields the SDK's wire rules never send, each with the reason."""
    notes = []
    if spec.config is not None:
        notes.append(
            "`config` is not sent to the platform (as in the official SDK): the workload's"
            " config is built from `command` and `vllm_version`"
        )
    if spec.vllm_version is not None and spec.command is None:
        notes.append(
            "`vllm_version` is not sent to the platform without a `command`"
            " (as in the official SDK)"
        )
    return notes


class MalformedWorkload(ValueError):
    """A listed workload lacks what every platform workload has (an id and a slug)."""


@dataclass(frozen=True)
class LiveWorkload:
    """One workload as listed by the control plane, reduced to what drift reads.

    Absent optional fields are None, which is how the SDK counts them (a missing
    live ``config`` compares as null). A missing ``task_type`` is the platform's
    default, ``text2text``.
    """

    id: str
    slug: str
    name: Optional[str] = None
    backend: Optional[str] = None
    model_name: Optional[str] = None
    task_type: str = DEFAULT_TASK_TYPE
    description: Optional[str] = None
    config: Optional[Any] = None
    worker_id: Optional[str] = None
    gpu_resource_id: Optional[str] = None
    execution_policy: Optional[str] = None
    execution_policy_config: Optional[Any] = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def value(self, field_name: str) -> Any:
        """The live value of a compared field (its wire name)."""
        return getattr(self, field_name)


def normalise_live(item: Any) -> LiveWorkload:
    """Read one listed workload; raises ``MalformedWorkload`` on a shape no platform sends."""
    if not isinstance(item, Mapping):
        raise MalformedWorkload(f"a listed workload is not an object: {type(item).__name__}")
    workload_id, slug = item.get("id"), item.get("slug")
    if workload_id is None or not isinstance(slug, str):
        raise MalformedWorkload("a listed workload has no id or no slug")
    return LiveWorkload(
        id=str(workload_id),
        slug=slug,
        name=item.get("name"),
        backend=item.get("backend"),
        model_name=item.get("model_name"),
        task_type=item.get("task_type") or DEFAULT_TASK_TYPE,
        description=item.get("description"),
        config=item.get("config"),
        worker_id=item.get("worker_id"),
        gpu_resource_id=item.get("gpu_resource_id"),
        execution_policy=item.get("execution_policy"),
        execution_policy_config=item.get("execution_policy_config"),
        raw=dict(item),
    )
