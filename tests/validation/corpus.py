"""Spec documents with a known verdict, shared by the agreement and interop tests.

Workloads and file documents are checked by both schema checkers (this
project's and the jsonschema package).
Each invalid case names the JSON path the first problem must point at.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

BASE: Dict[str, Any] = {"name": "Chat", "slug": "chat", "model": "Qwen/Qwen2.5-7B-Instruct", "backend": "vllm"}


def workload(**fields: Any) -> Dict[str, Any]:
    """``BASE`` with ``fields`` set; a field given as ``...`` is removed."""
    out = dict(BASE)
    for key, value in fields.items():
        if value is ...:
            out.pop(key, None)
        else:
            out[key] = value
    return out


CLOUD = {"source": "cloud", "cloud_pool": {"gpu_pool": ["NVIDIA L4"], "max_instances": 2}}

VALID_WORKLOADS: List[Tuple[str, Dict[str, Any]]] = [
    ("minimal", workload()),
    ("every field", workload(
        project="demo", description="", command="vllm serve x", vllm_version="0.10.1", task_type="embedding",
        config={"nested": {"list": [1, "two", None, True]}}, execution_policy="fixed",
        execution_policy_config={"replicas": 1}, worker_id="wk_1", gpu_resource_id="gpu_1", on_drift="warn",
    )),
    ("custom backend slug", workload(backend="kokoro-tts-2")),
    ("slug with spaces and case", workload(slug="Support Bot (EU)")),
    ("every native backend", workload(backend="stablediffusioncpp")),
    ("vllm-omni", workload(backend="vllm-omni")),
    ("json integer written as float", workload(execution_policy="fixed", execution_policy_config={"replicas": 2.0})),
    ("scheduled by window", workload(execution_policy="scheduled", execution_policy_config={"window": "Mon-Fri 08-18"})),
    ("scheduled by cron with extra key", workload(execution_policy="scheduled", execution_policy_config={"cron": "0 8 * * 1-5", "timezone": "UTC"})),
    ("autoscaling without workers", workload(execution_policy="autoscaling", execution_policy_config={"min_workers": 0, "max_workers": 2})),
    ("autoscaling cloud", workload(execution_policy="autoscaling", execution_policy_config={"max_hourly_cost_usd": 3.5, "workers": CLOUD})),
    ("autoscaling private", workload(execution_policy="autoscaling",
                                     execution_policy_config={"workers": {"source": "private", "private_worker_ids": ["wk_1"]}})),
    ("config without a policy", workload(execution_policy_config={"anything": 1})),
    ("on_drift dry_run", workload(on_drift="dry_run")),
    ("credential-like text not at the start", workload(description="rotate keys that start with ik_sdk_ often")),
    ("schema hint", workload(**{"$schema": "../schemas/workload-spec.schema.json"})),
]

# (id, document, JSON path of the expected problem)
INVALID_WORKLOADS: List[Tuple[str, Dict[str, Any], str]] = [
    ("missing backend", workload(backend=...), "$"),
    ("misspelt field", workload(modle="x"), "$.modle"),
    ("provider is not a field", workload(provider="aws"), "$.provider"),
    ("min_vram_gb is not a field", workload(min_vram_gb=24), "$.min_vram_gb"),
    ("blank name", workload(name="   "), "$.name"),
    ("empty model", workload(model=""), "$.model"),
    ("slug canonicalising to empty", workload(slug="---"), "$.slug"),
    ("backend not canonical", workload(backend="Vllm"), "$.backend"),
    ("backend not a string", workload(backend=5), "$.backend"),
    ("vllm_version a number", workload(vllm_version=0.1), "$.vllm_version"),
    ("unknown task_type", workload(task_type="embeddings"), "$.task_type"),
    ("unknown execution_policy", workload(execution_policy="manual"), "$.execution_policy"),
    ("unknown on_drift", workload(on_drift="sometimes"), "$.on_drift"),
    ("null description", workload(description=None), "$.description"),
    ("config not a mapping", workload(config="x"), "$.config"),
    ("credential value", workload(name="ik_live_abcd1234_secretsecret"), "$.name"),
    ("nested credential value", workload(config={"env": {"TOKEN": "ik_sdk_abcd1234_secretsecret"}}), "$.config.env.TOKEN"),
    ("credential in a list", workload(config={"args": ["--key", "ik_sdk_abc"]}), "$.config.args[1]"),
    ("credential key", workload(execution_policy_config={"ik_live_abc": 1}), "$.execution_policy_config['ik_live_\u2026']"),
    ("fixed without replicas", workload(execution_policy="fixed", execution_policy_config={}), "$.execution_policy_config"),
    ("fixed with zero replicas", workload(execution_policy="fixed", execution_policy_config={"replicas": 0}), "$.execution_policy_config.replicas"),
    ("fixed replicas true", workload(execution_policy="fixed", execution_policy_config={"replicas": True}), "$.execution_policy_config.replicas"),
    ("fixed replicas fractional", workload(execution_policy="fixed", execution_policy_config={"replicas": 1.5}), "$.execution_policy_config.replicas"),
    ("scheduled without cron or window", workload(execution_policy="scheduled", execution_policy_config={}), "$.execution_policy_config"),
    ("scheduled blank cron", workload(execution_policy="scheduled", execution_policy_config={"cron": " "}), "$.execution_policy_config.cron"),
    ("min_replicas", workload(execution_policy="autoscaling", execution_policy_config={"min_replicas": 1}), "$.execution_policy_config.min_replicas"),
    ("max_replicas without a policy", workload(execution_policy_config={"max_replicas": 3}), "$.execution_policy_config.max_replicas"),
    ("negative min_workers", workload(execution_policy="autoscaling", execution_policy_config={"min_workers": -1}), "$.execution_policy_config.min_workers"),
    ("zero cost cap", workload(execution_policy="autoscaling", execution_policy_config={"max_hourly_cost_usd": 0}),
     "$.execution_policy_config.max_hourly_cost_usd"),
    ("cloud with empty gpu_pool",
     workload(execution_policy="autoscaling",
              execution_policy_config={"max_hourly_cost_usd": 1, "workers": {"source": "cloud", "cloud_pool": {"gpu_pool": []}}}),
     "$.execution_policy_config.workers.cloud_pool.gpu_pool"),
    ("unknown worker source", workload(execution_policy="autoscaling", execution_policy_config={"workers": {"source": "spot"}}),
     "$.execution_policy_config.workers.source"),
    ("blank worker_id", workload(worker_id=""), "$.worker_id"),
    ("blank project", workload(project=" "), "$.project"),
]

VALID_FILES: List[Tuple[str, Any]] = [
    ("workloads with project", {"project": "demo", "workloads": [workload(), workload(slug="other")]}),
    ("workloads without project", {"workloads": [workload()]}),
    ("workloads file with schema hint", {"$schema": "x.json", "workloads": [workload()]}),
]

INVALID_FILES: List[Tuple[str, Any, str]] = [
    ("empty workloads", {"workloads": []}, "$.workloads"),
    ("workloads not a list", {"workloads": workload()}, "$.workloads"),
    ("invalid item", {"workloads": [workload(), workload(backend=...)]}, "$.workloads[1]"),
    ("blank file project", {"project": "", "workloads": [workload()]}, "$.project"),
    ("unknown file key", {"workloads": [workload()], "defaults": {}}, "$.defaults"),
    ("a list", [workload()], "$"),
    ("a string", "name: chat", "$"),
]
