"""The Manager's rules about a workload that the JSON Schema cannot say.

One home for every cross-field refusal, called by the validator (each finding is
placed at its node in the file) and by the emulator (the first error is its 400),
so ``plan --local`` refuses exactly what ``validate`` refuses. The rules are the
official docs' (backends-and-policies reference, the workloads guide) and the
Manager's behaviour noted in the control-plane reference:

* autoscaling runs on cloud GPUs unless ``workers.source`` says ``private``, and
  cloud autoscaling needs ``max_hourly_cost_usd`` > 0, so autoscaling with no
  config at all is refused;
* private autoscaling needs ``private_worker_ids`` and takes no cost cap;
* cloud workers need a ``cloud_pool``; the legacy flat ``gpu_pool`` cannot carry
  ``allowed_cuda_versions``;
* ``max_workers`` is not below ``min_workers``;
* a config key of another policy kind does not fit the declared kind.

Fields are read by name; the policy fields are named alike in a spec and on the
wire, so a spec mapping and a create body are both valid input. Values the schema
checks (types, bounds) are taken as checked: a rule skips what it cannot read.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple, Union

ERROR = "error"
WARNING = "warning"

PathPart = Union[str, int]
POLICY_CONFIG = "execution_policy_config"

SMALLEST_CLOUD = "`execution_policy_config: {max_hourly_cost_usd: 5.0}` (any cap above 0, in USD per hour)"
SMALLEST_PRIVATE = "`execution_policy_config: {workers: {source: private, private_worker_ids: [<worker id>]}}`"


class RuleFinding:
    """One broken rule, at a path inside the workload (``("execution_policy",)``).

    A plain slotted class, not a dataclass: the validator imports this module on
    every commit, and a dataclass costs a millisecond to define.
    """

    __slots__ = ("message", "other_kind", "path", "rule", "severity")

    def __init__(
        self,
        path: Tuple[PathPart, ...],
        message: str,
        rule: str = "policy",
        severity: str = ERROR,
        other_kind: Optional[str] = None,
    ) -> None:
        self.path = path
        self.message = message
        self.rule = rule
        self.severity = severity
        # Set when the finding is a config key that belongs to this other policy kind.
        self.other_kind = other_kind

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __repr__(self) -> str:
        return f"RuleFinding({self.path!r}, {self.message!r}, {self.rule!r}, {self.severity!r})"


def _count(value: Any) -> Optional[float]:
    """``value`` when it is a number (a bool is not one), else None."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _autoscaling_findings(config: Mapping[str, Any]) -> List[RuleFinding]:
    workers = config.get("workers")
    placement: Mapping[str, Any] = workers if isinstance(workers, dict) else {}
    source = placement.get("source")
    found: List[RuleFinding] = []
    if source == "private":
        if "max_hourly_cost_usd" in config:
            found.append(RuleFinding(
                (POLICY_CONFIG, "max_hourly_cost_usd"),
                "private autoscaling runs on your own workers and takes no cost cap; remove max_hourly_cost_usd"
                f" (the smallest private config: {SMALLEST_PRIVATE})",
            ))
        if "private_worker_ids" not in placement:
            found.append(RuleFinding(
                (POLICY_CONFIG, "workers"),
                "private workers need `private_worker_ids`, the workers to scale across, e.g. "
                "`workers: {source: private, private_worker_ids: [<worker id>]}`",
            ))
        return found
    if isinstance(workers, dict) and source is None:
        return found  # the schema reports the missing source
    if "max_hourly_cost_usd" not in config:
        where = "`workers.source: cloud`" if source == "cloud" else "no `workers` (cloud is the default placement)"
        found.append(RuleFinding(
            (POLICY_CONFIG,),
            f"cloud autoscaling ({where}) needs max_hourly_cost_usd above 0, or the Manager refuses it; "
            f"add `max_hourly_cost_usd: 5.0` here (the smallest cloud config: {SMALLEST_CLOUD}), "
            f"or run on your own workers: {SMALLEST_PRIVATE}",
        ))
    if source == "cloud" and "cloud_pool" not in placement:
        found.append(RuleFinding(
            (POLICY_CONFIG, "workers"),
            "cloud workers need a `cloud_pool` naming the GPUs to rent, e.g. "
            "`workers: {source: cloud, cloud_pool: {gpu_pool: [NVIDIA L4]}}`",
        ))
    if "gpu_pool" in config and "allowed_cuda_versions" in config:
        found.append(RuleFinding(
            (POLICY_CONFIG, "allowed_cuda_versions"),
            "the flat `gpu_pool` at the config's root is the legacy cloud form and cannot carry "
            "allowed_cuda_versions; move both into `workers: {source: cloud, cloud_pool: {gpu_pool: [...], "
            "allowed_cuda_versions: [...]}}`",
        ))
    low, high = _count(config.get("min_workers")), _count(config.get("max_workers"))
    if low is not None and high is not None and high < low:
        found.append(RuleFinding(
            (POLICY_CONFIG, "max_workers"), f"max_workers ({high}) is below min_workers ({low})"
        ))
    return found


def _foreign_keys(kind: str, config: Mapping[str, Any], policy_keys: Mapping[str, FrozenSet[str]]) -> List[RuleFinding]:
    own = policy_keys.get(kind, frozenset())
    found = []
    for key in config:
        if key in own:
            continue
        owner = next((other for other, keys in sorted(policy_keys.items()) if key in keys), None)
        if owner is not None:
            found.append(RuleFinding(
                (POLICY_CONFIG, key),
                f"'{key}' configures the '{owner}' policy, not '{kind}'; the platform refuses a config "
                "that does not fit its execution_policy",
                other_kind=owner,
            ))
    return found


def platform_findings(fields: Mapping[str, Any], policy_keys: Mapping[str, FrozenSet[str]]) -> List[RuleFinding]:
    """Every rule ``fields`` breaks; ``policy_keys``: each policy's config keys (see ``policy_keys_from_schema``)."""
    kind = fields.get("execution_policy")
    config = fields.get(POLICY_CONFIG)
    if not isinstance(kind, str) or kind not in policy_keys:
        return []
    if config is None:
        if kind == "autoscaling":
            return [RuleFinding(
                ("execution_policy",),
                "autoscaling with no execution_policy_config runs on cloud GPUs, and the Manager refuses "
                f"cloud autoscaling without a max_hourly_cost_usd above 0; the smallest config it accepts: "
                f"{SMALLEST_CLOUD}, or on your own workers {SMALLEST_PRIVATE}",
            )]
        return []
    if not isinstance(config, dict):
        return []
    found = _foreign_keys(kind, config, policy_keys)
    if kind == "autoscaling":
        found += _autoscaling_findings(config)
    return found


def policy_keys_from_schema(schema: Mapping[str, Any]) -> Dict[str, FrozenSet[str]]:
    """The config keys the schema lists for each policy (``fixedConfig`` for ``fixed``...)."""
    definitions = schema.get("$defs", {})
    common = frozenset(definitions.get("policyConfig", {}).get("properties", {}))
    return {
        name[: -len("Config")]: frozenset(definition.get("properties", {})) | common
        for name, definition in definitions.items()
        if name.endswith("Config") and name != "policyConfig"
    }
