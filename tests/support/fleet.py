"""A fleet with known spend ceilings, live and declared, shared by the spend tests of the CLI and the action.

Live (project acme): ``chat`` cloud autoscaling capped at $6/h, ``batch`` on a private worker ($0),
``legacy`` fixed (uncapped, declared by no spec). The specs raise ``chat`` to $8/h, keep ``batch``
and add ``embed`` at $10/h: $6.00/h -> $18.00/h, +$12.00/h, about +$8,760 a month at 730 h, with
``acme/legacy`` uncapped before and after.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from inferencekey_ensure.emulator import EmulatorServer

from .engine import write_specs


def _autoscaling(cap: float) -> Dict[str, Any]:
    return {"execution_policy": "autoscaling",
            "execution_policy_config": {"min_workers": 0, "max_workers": 2, "max_hourly_cost_usd": cap}}


CHAT = {"name": "Chat", "slug": "chat", "model": "Qwen/Qwen2.5-7B-Instruct", "backend": "vllm"}
BATCH = {"name": "Batch", "slug": "batch", "model": "Qwen/Qwen2.5-7B-Instruct", "backend": "vllm", "worker_id": "wk-1"}
EMBED = {"name": "Embed", "slug": "embed", "model": "BAAI/bge-m3", "backend": "vllm", "task_type": "embedding"}
LEGACY = {"name": "Legacy", "slug": "legacy", "task_type": "text2text", "backend": "vllm",
          "model_name": "Qwen/Qwen2.5-7B-Instruct", "execution_policy": "fixed",
          "execution_policy_config": {"replicas": 1}}

HEADLINE = "Spend ceiling: $6.00/h -> $18.00/h (+$12.00/h, about +$8,760 a month at 730 h)"


def _wire(spec: Dict[str, Any]) -> Dict[str, Any]:
    wire = {key: value for key, value in spec.items() if key != "model"}
    return {**wire, "model_name": spec["model"], "task_type": spec.get("task_type", "text2text")}


def seed_fleet(server: EmulatorServer) -> None:
    server.seed("acme", _wire({**CHAT, **_autoscaling(6)}))
    server.seed("acme", _wire(BATCH))
    server.seed("acme", LEGACY)


def write_fleet_specs(folder: Path) -> Path:
    """The specs of the fleet after the change, in ``folder/inferencekey/``."""
    specs = folder / "inferencekey"
    specs.mkdir(parents=True, exist_ok=True)
    return write_specs(specs, [{**CHAT, **_autoscaling(8)}, BATCH, {**EMBED, **_autoscaling(10)}])
