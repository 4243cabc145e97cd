"""Builders shared by the engine tests: specs, declared workloads, live workloads."""

from __future__ import annotations

from typing import Any, Callable, Dict

import pytest

from inferencekey_ensure.domain.spec import DeclaredWorkload, SourceLocation, WorkloadSpec
from inferencekey_ensure.domain.wire import LiveWorkload, normalise_live
from inferencekey_ensure.plan.model import Target

BASE_SPEC: Dict[str, Any] = {
    "name": "Support bot",
    "slug": "support-bot",
    "model": "meta-llama/Llama-3.1-8B-Instruct",
    "backend": "vllm",
}


def make_spec(**fields: Any) -> WorkloadSpec:
    return WorkloadSpec(**{**BASE_SPEC, **fields})


def make_live(**fields: Any) -> LiveWorkload:
    """A live workload that matches ``BASE_SPEC`` exactly unless overridden."""
    item = {
        "id": "w-1",
        "project_id": "p-1",
        "name": BASE_SPEC["name"],
        "slug": BASE_SPEC["slug"],
        "task_type": "text2text",
        "backend": BASE_SPEC["backend"],
        "model_name": BASE_SPEC["model"],
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-01T00:00:00Z",
    }
    item.update(fields)
    return normalise_live({key: value for key, value in item.items() if value is not None})


def make_target(project: str = "acme", line: int = 1, **fields: Any) -> Target:
    declared = DeclaredWorkload(make_spec(**fields), SourceLocation("inferencekey/app.yaml", line, 3))
    return Target(declared, project)


@pytest.fixture
def spec() -> Callable[..., WorkloadSpec]:
    return make_spec


@pytest.fixture
def live() -> Callable[..., LiveWorkload]:
    return make_live


@pytest.fixture
def target() -> Callable[..., Target]:
    return make_target
