"""The runtime model of a declared workload.

Field names are exactly the official SDK's ``WorkloadSpec`` (plus ``on_drift``),
so a spec file maps one-to-one onto ``inferencekey.WorkloadSpec(**fields)``.
The JSON Schema in ``schemas/`` is the published contract; this model must accept
and refuse the same documents (a test holds the two together).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from inferencekey_ensure.domain.secrets import starts_with_forbidden_prefix
from inferencekey_ensure.domain.vocabulary import (  # noqa: F401  (re-exported: the model's vocabulary)
    COMMAND_UNSUPPORTED_BACKENDS,
    DEFAULT_ON_DRIFT,
    DEFAULT_TASK_TYPE,
    EXECUTION_POLICIES,
    NATIVE_BACKENDS,
    ON_DRIFT_VALUES,
    TASK_TYPES,
    VLLM_BACKENDS,
)

_CUSTOM_BACKEND = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NON_BLANK = re.compile(r"\S")
_SLUG_CHARACTER = re.compile(r"[A-Za-z0-9]")
_REFUSED_POLICY_KEYS = {"min_replicas": "min_workers", "max_replicas": "max_workers"}


class WorkloadSpec(BaseModel):
    """One workload as declared in a spec file (already schema-valid)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str
    slug: str
    model: str
    backend: str
    project: Optional[str] = None
    description: Optional[str] = None
    command: Optional[str] = None
    vllm_version: Optional[str] = None
    task_type: Optional[str] = None
    config: Optional[Dict[str, Any]] = None
    execution_policy: Optional[str] = None
    execution_policy_config: Optional[Dict[str, Any]] = None
    worker_id: Optional[str] = None
    gpu_resource_id: Optional[str] = None
    on_drift: Optional[str] = None

    @model_validator(mode="before")
    @classmethod
    def _no_nulls_no_credentials(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None:
                    raise ValueError(f"{key} must not be null: leave the field out instead")
            if _holds_credential(data):
                raise ValueError("a string starts with a credential prefix (ik_live_/ik_sdk_); secrets never go in specs")
        return data

    @field_validator("name", "model", "project", "command", "vllm_version", "worker_id", "gpu_resource_id")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not _NON_BLANK.search(value):
            raise ValueError("must not be blank")
        return value

    @field_validator("slug")
    @classmethod
    def _slug_survives_canonicalisation(cls, value: str) -> str:
        if not _SLUG_CHARACTER.search(value):
            raise ValueError("canonicalises to an empty slug: it needs at least one ASCII letter or digit")
        return value

    @field_validator("backend")
    @classmethod
    def _native_or_custom_backend(cls, value: str) -> str:
        if value not in NATIVE_BACKENDS and not _CUSTOM_BACKEND.match(value):
            raise ValueError("is neither a native backend nor a custom backend slug")
        return value

    @field_validator("task_type", "execution_policy", "on_drift")
    @classmethod
    def _one_of_the_platform_words(cls, value: str, info: Any) -> str:
        allowed = {"task_type": TASK_TYPES, "execution_policy": EXECUTION_POLICIES, "on_drift": ON_DRIFT_VALUES}
        if value not in allowed[info.field_name]:
            raise ValueError(f"must be one of {', '.join(allowed[info.field_name])}")
        return value

    @model_validator(mode="after")
    def _policy_config_fits_policy(self) -> "WorkloadSpec":
        if self.execution_policy_config is not None:
            problems = policy_config_problems(self.execution_policy, self.execution_policy_config)
            if problems:
                raise ValueError("execution_policy_config: " + "; ".join(problems))
        return self

    def sdk_fields(self) -> Dict[str, Any]:
        """The fields ``inferencekey.WorkloadSpec(**fields)`` takes (no ``on_drift``), unset omitted."""
        return self.model_dump(exclude_none=True, exclude={"on_drift"})


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
        return self.spec.project or self.file_project or fallback or None


def _holds_credential(value: Any) -> bool:
    """Whether any string or key, at any depth, starts with a credential prefix."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if starts_with_forbidden_prefix(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _is_integer(value: Any, minimum: int) -> bool:
    """JSON's integer: ``2`` and ``2.0`` are, ``true`` is not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return float(value).is_integer() and value >= minimum


def _is_positive_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _is_non_blank(value: Any) -> bool:
    return isinstance(value, str) and bool(_NON_BLANK.search(value))


def _is_name_list(value: Any, allow_empty: bool = False) -> bool:
    return isinstance(value, list) and (allow_empty or bool(value)) and all(_is_non_blank(item) for item in value)


def _bad_keys(config: Dict[str, Any], checks: Dict[str, Any]) -> List[str]:
    return [f"{key} is invalid" for key, check in checks.items() if key in config and not check(config[key])]


def _cloud_pool_problems(pool: Any) -> List[str]:
    if not isinstance(pool, dict):
        return ["workers.cloud_pool must be a mapping"]
    problems = [] if "gpu_pool" in pool else ["workers.cloud_pool needs gpu_pool"]
    return problems + _bad_keys(
        pool,
        {
            "gpu_pool": _is_name_list,
            "max_hourly_cost_usd": _is_positive_number,
            "max_instances": lambda v: _is_integer(v, 1),
            "allowed_cuda_versions": lambda v: _is_name_list(v, allow_empty=True),
        },
    )


def _workers_problems(config: Dict[str, Any]) -> List[str]:
    workers = config["workers"]
    if not isinstance(workers, dict):
        return ["workers must be a mapping"]
    source = workers.get("source")
    problems = [] if source in ("cloud", "private") else ["workers.source must be cloud or private"]
    if "cloud_pool" in workers:
        problems += _cloud_pool_problems(workers["cloud_pool"])
    if "private_worker_ids" in workers and not _is_name_list(workers["private_worker_ids"]):
        problems.append("workers.private_worker_ids must be a non-empty list of IDs")
    if source == "cloud":
        problems += [] if "cloud_pool" in workers else ["cloud workers need workers.cloud_pool"]
        problems += [] if "max_hourly_cost_usd" in config else ["cloud workers need max_hourly_cost_usd"]
    if source == "private" and "private_worker_ids" not in workers:
        problems.append("private workers need workers.private_worker_ids")
    return problems


def policy_config_problems(policy: Optional[str], config: Dict[str, Any]) -> List[str]:
    """What is wrong with ``config`` for ``policy``; keys not listed here pass through.

    The same shapes as the JSON Schema's per-policy definitions (a test holds the
    two together): the platform validates these keys and may accept others.
    """
    problems = [f"{key} is refused: use {better}" for key, better in _REFUSED_POLICY_KEYS.items() if key in config]
    if policy == "fixed":
        problems += [] if "replicas" in config else ["fixed needs replicas"]
        problems += _bad_keys(config, {"replicas": lambda v: _is_integer(v, 1)})
    elif policy == "scheduled":
        problems += [] if ("cron" in config or "window" in config) else ["scheduled needs cron or window"]
        problems += _bad_keys(config, {"cron": _is_non_blank, "window": _is_non_blank})
    elif policy == "autoscaling":
        problems += _bad_keys(
            config,
            {
                "min_workers": lambda v: _is_integer(v, 0),
                "max_workers": lambda v: _is_integer(v, 1),
                "max_hourly_cost_usd": _is_positive_number,
            },
        )
        if "workers" in config:
            problems += _workers_problems(config)
    return problems
