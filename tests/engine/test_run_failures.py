"""Failures against the emulator: auth, permissions, transient faults, lost creates, waits."""

from __future__ import annotations

import threading
from typing import Any, Dict

import pytest

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV, ClientSettings
from inferencekey_ensure.emulator import FaultConfig
from inferencekey_ensure.engine import PREVIEW, RECONCILE
from inferencekey_ensure.report.event_text import event_line
from inferencekey_ensure.report.plan_json import report_to_json
from support.emulator import OTHER_TOKEN, READ_ONLY_TOKEN, TOKEN
from support.engine import (
    BOT,
    EMBED,
    SEEDED_BOT,
    by_slug,
    engine_run,
    fast_client,
    fast_settings,
    gets,
    run_specs,
    write_specs,
    writes,
)

UNKNOWN_TOKEN = "ik_sdk_nope0009_engine0test0secret0value"
LIVE_KEY = "ik_live_data0001_engine0test0secret0value"


def test_a_401_is_an_authentication_failure_for_every_workload_of_the_project(emulator, tmp_path):
    report = engine_run(emulator, [write_specs(tmp_path, [BOT, EMBED])], token=UNKNOWN_TOKEN,
                        mode=RECONCILE)
    assert len(report.errors) == 1
    assert report.errors[0].message.startswith("authentication failed")
    assert [(r.action, r.status) for r in report.workloads] == [("unknown", "failed")] * 2
    assert writes(emulator) == []
    assert "engine0test0secret" not in str(report_to_json(report))


def test_project_scope_mismatch_keeps_its_code(emulator, tmp_path):
    report = engine_run(emulator, [write_specs(tmp_path, [BOT])], token=OTHER_TOKEN, mode=RECONCILE)
    assert report.errors[0].message.startswith("permission denied [project_scope_mismatch]")
    assert report.errors[0].fix


def test_scope_insufficient_fails_the_write_not_the_plan(emulator, tmp_path):
    emulator.seed("acme", {**SEEDED_BOT, "name": "Old"})
    specs = write_specs(tmp_path, [BOT, EMBED])
    preview = engine_run(emulator, [specs], token=READ_ONLY_TOKEN, mode=PREVIEW)
    assert not preview.has_errors
    report = engine_run(emulator, [specs], token=READ_ONLY_TOKEN, mode=RECONCILE)
    assert [r.status for r in report.workloads] == ["failed", "failed"]
    assert all(r.error.startswith("permission denied [scope_insufficient]") for r in report.workloads)


def test_a_live_key_is_refused_before_anything_is_sent(emulator, tmp_path):
    env = {TOKEN_ENV: LIVE_KEY, BASE_URL_ENV: emulator.url}
    report = run_specs([str(write_specs(tmp_path, [BOT]))], env=env, mode=RECONCILE)
    assert report.errors[0].message.startswith("permission denied [wrong_credential_type]")
    assert emulator.request_log == []
    assert "engine0test0secret" not in report.errors[0].message


@pytest.mark.parametrize("faults", [
    FaultConfig(fail_every_n=3, fail_status=503),
    FaultConfig(fail_every_n=2, fail_status=429, retry_after_s=0),
    FaultConfig(close_every_n=3),
], ids=["503", "429", "dropped-connection"])
def test_transient_failures_are_retried_to_the_same_end_state(emulator, tmp_path, faults):
    emulator.seed("acme", {**SEEDED_BOT, "name": "Old"})
    emulator.set_faults(faults)
    report = engine_run(emulator, [write_specs(tmp_path, [BOT, EMBED])], mode=RECONCILE,
                        parallelism=1)
    assert report.succeeded, report_to_json(report)
    assert by_slug(emulator)["support-bot"]["name"] == "Support bot"
    assert sorted(by_slug(emulator)) == ["embedder-v2", "support-bot"]


def test_a_create_whose_answer_is_lost_makes_no_duplicate(emulator, tmp_path):
    emulator.set_faults(FaultConfig(lose_create_responses=2))
    specs = write_specs(tmp_path, [BOT, EMBED])
    report = engine_run(emulator, [specs], mode=RECONCILE)
    assert report.succeeded
    assert all(r.exists for r in report.workloads)
    assert all(any("answer was lost" in note for note in r.notes) for r in report.workloads)
    assert sorted(by_slug(emulator)) == ["embedder-v2", "support-bot"]
    assert [w[0] for w in writes(emulator)] == ["POST", "POST"]
    emulator.clear_request_log()
    again = engine_run(emulator, [specs], mode=RECONCILE)
    assert [r.action for r in again.workloads] == ["no-change", "no-change"]


class RacingClient(ControlPlaneClient):
    """Another writer creates the slug between this run's list and its create."""

    def __init__(self, server: Any, settings: ClientSettings) -> None:
        super().__init__(settings)
        self.server = server

    def create_workload(self, project: str, body: Dict[str, Any]) -> Dict[str, Any]:
        self.server.seed(project, body)
        return super().create_workload(project, body)


