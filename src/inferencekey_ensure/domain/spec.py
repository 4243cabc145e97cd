"""The runtime model of a declared workload.

Field names are exactly the official SDK's ``WorkloadSpec`` (plus ``on_drift``),
so a spec file maps one-to-one onto ``inferencekey.WorkloadSpec(**fields)``.
The JSON Schema in ``schemas/`` is the published contract; this model must accept
and refuse the same documents (a test holds the two together).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from pydantic import BaseModel, ConfigDict

NATIVE_BACKENDS = ("ollama", "vllm", "vllm-omni", "sglang", "llamacpp", "stablediffusioncpp")
TASK_TYPES = (
    "text2text",
    "embedding",
    "text2image",
    "text2video",
    "text2audio",
    "image2image",
    "image2video",
    "audio2text",
    "omni",
    "reranker",
    "classification",
    "reward",
    "forecast",
)
DEFAULT_TASK_TYPE = "text2text"
EXECUTION_POLICIES = ("fixed", "scheduled", "autoscaling")
ON_DRIFT_VALUES = ("reconcile", "fail", "dry_run", "warn", "ignore")
DEFAULT_ON_DRIFT = "reconcile"
VLLM_BACKENDS = ("vllm", "vllm-omni")
COMMAND_UNSUPPORTED_BACKENDS = ("ollama", "sglang")


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
