"""Several ``apply`` runs at once on the same specs and the same platform.

Two CI jobs that both list a project before either creates will both create the
missing workloads; the platform answers the second create of a slug with a ``-1``
copy. The engine deletes the copy it made and fails that workload with the reason,
so the platform ends with one workload per slug in the desired state. Threads with
a barrier make the race certain; child processes show the same for real CLI runs.

The runs share a loaded machine with everything else, so their budgets are
generous (``PATIENT``): a slow answer or a run of injected faults is waited
out, never raced against the wall clock.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import List

import pytest

from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.emulator import FaultConfig
from inferencekey_ensure.engine import PREVIEW, RunReport

from .harness import (
    TOKEN,
    child_env,
    drifted_states,
    engine_apply,
    ik_ensure,
    normalised,
    requests_of,
    seed,
    start_emulator,
    twenty_specs,
    write_spec_files,
)

pytestmark = pytest.mark.slow

PATIENT = RetryPolicy(max_attempts=12, total_budget_s=600.0, base_delay_s=0.01, max_delay_s=0.5)
PATIENT_TIMEOUT_S = 300.0
RUN_LIMIT_S = 900


def patient_apply(server, folder: Path, **request) -> RunReport:
    return engine_apply(server, folder, retry=PATIENT, timeout_s=PATIENT_TIMEOUT_S, **request)

SPECS = twenty_specs()
SLUGS = sorted(canonical_slug(spec["slug"]) for spec in SPECS)


@pytest.fixture(scope="module")
def spec_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec_files(tmp_path_factory.mktemp("specs"), SPECS)


def _solo(folder: Path, seeds=()):
    """The final state one run alone reaches from ``seeds``."""
    server = start_emulator()
    try:
        seed(server, seeds)
        assert patient_apply(server, folder).succeeded
        return normalised(server)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def desired(spec_folder: Path):
    return _solo(spec_folder)


def _at_once(server, folder: Path, runs: int) -> List[RunReport]:
    """``runs`` applies released together, each with its own client."""
    barrier = threading.Barrier(runs)
    reports: List[RunReport] = []
    lock = threading.Lock()

    def one() -> None:
        barrier.wait()
        report = patient_apply(server, folder)
        with lock:
            reports.append(report)

    threads = [threading.Thread(target=one) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RUN_LIMIT_S)
    assert len(reports) == runs
    return reports


def _assert_every_run_succeeded(reports: List[RunReport]) -> None:
    """The run that loses a race deletes its copy and adopts the winner's workload."""
    for report in reports:
        assert not report.errors
        for result in report.workloads:
            assert result.status == "ok", result.error


@pytest.mark.parametrize("runs", [2, 3])
def test_concurrent_fresh_applies_end_with_one_workload_per_slug(spec_folder, desired, runs):
    server = start_emulator(faults=FaultConfig(latency_ms=100))
    try:
        reports = _at_once(server, spec_folder, runs)
        _assert_every_run_succeeded(reports)
        assert normalised(server) == desired
        # the race happened, and every duplicate it minted was deleted by the run that made it
        created = [body["slug"] for _, body in requests_of(server, "POST")]
        assert len(created) > len(SLUGS)
        assert len(requests_of(server, "DELETE")) == len(created) - len(SLUGS)
        server.set_faults(FaultConfig())
        assert patient_apply(server, spec_folder, mode=PREVIEW).summary()["changes"] == 0
    finally:
        server.stop()


def test_concurrent_drift_reconciles_patch_the_same_fields_to_the_same_values(spec_folder):
    server = start_emulator(faults=FaultConfig(latency_ms=50))
    try:
        seed(server, drifted_states(SPECS))
        reports = _at_once(server, spec_folder, 2)
        assert all(report.succeeded for report in reports)
        assert normalised(server) == _solo(spec_folder, drifted_states(SPECS))
        assert requests_of(server, "POST") == [] and requests_of(server, "DELETE") == []
    finally:
        server.stop()


def test_concurrent_applies_under_transient_faults_still_leave_no_duplicate(spec_folder, desired):
    server = start_emulator(faults=FaultConfig(fail_every_n=3, fail_status=503))
    try:
        reports = _at_once(server, spec_folder, 2)
        for report in reports:
            for result in report.workloads:
                assert result.status == "ok" or result.error, result
        assert set(normalised(server)) <= set(SLUGS)
        server.set_faults(FaultConfig())
        assert patient_apply(server, spec_folder).succeeded
        assert normalised(server) == desired
    finally:
        server.stop()


def test_two_apply_processes_at_once_end_with_one_workload_per_slug(spec_folder, desired):
    server = start_emulator(faults=FaultConfig(latency_ms=100))
    try:
        env = child_env(INFERENCEKEY_SDK_TOKEN=TOKEN, INFERENCEKEY_BASE_URL=server.url)
        processes = [subprocess.Popen(ik_ensure("apply", str(spec_folder)), env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(2)]
        outputs = [process.communicate(timeout=RUN_LIMIT_S) for process in processes]
        for process, (stdout, stderr) in zip(processes, outputs):
            assert process.returncode == 0, stdout + stderr
            assert "Traceback" not in stderr
        assert normalised(server) == desired
        assert sorted(slug for slug in normalised(server)) == SLUGS
    finally:
        server.stop()


def test_the_desired_state_is_the_specs(desired):
    # Written out by hand from twenty_specs(), not computed by the code under test.
    assert sorted(desired) == [
        "workload-00", "workload-01-eu", "workload-02", "workload-03-eu", "workload-04",
        "workload-05-eu", "workload-06", "workload-07-eu", "workload-08", "workload-09-eu",
        "workload-10", "workload-11-eu", "workload-12", "workload-13-eu", "workload-14",
        "workload-15-eu", "workload-16", "workload-17-eu", "workload-18", "workload-19-eu",
    ]
    assert desired["workload-00"] == {
        "name": "Workload 0", "description": None, "task_type": "text2text", "backend": "vllm",
        "model_name": "Qwen/Qwen2.5-0B-Instruct",
        "config": {"command": "vllm serve Qwen/Qwen2.5-0B-Instruct --port 8000", "vllm_version": "0.10.1"},
        "worker_id": None, "gpu_resource_id": None, "execution_policy": "fixed",
        "execution_policy_config": {"replicas": 1},
    }
    assert desired["workload-01-eu"] == {
        "name": "Workload 1", "description": "GGUF model 1 on the R9700 pool", "task_type": "text2text",
        "backend": "llamacpp", "model_name": "bartowski/gemma-1-GGUF",
        "config": {"command": "llama-server -m /models/gemma-1.gguf --port 8080"},
        "worker_id": None, "gpu_resource_id": None, "execution_policy": None, "execution_policy_config": None,
    }
    assert desired["workload-02"]["task_type"] == "embedding"
    assert desired["workload-02"]["execution_policy_config"] == {"cron": "0 2 * * 1-5"}
