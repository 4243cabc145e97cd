"""Specs and live workloads for the pure planner, and spec files on disk run through
the real engine against a loopback emulator (``support.emulator``)."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from inferencekey_ensure.cli.connection import connector
from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV, ClientSettings, resolve_settings
from inferencekey_ensure.domain.spec import DeclaredWorkload, SourceLocation, WorkloadSpec
from inferencekey_ensure.domain.wire import LiveWorkload, normalise_live
from inferencekey_ensure.emulator import EmulatorServer
from inferencekey_ensure.engine import RunReport, RunRequest, run
from inferencekey_ensure.engine.connector import Connector
from inferencekey_ensure.plan.model import Target
from inferencekey_ensure.specset.load import load_workloads

from .emulator import TOKEN


def already_open(client: ControlPlaneClient) -> Connector:
    """A connector over a client the test opened and will close itself."""
    return lambda: nullcontext(client)

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


# ---------------------------------------------------------------------------
# End-to-end: a real emulator on loopback, spec files on disk, the real client.

FAST_RETRY = RetryPolicy(max_attempts=5, total_budget_s=10.0, base_delay_s=0.01, max_delay_s=0.05)


def write_specs(folder: Path, workloads: Sequence[Dict[str, Any]], project: Optional[str] = "acme",
                name: str = "app.json") -> Path:
    """One spec file (JSON is YAML's subset the loader reads as well)."""
    document: Dict[str, Any] = {"workloads": list(workloads)}
    if project is not None:
        document["project"] = project
    path = folder / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def fast_settings(url: str, token: str = TOKEN) -> ClientSettings:
    """Retries paced in milliseconds, so fault tests stay fast."""
    return resolve_settings(url, {TOKEN_ENV: token}, retry=FAST_RETRY)


def fast_client(url: str, token: str = TOKEN) -> ControlPlaneClient:
    return ControlPlaneClient(fast_settings(url, token))


def engine_run(server: EmulatorServer, paths: Sequence[Any], token: str = TOKEN,
               **request: Any) -> RunReport:
    """``run`` against ``server`` with a fast-retrying client (mode defaults to preview)."""
    env = {TOKEN_ENV: token, BASE_URL_ENV: server.url}
    with fast_client(server.url, token) as client:
        return run_specs(paths, client, env=env, **request)


def run_specs(paths: Sequence[Any], client: Optional[ControlPlaneClient] = None, *,
              env: Dict[str, str], **request: Any) -> RunReport:
    """Load ``paths`` and run over them with ``client``, or with the platform ``env`` names."""
    specs = load_workloads([str(p) for p in paths])
    connect = already_open(client) if client is not None else connector(None, env, None)
    return run(RunRequest(env=env, **request), specs, connect)


def writes(server: EmulatorServer) -> List[Tuple[str, str, Any]]:
    """The mutating requests the emulator received: (method, path, JSON body or None)."""
    return [
        (r.method, r.path, r.json() if r.body else None)
        for r in server.request_log
        if r.method != "GET"
    ]


def gets(server: EmulatorServer) -> List[str]:
    return [r.path for r in server.request_log if r.method == "GET"]


BOT = {"name": "Support bot", "slug": "support-bot", "model": "meta-llama/Llama-3.1-8B-Instruct",
       "backend": "vllm", "command": "vllm serve meta-llama/Llama-3.1-8B-Instruct"}
EMBED = {"name": "Embedder", "slug": "Embedder V2", "model": "BAAI/bge-m3", "backend": "vllm",
         "task_type": "embedding"}
SEEDED_BOT = {"name": BOT["name"], "slug": BOT["slug"], "task_type": "text2text",
              "backend": "vllm", "model_name": BOT["model"], "config": {"command": BOT["command"]}}


def by_slug(server: EmulatorServer, project: str = "acme") -> Dict[str, Dict[str, Any]]:
    return {workload["slug"]: workload for workload in server.workloads(project)}