def test_a_create_that_lands_as_a_suffixed_copy_is_deleted_and_the_racers_workload_adopted(
    emulator, tmp_path
):
    env = {TOKEN_ENV: TOKEN, BASE_URL_ENV: emulator.url}
    with RacingClient(emulator, fast_settings(emulator.url)) as racing:
        report = run_specs([str(write_specs(tmp_path, [BOT]))], racing, env=env, mode=RECONCILE)
    result = report.workloads[0]
    assert result.status == "ok" and result.error is None
    assert any('"support-bot-1"' in note and "deleted again" in note for note in result.notes)
    assert sorted(by_slug(emulator)) == ["support-bot"]


class DriftedRacingClient(RacingClient):
    """The other writer creates the slug from an older spec (another model)."""

    def create_workload(self, project: str, body: Dict[str, Any]) -> Dict[str, Any]:
        self.server.seed(project, {**body, "model_name": "older/model"})
        return ControlPlaneClient.create_workload(self, project, body)


def test_a_racers_workload_that_differs_from_the_spec_is_reconciled(emulator, tmp_path):
    env = {TOKEN_ENV: TOKEN, BASE_URL_ENV: emulator.url}
    with DriftedRacingClient(emulator, fast_settings(emulator.url)) as racing:
        report = run_specs([str(write_specs(tmp_path, [BOT]))], racing, env=env, mode=RECONCILE)
    assert report.workloads[0].status == "ok"
    assert [w["model_name"] for w in emulator.workloads("acme")] == [BOT["model"]]
    assert [method for method, *_ in writes(emulator)] == ["POST", "DELETE", "PATCH"]


def test_wait_follows_each_write_through_a_dropped_stream(emulator, tmp_path):
    emulator.seed("acme", {**SEEDED_BOT, "slug": "steady", "name": "Steady"})
    emulator.set_faults(FaultConfig(drop_streams=1))
    lines = []
    report = engine_run(
        emulator, [write_specs(tmp_path, [BOT, dict(BOT, slug="steady", name="Steady")])],
        mode=RECONCILE, wait=True, wait_timeout_s=60,
        on_event=lambda event: lines.append(event_line(event) or ""),
    )
    assert report.succeeded, report_to_json(report)
    created = report.workloads[0]
    assert any(note.startswith("ready after") for note in created.notes)
    assert any("reconnecting" in line for line in lines)
    assert any(line.startswith("acme/support-bot: ready") for line in lines)
    assert not any("steady" in line for line in lines), "an unchanged workload is not waited for"
    streams = [path for path in gets(emulator) if path.endswith("/readiness-events")]
    assert set(streams) == {"/api/projects/acme/workloads/support-bot/readiness-events"}


def test_wait_fails_a_workload_whose_readiness_ends_in_error(emulator, tmp_path):
    emulator.set_faults(FaultConfig(error_slugs=("embedder-v2",)))
    report = engine_run(emulator, [write_specs(tmp_path, [BOT, EMBED])], mode=RECONCILE,
                        wait=True, wait_timeout_s=60)
    assert [r.status for r in report.workloads] == ["ok", "failed"]
    assert "failed to become ready" in report.workloads[1].error
    assert not report.succeeded


def test_an_invalid_spec_stops_the_run_before_any_request(emulator, tmp_path):
    write_specs(tmp_path, [BOT], name="good.json")
    write_specs(tmp_path, [dict(BOT, slug="---", backend="Not A Backend")], name="bad.json")
    report = engine_run(emulator, [tmp_path], mode=RECONCILE)
    assert report.problems and report.has_errors
    assert report.workloads == []
    assert emulator.request_log == []
    assert report_to_json(report)["errors"]


def test_a_workload_without_a_project_stops_the_run_before_any_request(emulator, tmp_path):
    specs = write_specs(tmp_path, [BOT], project=None)
    report = engine_run(emulator, [specs], mode=PREVIEW)
    assert "no project" in report.errors[0].message
    assert str(specs) in report.errors[0].message
    assert emulator.request_log == []


def test_the_project_comes_from_the_option_then_the_environment(emulator, tmp_path):
    specs = write_specs(tmp_path, [BOT], project=None)
    env = {TOKEN_ENV: TOKEN, BASE_URL_ENV: emulator.url, "INFERENCEKEY_PROJECT": "beta"}
    with fast_client(emulator.url) as client:
        from_option = run_specs([str(specs)], client, env=env, project="acme")
        from_env = run_specs([str(specs)], client, env=env)
    assert from_option.workloads[0].planned.project == "acme"
    assert from_env.workloads[0].planned.project == "beta"


class InFlightClient(ControlPlaneClient):
    """Counts creates in flight at once."""

    def __init__(self, settings: ClientSettings) -> None:
        super().__init__(settings)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0

    def create_workload(self, project: str, body: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        try:
            return super().create_workload(project, body)
        finally:
            with self.lock:
                self.in_flight -= 1


def test_writes_overlap_up_to_the_parallelism_bound(emulator, tmp_path):
    emulator.set_faults(FaultConfig(latency_ms=50))
    specs = write_specs(tmp_path, [dict(BOT, slug=f"bot-{i}") for i in range(9)])
    env = {TOKEN_ENV: TOKEN, BASE_URL_ENV: emulator.url}
    with InFlightClient(fast_settings(emulator.url)) as client:
        report = run_specs([str(specs)], client, env=env, mode=RECONCILE, parallelism=3)
    assert report.succeeded
    assert 1 < client.most <= 3
    assert len(by_slug(emulator)) == 9
