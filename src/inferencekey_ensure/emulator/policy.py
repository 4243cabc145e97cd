"""Does an ``execution_policy_config`` fit its ``execution_policy`` kind?

The platform validates a workload's kind against the config it holds, so a PATCH
that switches the kind without carrying a fitting config is refused. That refusal
is why the SDK sends the config on every kind switch; the emulator enforces it so
a client that forgets is caught.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

KIND_KEYS: Dict[str, Tuple[str, ...]] = {
    "fixed": ("replicas",),
    "scheduled": ("cron", "window"),
    "autoscaling": ("min_workers", "max_workers", "max_hourly_cost_usd", "workers"),
}
# Names people reach for that the platform does not know.
MISNAMED_KEYS = {"min_replicas": "min_workers", "max_replicas": "max_workers"}


def policy_config_problem(kind: str, config: Mapping[str, Any]) -> Optional[str]:
    """Why ``config`` does not fit ``kind`` (None when it fits).

    Keys the platform does not validate are allowed; keys that belong to another
    kind, and known keys of the wrong type or range, are not.
    """
    prefix = f"execution_policy_config does not fit execution_policy {kind!r}"
    for key in config:
        owner = _owning_kind(key)
        if owner is not None and owner != kind:
            return f"{prefix}: {key!r} belongs to {owner!r}"
        if key in MISNAMED_KEYS:
            return f"{prefix}: unknown key {key!r} (did you mean {MISNAMED_KEYS[key]!r}?)"
    problems = _KIND_RULES[kind](config)
    return f"{prefix}: {problems[0]}" if problems else None


def _owning_kind(key: str) -> Optional[str]:
    for kind, keys in KIND_KEYS.items():
        if key in keys:
            return kind
    return None


def _is_int(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _is_positive_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _is_non_empty_string(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _is_string_list(value: Any, non_empty: bool) -> bool:
    return (
        isinstance(value, list)
        and (bool(value) or not non_empty)
        and all(_is_non_empty_string(item) for item in value)
    )


def _fixed_problems(config: Mapping[str, Any]) -> List[str]:
    if "replicas" in config and not _is_int(config["replicas"], 1):
        return ["'replicas' must be a whole number >= 1"]
    return []


def _scheduled_problems(config: Mapping[str, Any]) -> List[str]:
    present = [key for key in ("cron", "window") if key in config]
    if not present:
        return ["needs 'cron' or 'window'"]
    return [f"{key!r} must be a non-empty string" for key in present if not _is_non_empty_string(config[key])]


def _autoscaling_problems(config: Mapping[str, Any]) -> List[str]:
    problems = []
    if "min_workers" in config and not _is_int(config["min_workers"], 0):
        problems.append("'min_workers' must be a whole number >= 0")
    if "max_workers" in config and not _is_int(config["max_workers"], 1):
        problems.append("'max_workers' must be a whole number >= 1")
    if not problems and "min_workers" in config and "max_workers" in config:
        if config["min_workers"] > config["max_workers"]:
            problems.append("'min_workers' must not exceed 'max_workers'")
    if "max_hourly_cost_usd" in config and not _is_positive_number(config["max_hourly_cost_usd"]):
        problems.append("'max_hourly_cost_usd' must be a number > 0")
    if "workers" in config:
        problems.extend(_workers_problems(config["workers"], "max_hourly_cost_usd" in config))
    return problems


def _workers_problems(workers: Any, has_cost_cap: bool) -> List[str]:
    if not isinstance(workers, dict):
        return ["'workers' must be an object"]
    source = workers.get("source")
    if source == "private":
        if not _is_string_list(workers.get("private_worker_ids"), non_empty=True):
            return ["private workers need 'private_worker_ids', a non-empty list of ids"]
        return []
    if source != "cloud":
        return ["'workers.source' must be 'cloud' or 'private'"]
    problems = []
    if not has_cost_cap:
        problems.append("cloud workers need 'max_hourly_cost_usd'")
    pool = workers.get("cloud_pool")
    if not isinstance(pool, dict) or not _is_string_list(pool.get("gpu_pool"), non_empty=True):
        problems.append("cloud workers need 'cloud_pool.gpu_pool', a non-empty list of GPU names")
        return problems
    if "max_instances" in pool and not _is_int(pool["max_instances"], 1):
        problems.append("'cloud_pool.max_instances' must be a whole number >= 1")
    if "max_hourly_cost_usd" in pool and not _is_positive_number(pool["max_hourly_cost_usd"]):
        problems.append("'cloud_pool.max_hourly_cost_usd' must be a number > 0")
    return problems


_KIND_RULES: Dict[str, Callable[[Mapping[str, Any]], List[str]]] = {
    "fixed": _fixed_problems,
    "scheduled": _scheduled_problems,
    "autoscaling": _autoscaling_problems,
}
