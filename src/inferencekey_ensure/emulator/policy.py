"""Does an ``execution_policy_config`` fit its ``execution_policy`` kind?

The platform validates a workload's kind against the config it holds, so a PATCH
that switches the kind without carrying a fitting config is refused. That refusal
is why the SDK sends the config on every kind switch; the emulator enforces it so
a client that forgets is caught. The per-kind shapes are the spec model's own
rules; the emulator adds only that a key of another kind does not fit.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

from inferencekey_ensure.domain.spec import policy_config_problems

KIND_KEYS: Dict[str, Tuple[str, ...]] = {
    "fixed": ("replicas",),
    "scheduled": ("cron", "window"),
    "autoscaling": ("min_workers", "max_workers", "max_hourly_cost_usd", "workers"),
}


def policy_config_problem(kind: str, config: Mapping[str, Any]) -> Optional[str]:
    """Why ``config`` does not fit ``kind`` (None when it fits)."""
    prefix = f"execution_policy_config does not fit execution_policy {kind!r}"
    for key in config:
        owner = next((other for other, keys in KIND_KEYS.items() if key in keys), None)
        if owner is not None and owner != kind:
            return f"{prefix}: {key!r} belongs to {owner!r}"
    problems = policy_config_problems(kind, dict(config))
    return f"{prefix}: {problems[0]}" if problems else None
