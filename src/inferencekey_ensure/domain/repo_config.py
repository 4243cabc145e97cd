"""The repository config (``.ik-ensure.yaml``) as typed values: a default project and a policy.

The file's schema (``schemas/ik-ensure-config.schema.json``) has checked every value before
one of these is built; rules a config does not set are None (not enforced).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, FrozenSet, Mapping, Optional, Tuple

CONFIG_FILE = ".ik-ensure.yaml"
# The config key a run's default project comes from, as messages name it.
PROJECT_KEY = "project"

# Every policy rule's key, in the order they are checked and documented.
RULES = (
    "allowed_backends",
    "allowed_models",
    "allowed_gpus",
    "max_workload_hourly_usd",
    "max_project_hourly_usd",
    "require_fields",
    "forbid_uncapped",
)


POLICY_PREFIX = "policy/"


def rule_id(rule: str) -> str:
    """``allowed_models`` -> ``policy/allowed_models``: the id problems and SARIF carry."""
    return POLICY_PREFIX + rule


def is_policy_rule(rule: str) -> bool:
    return rule.startswith(POLICY_PREFIX)


@dataclass(frozen=True)
class Policy:
    allowed_backends: Optional[Tuple[str, ...]] = None
    allowed_models: Optional[Tuple[str, ...]] = None
    allowed_gpus: Optional[Tuple[str, ...]] = None
    max_workload_hourly_usd: Optional[float] = None
    max_project_hourly_usd: Optional[float] = None
    require_fields: Tuple[str, ...] = ()
    forbid_uncapped: bool = False
    advisory: FrozenSet[str] = field(default_factory=frozenset)

    def is_advisory(self, rule: str) -> bool:
        return rule in self.advisory


@dataclass(frozen=True)
class RepoConfig:
    """``path`` is where the config was read from, as problems show it (None: no file)."""

    project: Optional[str] = None
    policy: Policy = field(default_factory=Policy)
    path: Optional[str] = None


def _names(value: Any) -> Optional[Tuple[str, ...]]:
    return tuple(str(item) for item in value) if isinstance(value, list) else None


def _usd(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def config_from(values: Mapping[str, Any], path: Optional[str]) -> RepoConfig:
    """The typed config of a schema-valid file's values."""
    policy = values.get("policy")
    policy = policy if isinstance(policy, Mapping) else {}
    project = values.get(PROJECT_KEY)
    return RepoConfig(
        project=project.strip() if isinstance(project, str) and project.strip() else None,
        policy=Policy(
            allowed_backends=_names(policy.get("allowed_backends")),
            allowed_models=_names(policy.get("allowed_models")),
            allowed_gpus=_names(policy.get("allowed_gpus")),
            max_workload_hourly_usd=_usd(policy.get("max_workload_hourly_usd")),
            max_project_hourly_usd=_usd(policy.get("max_project_hourly_usd")),
            require_fields=_names(policy.get("require_fields")) or (),
            forbid_uncapped=policy.get("forbid_uncapped") is True,
            advisory=frozenset(_names(policy.get("advisory")) or ()),
        ),
        path=path,
    )
