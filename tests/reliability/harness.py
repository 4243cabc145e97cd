"""Shared ground of the reliability suite: a recognisable token, twenty varied specs,
their drifted live states, a loopback emulator, and the normalised view of a
project that "the same final state" is judged by."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import support.emulator
from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV, resolve_settings
from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import create_body
from inferencekey_ensure.emulator import EmulatorServer, TokenGrant
from inferencekey_ensure.engine import RECONCILE, RunReport, RunRequest, run
from inferencekey_ensure.specset.load import load_workloads
from support.engine import already_open

PROJECT = "acme"
# Shaped like a real control-plane token: ik_sdk_<id>_<secret>. The tail is what must
# never appear anywhere but in the Authorization header the emulator received.
SECRET_TAIL = "SECRETTAILxyz0987654321qwertyQWERTY"
TOKEN = f"ik_sdk_abcd1234efgh_{SECRET_TAIL}"
# Retries paced in milliseconds (the engine takes an injected client for this);
# the attempt bound is the production one, so give-ups happen where they would.
FAST_RETRY = RetryPolicy(max_attempts=5, total_budget_s=20.0, base_delay_s=0.01, max_delay_s=0.05)

# The workload fields a user can ask for: what "the same final state" compares.
COMPARED_FIELDS = (
    "name", "description", "task_type", "backend", "model_name", "config", "worker_id",
    "gpu_resource_id", "execution_policy", "execution_policy_config",
)
UNMANAGED = {"name": "Hand-made", "slug": "hand-made", "backend": "ollama", "model_name": "llama3:8b"}


def twenty_specs() -> List[Dict[str, Any]]:
    """Twenty specs over every backend family, policy kind and optional field."""
    shapes = [
        lambda i: {"backend": "vllm", "model": f"Qwen/Qwen2.5-{i}B-Instruct",
                   "command": f"vllm serve Qwen/Qwen2.5-{i}B-Instruct --port 8000",
                   "vllm_version": "0.10.1", "execution_policy": "fixed",
                   "execution_policy_config": {"replicas": 1 + i % 3}},
        lambda i: {"backend": "llamacpp", "model": f"bartowski/gemma-{i}-GGUF",
                   "command": f"llama-server -m /models/gemma-{i}.gguf --port 8080",
                   "description": f"GGUF model {i} on the R9700 pool"},
        lambda i: {"backend": "ollama", "model": "nomic-embed-text", "task_type": "embedding",
                   "execution_policy": "scheduled",
                   "execution_policy_config": {"cron": f"0 {i % 24} * * 1-5"}},
        lambda i: {"backend": "sglang", "model": f"deepseek-ai/DeepSeek-R1-Distill-{i}",
                   "execution_policy": "autoscaling",
                   "execution_policy_config": {
                       "min_workers": 0, "max_workers": 2 + i % 4, "max_hourly_cost_usd": 4.5,
                       "workers": {"source": "cloud", "cloud_pool": {
                           "gpu_pool": ["NVIDIA L4", "NVIDIA A10G"], "max_instances": 2}}}},
        lambda i: {"backend": "kokoro-tts", "model": "hexgrad/Kokoro-82M", "task_type": "text2audio",
                   "worker_id": f"wk_{i:03d}", "gpu_resource_id": f"gpu_{i:03d}"},
    ]
    specs = []
    for i in range(20):
        slug = f"Workload {i:02d} (EU)" if i % 2 else f"workload-{i:02d}"
        specs.append({"name": f"Workload {i}", "slug": slug, **shapes[i % len(shapes)](i)})
    return specs


def desired_bodies(specs: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The create body of each spec (what the platform holds once they converged)."""
    return [create_body(WorkloadSpec(**spec)) for spec in specs]


# index -> how that spec's live workload drifted (the spec's shape is index % 5);
# the rest match their spec. Index 2's stray description is undeclared: never patched.
_DRIFTS: Dict[int, Dict[str, Any]] = {
    0: {"name": "Renamed by hand"},
    1: {"model_name": "old/model", "description": "stale description"},
    2: {"description": "added by hand, declared by no spec"},
    3: {"execution_policy": "fixed", "execution_policy_config": {"replicas": 3}},
    4: {"worker_id": "wk_old"},
    5: {"config": {"command": "vllm serve old", "extra": True}},
    6: {"backend": "vllm"},
    7: {"execution_policy_config": {"cron": "30 2 * * *"}},
    9: {"name": "Old name", "gpu_resource_id": "gpu_old"},
    10: {"execution_policy_config": {"replicas": 9}},
    13: {"execution_policy_config": {"min_workers": 0, "max_workers": 1, "max_hourly_cost_usd": 1.0}},
    14: {"worker_id": None},
}


def _drift(index: int, body: Dict[str, Any]) -> Dict[str, Any]:
    live = {**body, **_DRIFTS.get(index, {})}
    return {name: value for name, value in live.items() if value is not None}


