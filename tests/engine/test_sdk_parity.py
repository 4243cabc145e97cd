"""Parity with the official SDK: same final state, same mutating requests as ``ensure()``.

Each scenario runs twice on two fresh emulators seeded alike: once as the SDK's
way (one ``ManagementClient.ensure()`` per spec, one after another), once as
``apply``. Request order differs by design (apply writes concurrently), so the
writes are compared as sorted lists; workload ids are assigned in order, so
final states are compared without ids and timestamps.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

import pytest

from inferencekey_ensure.engine import RECONCILE
from inferencekey_ensure.specset.load import load_workloads
from support.emulator import TOKEN, TOKEN_ANY, start_emulator
from support.engine import BOT, EMBED, SEEDED_BOT, engine_run, write_specs, writes

inferencekey = pytest.importorskip(
    "inferencekey",
    reason="the official SDK wheel (inferencekey, x86_64 Linux only) is not importable here",
)

VOLATILE = ("id", "project_id", "created_at", "updated_at")

Scenario = Tuple[str, List[Dict[str, Any]], List[Dict[str, Any]], str]

SCENARIOS: List[Scenario] = [
    ("fresh-create", [], [BOT, EMBED], "reconcile"),
    ("full-fields", [], [dict(
        BOT, slug="Full Spec (v2)", description="all fields", vllm_version="0.10.1",
        execution_policy="fixed", execution_policy_config={"replicas": 2},
        worker_id="worker-7", gpu_resource_id="gpu-3", config={"ignored": True},
    )], "reconcile"),
    ("vllm-version-without-command", [], [dict(EMBED, vllm_version="0.10.1")], "reconcile"),
    ("no-change", [SEEDED_BOT], [BOT], "reconcile"),
    ("non-canonical-slug", [SEEDED_BOT], [dict(BOT, slug="Support_Bot")], "reconcile"),
    ("drift-name-and-model", [dict(SEEDED_BOT, name="Old", model_name="old/m")], [BOT], "reconcile"),
    ("drift-backend", [dict(SEEDED_BOT, backend="llamacpp", config={"command": "llama-server -m x.gguf"})],
     [BOT], "reconcile"),
    ("drift-description", [dict(SEEDED_BOT, description="old")], [dict(BOT, description="new")], "reconcile"),
    ("description-declared-empty", [SEEDED_BOT], [dict(BOT, description="")], "reconcile"),
    ("drift-config-extra-key", [dict(SEEDED_BOT, config={"command": BOT["command"], "extra": 1})],
     [BOT], "reconcile"),
    ("drift-config-vllm-version", [SEEDED_BOT], [dict(BOT, vllm_version="0.10.1")], "reconcile"),
    ("spec-config-never-compared", [SEEDED_BOT], [dict(BOT, config={"anything": 1})], "reconcile"),
    ("drift-worker-and-gpu", [dict(SEEDED_BOT, worker_id="w-old")],
     [dict(BOT, worker_id="w-new", gpu_resource_id="g-1")], "reconcile"),
    ("kind-switch-carries-config",
     [dict(SEEDED_BOT, execution_policy="fixed", execution_policy_config={"replicas": 1})],
     [dict(BOT, execution_policy="scheduled", execution_policy_config={"cron": "0 9 * * 1-5"})],
     "reconcile"),
    ("kind-switch-without-config",
     [dict(SEEDED_BOT, execution_policy="fixed", execution_policy_config={"replicas": 1})],
     [dict(BOT, execution_policy="scheduled")], "reconcile"),
    ("config-int-vs-float",
     [dict(SEEDED_BOT, execution_policy="fixed", execution_policy_config={"replicas": 1, "weight": 1.0})],
     [dict(BOT, execution_policy="fixed", execution_policy_config={"replicas": 1, "weight": 1})],
     "reconcile"),
    ("config-key-order-is-no-drift",
     [dict(SEEDED_BOT, execution_policy="fixed", execution_policy_config={"b": [1, 2], "replicas": 1})],
     [dict(BOT, execution_policy="fixed", execution_policy_config={"replicas": 1, "b": [1, 2]})],
     "reconcile"),
    ("undeclared-optionals-not-compared",
     [dict(SEEDED_BOT, description="x", worker_id="w", gpu_resource_id="g", execution_policy="fixed",
           execution_policy_config={"replicas": 4})], [BOT], "reconcile"),
    ("fail-changes-nothing", [dict(SEEDED_BOT, name="Old")], [BOT, EMBED], "fail"),
    ("warn-changes-nothing", [dict(SEEDED_BOT, name="Old")], [BOT], "warn"),
    ("ignore-changes-nothing", [dict(SEEDED_BOT, name="Old")], [BOT], "ignore"),
    ("dry-run-creates-nothing", [dict(SEEDED_BOT, name="Old")], [BOT, EMBED], "dry_run"),
    ("undeclared-task-type-keeps-live-embedding", [dict(SEEDED_BOT, task_type="embedding", name="Old")],
     [BOT], "reconcile"),
    ("spec-on-drift-wins", [dict(SEEDED_BOT, name="Old")], [dict(BOT, on_drift="ignore")], "reconcile"),
]


def _state(server: Any) -> List[Dict[str, Any]]:
    rows = [{k: v for k, v in workload.items() if k not in VOLATILE} for workload in server.workloads("acme")]
    return sorted(rows, key=lambda row: row["slug"])


def _sorted_writes(server: Any) -> List[Tuple[str, str, Any]]:
    return sorted(writes(server), key=lambda write: json.dumps(write, sort_keys=True))


def _sdk_ensure_each(url: str, tmp_path: Any, on_drift: str) -> List[Optional[str]]:
    """The SDK's way; each ensure()'s error class name (None when it returned)."""
    client = inferencekey.ManagementClient(base_url=url, sdk_token=TOKEN, project="acme")
    outcomes: List[Optional[str]] = []
    for declared in load_workloads([str(tmp_path)]).workloads:
        spec = inferencekey.WorkloadSpec(**declared.spec.sdk_fields())
        try:
            client.ensure(spec, on_drift=declared.spec.on_drift or on_drift)
            outcomes.append(None)
        except inferencekey.InferenceKeyError as exc:
            outcomes.append(type(exc).__name__)
    return outcomes


@pytest.mark.parametrize("name, seeds, specs, on_drift", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_apply_matches_the_sdk(tmp_path, name, seeds, specs, on_drift):
    write_specs(tmp_path, specs)
    sdk_server, our_server = start_emulator(), start_emulator()
    try:
        for seed in seeds:
            sdk_server.seed("acme", seed)
            our_server.seed("acme", seed)
        sdk_outcomes = _sdk_ensure_each(sdk_server.url, tmp_path, on_drift)
        report = engine_run(our_server, [tmp_path], mode=RECONCILE, on_drift=on_drift)
        assert _sorted_writes(our_server) == _sorted_writes(sdk_server)
        assert _state(our_server) == _state(sdk_server)
        ours_failed = [result.status in ("refused", "failed") for result in report.workloads]
        assert ours_failed == [outcome is not None for outcome in sdk_outcomes]
    finally:
        sdk_server.stop()
        our_server.stop()


def test_the_sdk_and_apply_return_the_same_endpoint_refs(tmp_path):
    write_specs(tmp_path, [dict(BOT, slug="Support Bot"), dict(EMBED, project="beta")])
    server = start_emulator()
    try:
        client = inferencekey.ManagementClient(base_url=server.url, sdk_token=TOKEN_ANY, project="acme")
        sdk_refs = []
        for declared in load_workloads([str(tmp_path)]).workloads:
            ref = client.ensure(inferencekey.WorkloadSpec(**declared.spec.sdk_fields()))
            sdk_refs.append((ref.project_slug, ref.workload_slug))
        ours = engine_run(server, [tmp_path], token=TOKEN_ANY, mode="preview")
    finally:
        server.stop()
    assert [(r.endpoint_ref.project_slug, r.endpoint_ref.workload_slug) for r in ours.workloads] == sdk_refs
    assert sdk_refs == [("acme", "support-bot"), ("beta", "embedder-v2")]
