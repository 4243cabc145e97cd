"""Faults on the platform side: every run converges to the fault-free state, or fails
naming the workloads it did not ensure and a re-run converges; never a duplicate,
never a PATCH of a field the spec did not change.

Three runs over the same twenty specs (fresh create, drift reconcile, no change),
each under every fault of issue 5, through the real engine, client and emulator
over loopback HTTP. The retry pacing is shortened (``FAST_RETRY``), the attempt
bound is the production one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV, resolve_settings
from inferencekey_ensure.domain.drift import same_json
from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.emulator import FaultConfig
from inferencekey_ensure.engine import RunRequest, run
from inferencekey_ensure.pacing import Timing
from inferencekey_ensure.report.plan_json import report_to_json
from inferencekey_ensure.report.plan_text import render_plan
from inferencekey_ensure.specset.load import load_workloads
from support.engine import already_open
from support.loopback import ScriptedServer, reply

from .harness import (
    PROJECT,
    TOKEN,
    UNMANAGED,
    desired_bodies,
    drifted_states,
    engine_apply,
    failed_slugs,
    normalised,
    requests_of,
    seed,
    slug_of_id,
    start_emulator,
    twenty_specs,
    write_spec_files,
)

pytestmark = pytest.mark.slow

SPECS = twenty_specs()
SLUGS = [canonical_slug(spec["slug"]) for spec in SPECS]

SCENARIOS: Dict[str, Callable[[], List[Dict[str, Any]]]] = {
    "fresh-create": lambda: [],
    "drift-reconcile": lambda: drifted_states(SPECS),
    "no-change": lambda: desired_bodies(SPECS),
}

# (id, faults, wait for readiness)
FAULTS = [
    ("latency-200ms", FaultConfig(latency_ms=200), False),
    ("503-every-2nd", FaultConfig(fail_every_n=2, fail_status=503), False),
    ("503-every-3rd", FaultConfig(fail_every_n=3, fail_status=503), False),
    ("429-retry-after-every-3rd", FaultConfig(fail_every_n=3, fail_status=429, retry_after_s=1), False),
    ("non-json-200-every-3rd", FaultConfig(non_json_every_n=3), False),
    ("closed-mid-response-every-3rd", FaultConfig(close_every_n=3), False),
    ("lost-create-responses", FaultConfig(lose_create_responses=len(SPECS)), False),
    ("readiness-stream-drops-twice", FaultConfig(drop_streams=2), True),
]


@pytest.fixture(scope="module")
def spec_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec_files(tmp_path_factory.mktemp("specs"), SPECS)


def _seeded(scenario: str):
    server = start_emulator()
    seed(server, [UNMANAGED, *SCENARIOS[scenario]()])
    return server


@pytest.fixture(scope="module")
def fault_free(spec_folder: Path) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """Each scenario's final state after a run without faults."""
    states = {}
    for scenario in SCENARIOS:
        server = _seeded(scenario)
        try:
            assert engine_apply(server, spec_folder).succeeded
            states[scenario] = normalised(server)
        finally:
            server.stop()
    return states


def _expected_patches() -> Dict[str, Dict[str, Any]]:
    """slug -> the PATCH the drift-reconcile run must send: the declared fields whose
    live value differs (task_type is never patched), worked out from the seeds."""
    patches = {}
    for live, desired in zip(drifted_states(SPECS), desired_bodies(SPECS)):
        changed = {name: value for name, value in desired.items()
                   if name not in ("slug", "task_type") and not same_json(live.get(name), value)}
        if changed:
            patches[desired["slug"]] = changed
    return patches


def test_the_fault_free_runs_reach_exactly_the_declared_state(fault_free):
    """Declared fields as the spec says; undeclared ones as they were (the SDK leaves them)."""
    declared = {body["slug"]: body for body in desired_bodies(SPECS)}
    for scenario, state in fault_free.items():
        assert sorted(state) == sorted([*declared, UNMANAGED["slug"]]), scenario
        seeded = {workload["slug"]: workload for workload in SCENARIOS[scenario]()}
        for slug, body in declared.items():
            for name, value in state[slug].items():
                wanted = body[name] if name in body else seeded.get(slug, {}).get(name)
                assert same_json(value, wanted), (scenario, slug, name)
        assert state[UNMANAGED["slug"]]["name"] == UNMANAGED["name"]


def test_the_drift_scenario_covers_every_kind_of_drift():
    patched_fields = {name for patch in _expected_patches().values() for name in patch}
    assert patched_fields >= {"name", "model_name", "backend", "config", "worker_id",
                              "gpu_resource_id", "execution_policy", "execution_policy_config"}
    assert 10 <= len(_expected_patches()) < len(SPECS)