def drifted_states(specs: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [_drift(i, body) for i, body in enumerate(desired_bodies(specs))]


def write_spec_files(folder: Path, specs: Sequence[Dict[str, Any]], per_file: int = 5) -> Path:
    """Specs spread over several files of one folder (the ``project`` set per file)."""
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(specs), per_file):
        document = {"project": PROJECT, "workloads": list(specs[start:start + per_file])}
        path = folder / f"specs-{start // per_file:02d}.json"
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return folder


# The shared emulator, signed in to by this suite's one recognisable token.
start_emulator = partial(support.emulator.start_emulator, {TOKEN: TokenGrant(PROJECT)})


def seed(server: EmulatorServer, workloads: Sequence[Dict[str, Any]]) -> None:
    for workload in workloads:
        server.seed(PROJECT, workload)


def engine_apply(server: EmulatorServer, folder: Path, *, mode: str = RECONCILE,
                 retry: RetryPolicy = FAST_RETRY, timeout_s: Optional[float] = None, **request: Any) -> RunReport:
    """One ``apply`` (or ``plan``) through the real engine, client and loopback HTTP.

    ``timeout_s`` is the client's connect and read timeout (the defaults when None).
    """
    env = {TOKEN_ENV: TOKEN, BASE_URL_ENV: server.url}
    settings = resolve_settings(server.url, env, retry=retry, connect_timeout=timeout_s, read_timeout=timeout_s)
    with ControlPlaneClient(settings) as client:
        return run(RunRequest(mode=mode, env=env, **request), load_workloads([str(folder)]), already_open(client))


def normalised(server: EmulatorServer, project: str = PROJECT) -> Dict[str, Dict[str, Any]]:
    """slug -> the compared fields; ids and timestamps are not part of "the same state"."""
    return {
        workload["slug"]: {name: workload.get(name) for name in COMPARED_FIELDS}
        for workload in server.workloads(project)
    }


def requests_of(server: EmulatorServer, method: str) -> List[Tuple[str, Any]]:
    """(path, JSON body or None) of every request of ``method`` the emulator received."""
    return [(r.path, r.json() if r.body else None) for r in server.request_log if r.method == method]


def failed_slugs(report: RunReport) -> List[str]:
    return [result.planned.slug for result in report.workloads if result.status == "failed"]


def slug_of_id(server: EmulatorServer, workload_id: str, project: str = PROJECT) -> Optional[str]:
    return next((w["slug"] for w in server.workloads(project) if w["id"] == workload_id), None)


# ---------------------------------------------------------------------------
# Child processes: the CLI as users run it, with per-child peak memory.

BATCH_SCRIPT = Path(__file__).with_name("cli_batch.py")
CHILD_TIMEOUT_S = 300.0  # generous: a hang fails the test, slowness does not


def child_env(**extra: str) -> Dict[str, str]:
    """The test runner's environment without any INFERENCEKEY_/GITHUB_ setting, plus ``extra``."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("INFERENCEKEY_", "GITHUB_"))}
    env.update(NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


@dataclass(frozen=True)
class Child:
    code: int
    stdout: str
    stderr: str
    max_rss_mib: float


def run_child(args: Sequence[str], *, cwd: Path, env: Mapping[str, str],
              timeout_s: float = CHILD_TIMEOUT_S) -> Child:
    """Run ``args`` to completion; its own peak RSS comes from ``wait4``, not a shared maximum."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(list(args), cwd=str(cwd), env=dict(env), stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout_s, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(process.returncode, out.read().decode("utf-8", "replace"),
                     err.read().decode("utf-8", "replace"), usage.ru_maxrss / 1024)


def ik_ensure(*args: str) -> List[str]:
    """The command line of ``ik-ensure ARGS`` with the interpreter running these tests."""
    return [sys.executable, "-m", "inferencekey_ensure", *args]


Job = Union[Sequence[str], Tuple[Sequence[str], Mapping[str, Optional[str]]]]


def run_batch(jobs: Sequence[Job], *, cwd: Path, env: Mapping[str, str]
              ) -> Tuple[List[Dict[str, Any]], Child]:
    """Each job through ``main()`` in one child; (per-job results, the child).

    A job is an argv, or (argv, environment changes for that job alone).
    """
    encoded = [{"argv": list(job[0]), "env": dict(job[1])} if isinstance(job, tuple)
               else {"argv": list(job), "env": {}} for job in jobs]
    with tempfile.TemporaryDirectory() as scratch:
        jobs_path, results_path = Path(scratch, "jobs.json"), Path(scratch, "results.json")
        jobs_path.write_text(json.dumps(encoded), encoding="utf-8")
        child = run_child([sys.executable, str(BATCH_SCRIPT), str(jobs_path), str(results_path)],
                          cwd=cwd, env=env)
        assert child.code == 0, child.stderr
        return json.loads(results_path.read_text(encoding="utf-8")), child

