"""A run's events: each write's outcome is told as it completes, while the run still works."""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Tuple

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV
from inferencekey_ensure.emulator import FaultConfig
from inferencekey_ensure.engine import RECONCILE
from inferencekey_ensure.engine.events import (
    DeletionsWithheld,
    RunEvent,
    WriteDone,
    WritesStarting,
)
from inferencekey_ensure.report.plan_json import report_to_json
from support.emulator import TOKEN, start_emulator
from support.engine import BOT, EMBED, SEEDED_BOT, engine_run, fast_settings, run_specs, write_specs, writes

THREE = [BOT, EMBED, dict(BOT, slug="third-bot", name="Third bot")]


class Recorder:
    """Keeps each event with the number of writes the emulator had received at that moment."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.seen: List[Tuple[RunEvent, int]] = []

    def __call__(self, event: RunEvent) -> None:
        self.seen.append((event, len(writes(self.emulator))))

    def done(self) -> List[WriteDone]:
        return [event for event, _ in self.seen if isinstance(event, WriteDone)]


def test_each_write_is_told_as_it_completes_before_the_next_one_is_sent(emulator, tmp_path):
    recorder = Recorder(emulator)
    engine_run(emulator, [write_specs(tmp_path, THREE)], mode=RECONCILE, parallelism=1,
               on_event=recorder)
    starting = [event for event, _ in recorder.seen if isinstance(event, WritesStarting)]
    assert starting == [WritesStarting(3)]
    writes_seen = [count for event, count in recorder.seen if isinstance(event, WriteDone)]
    assert writes_seen == [1, 2, 3], "the first outcome arrived while two writes were still to come"
    assert [(e.slug, e.outcome, e.error) for e in recorder.done()] == [
        ("support-bot", "created", None), ("embedder-v2", "created", None),
        ("third-bot", "created", None)]
    assert all(e.elapsed_s >= 0 for e in recorder.done())


class HeldBackClient(ControlPlaneClient):
    """Holds the create of ``held`` back until the run has told the other outcomes."""

    def __init__(self, settings: Any, held: str, others_told: threading.Event) -> None:
        super().__init__(settings)
        self.held, self.others_told = held, others_told
        self.released_by_events = False

    def create_workload(self, project: str, body: Dict[str, Any]) -> Dict[str, Any]:
        if body.get("slug") == self.held:
            # A guard against a hang, not a measurement: a run that batched its events
            # until the end would never set the flag, and the assertion below says so.
            self.released_by_events = self.others_told.wait(timeout=30)
        return super().create_workload(project, body)


def test_outcomes_are_told_while_another_write_is_still_running(emulator, tmp_path):
    others_told = threading.Event()
    told: List[WriteDone] = []

    def on_event(event: RunEvent) -> None:
        if isinstance(event, WriteDone):
            told.append(event)
            if len(told) == 2:
                others_told.set()

    env = {TOKEN_ENV: TOKEN, BASE_URL_ENV: emulator.url}
    with HeldBackClient(fast_settings(emulator.url), "third-bot", others_told) as client:
        report = run_specs([str(write_specs(tmp_path, THREE))], client, env=env, mode=RECONCILE,
                           parallelism=3, on_event=on_event)
    assert client.released_by_events
    assert report.succeeded
    assert told[-1].slug == "third-bot", "told in completion order: the held-back write last"
    assert len(told) == 3


def test_a_failed_write_is_told_with_its_error(emulator, tmp_path):
    emulator.set_faults(FaultConfig(fail_every_n=2, fail_status=500))
    recorder = Recorder(emulator)
    engine_run(emulator, [write_specs(tmp_path, [BOT])], mode=RECONCILE, on_event=recorder)
    [event] = recorder.done()
    assert (event.slug, event.outcome) == ("support-bot", "failed")
    assert event.error and "500" in event.error


def test_updates_and_deletions_are_told_and_deletions_come_last(emulator, tmp_path):
    emulator.seed("acme", {**SEEDED_BOT, "name": "Old name"})
    emulator.seed("acme", {**SEEDED_BOT, "slug": "stray", "name": "Stray"})
    recorder = Recorder(emulator)
    engine_run(emulator, [write_specs(tmp_path, [BOT, EMBED])], mode=RECONCILE, prune=True,
               on_event=recorder)
    told = [(e.slug, e.outcome, e.deletion) for e in recorder.done()]
    assert sorted(told[:2]) == [("embedder-v2", "created", False), ("support-bot", "updated", False)]
    assert told[2:] == [("stray", "deleted", True)]
    assert [method for method, *_ in writes(emulator)][-1] == "DELETE"


def test_listening_changes_nothing_in_the_report(emulator, tmp_path):
    specs = write_specs(tmp_path, THREE)
    other = start_emulator()
    try:
        heard = engine_run(emulator, [specs], mode=RECONCILE, on_event=Recorder(emulator))
        silent = engine_run(other, [specs], mode=RECONCILE)
    finally:
        other.stop()
    assert report_to_json(heard) == report_to_json(silent)
    assert report_to_json(heard)["summary"]["create"] == 3


def test_withheld_deletions_are_told(emulator, tmp_path):
    emulator.seed("acme", {**SEEDED_BOT, "slug": "stray", "name": "Stray"})
    emulator.set_faults(FaultConfig(fail_every_n=2, fail_status=500))
    recorder = Recorder(emulator)
    engine_run(emulator, [write_specs(tmp_path, [BOT])], mode=RECONCILE, prune=True,
               on_event=recorder)
    assert DeletionsWithheld(count=1, failed_writes=1) in [event for event, _ in recorder.seen]