def _assert_wire_discipline(server: Any, scenario: str) -> None:
    """No duplicate ever minted, nothing deleted, only the PATCHes drift called for."""
    assert requests_of(server, "DELETE") == []
    bodies = {body["slug"]: body for body in desired_bodies(SPECS)}
    for _, body in requests_of(server, "POST"):
        assert scenario == "fresh-create" and body == bodies[body["slug"]]
    expected = _expected_patches() if scenario == "drift-reconcile" else {}
    for path, body in requests_of(server, "PATCH"):
        slug = slug_of_id(server, path.rsplit("/", 1)[-1])
        assert body == expected.get(slug), (slug, body)


def _assert_failure_is_named(report: Any, state: Dict[str, Any], final: Dict[str, Any]) -> None:
    failed = failed_slugs(report)
    assert failed or report.errors
    text = render_plan(report)
    for result in report.workloads:
        slug = result.planned.slug
        if result.status == "failed":
            assert result.error
            assert f"{PROJECT}/{slug}  " in text and "FAILED" in text
        else:
            assert state.get(slug) == final[slug], f"{slug} reported ok but differs"


@pytest.mark.parametrize("fault_id, faults, wait", FAULTS, ids=[fault[0] for fault in FAULTS])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_run_under_a_fault_converges_or_names_what_failed_and_a_rerun_converges(
    scenario, fault_id, faults, wait, spec_folder, fault_free, record_property,
):
    server = _seeded(scenario)
    try:
        server.set_faults(faults)
        report = engine_apply(server, spec_folder, wait=wait)
        state = normalised(server)
        _assert_wire_discipline(server, scenario)
        if report.succeeded:
            record_property("outcome", "converged")
            assert state == fault_free[scenario]
            return
        record_property("outcome", f"failed {len(failed_slugs(report))}, re-run converged")
        _assert_failure_is_named(report, state, fault_free[scenario])
        server.set_faults(FaultConfig())
        rerun = engine_apply(server, spec_folder)
        assert rerun.succeeded, [result.error for result in rerun.workloads if result.error]
        assert normalised(server) == fault_free[scenario]
        _assert_wire_discipline(server, scenario)
    finally:
        server.stop()


def test_a_preview_under_every_fault_sends_nothing_but_reads(spec_folder):
    server = _seeded("drift-reconcile")
    try:
        before = normalised(server)
        for _, faults, _ in FAULTS:
            server.set_faults(faults)
            report = engine_apply(server, spec_folder, mode="preview")
            assert not report.errors, report.errors
        assert {request.method for request in server.request_log} == {"GET"}
        assert normalised(server) == before
    finally:
        server.stop()


# ---------------------------------------------------------------------------
# A lost create is paced like any retry: the platform's Retry-After is honoured.

def _paced_apply(server: Any, folder: Path, sleeps: List[float]) -> Any:
    env = {TOKEN_ENV: TOKEN, BASE_URL_ENV: server.url}
    timing = Timing(sleep=sleeps.append, random=lambda: 0.5)
    with ControlPlaneClient(resolve_settings(server.url, env), timing=timing) as client:
        return run(RunRequest(mode="reconcile", env=env), load_workloads([str(folder)]), already_open(client))


CHAT = {"name": "Chat", "slug": "chat", "model": "m", "backend": "vllm"}
STORED_CHAT = {"id": "wl_1", "project_id": "prj_1", "name": "Chat", "slug": "chat",
               "task_type": "text2text", "backend": "vllm", "model_name": "m"}
BUSY = {"error": {"code": "unavailable", "message": "busy"}}


@pytest.mark.parametrize("stored", [False, True], ids=["not-stored", "stored"])
def test_a_create_answered_503_with_retry_after_waits_before_listing_and_sending_again(tmp_path, stored):
    folder = write_spec_files(tmp_path, [CHAT])
    server = ScriptedServer().start()
    try:
        server.script(
            reply(200, {"workloads": []}),
            reply(503, BUSY, {"Retry-After": "7"}),
            reply(200, {"workloads": [STORED_CHAT] if stored else []}),
            reply(201, STORED_CHAT),
        )
        sleeps: List[float] = []
        report = _paced_apply(server, folder, sleeps)
        assert report.succeeded, report_to_json(report)
        assert sleeps == [7.0]
        assert server.methods() == ["GET", "POST", "GET"] + ([] if stored else ["POST"])
    finally:
        server.stop()


def test_creates_lost_again_and_again_give_up_within_the_retry_policy(tmp_path):
    folder = write_spec_files(tmp_path, [CHAT])
    server = ScriptedServer().start()
    try:
        server.script(reply(200, {"workloads": []}),
                      *[step for _ in range(10) for step in (reply(503, BUSY), reply(200, {"workloads": []}))])
        sleeps: List[float] = []
        report = _paced_apply(server, folder, sleeps)
        (result,) = report.workloads
        assert result.status == "failed" and not result.exists
        assert "re-run" in " ".join(result.notes)
        posts = server.methods().count("POST")
        assert posts == RetryPolicy().max_attempts
        assert len(sleeps) == posts - 1  # a pause before each re-send, none after the last
    finally:
        server.stop()
