"""State kept in a file across restarts, written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inferencekey_ensure.emulator import EmulatorServer, StateError
from support.emulator_http import create_body, http_client, scoped_config, workloads_path

from .conftest import StartEmulator


def test_workloads_survive_a_restart_with_the_same_state_file(start_emulator: StartEmulator, tmp_path: Path) -> None:
    state = tmp_path / "state" / "emulator.json"
    first = start_emulator(scoped_config(state_path=state))
    with http_client(first.url) as client:
        kept = client.post(workloads_path(), json=create_body(slug="kept")).json()
        gone = client.post(workloads_path(), json=create_body(slug="gone")).json()
        kept = client.patch(f"/api/workloads/{kept['id']}", json={"description": "patched"}).json()
        client.delete(f"/api/workloads/{gone['id']}")
    first.stop()

    second = start_emulator(scoped_config(state_path=state))
    with http_client(second.url) as client:
        assert client.get(workloads_path()).json() == {"workloads": [kept]}
        again = client.post(workloads_path(), json=create_body(slug="kept")).json()

    assert again["slug"] == "kept-1"
    assert again["id"] not in (kept["id"], gone["id"])


def test_the_state_file_is_replaced_whole_with_no_temporary_files_left(start_emulator: StartEmulator, tmp_path: Path) -> None:
    state = tmp_path / "emulator.json"
    server = start_emulator(scoped_config(state_path=state))
    with http_client(server.url) as client:
        for number in range(5):
            client.post(workloads_path(), json=create_body(slug=f"bot-{number}"))

    assert [path.name for path in tmp_path.iterdir()] == ["emulator.json"]
    document = json.loads(state.read_text(encoding="utf-8"))
    assert [entry["workload"]["slug"] for entry in document["workloads"]] == [f"bot-{n}" for n in range(5)]


def test_without_a_state_file_nothing_is_written(start_emulator: StartEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    server = start_emulator(scoped_config())
    server.seed("acme", create_body())

    assert list(tmp_path.iterdir()) == []


def test_readiness_is_timed_from_the_saved_change_after_a_restart(start_emulator: StartEmulator, tmp_path: Path) -> None:
    state = tmp_path / "emulator.json"
    start_emulator(scoped_config(state_path=state, readiness_step_s=10), clock=lambda: 1_000.0).seed("acme", create_body())

    later = start_emulator(scoped_config(state_path=state, readiness_step_s=10), clock=lambda: 1_015.0)
    with http_client(later.url) as client, client.stream("GET", "/api/projects/acme/workloads/support-bot/readiness-events") as response:
        first_line = next(response.iter_lines())

    assert json.loads(first_line[len("data: "):])["phase"] == "provisioning"


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"format_version": 99}',
        '{"format_version": 1, "next_id": 1}',
        '{"format_version": 1, "next_id": 1, "projects": {"a": {}}, "workloads": [], "token_bindings": {}}',
    ],
    ids=["not-json", "not-an-object", "unknown-version", "missing-parts", "project-without-id"],
)
def test_an_unusable_state_file_is_a_clear_error_naming_it(tmp_path: Path, content: str) -> None:
    state = tmp_path / "emulator.json"
    state.write_text(content, encoding="utf-8")

    with pytest.raises(StateError, match=str(state).replace("\\", "\\\\")):
        EmulatorServer(scoped_config(state_path=state))


def test_a_state_path_that_is_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="cannot read"):
        EmulatorServer(scoped_config(state_path=tmp_path))
