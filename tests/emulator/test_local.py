"""The in-process emulator behind ``--local``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from inferencekey_ensure.emulator import LOCAL_STATE_PATH, LOCAL_TOKEN, local_emulator
from support.emulator_http import create_body, http_client, workloads_path


def test_local_state_lives_in_dot_inferencekey_by_default() -> None:
    assert Path(".inferencekey") / "local-state.json" == LOCAL_STATE_PATH


def test_the_local_token_is_a_control_plane_token_for_every_project(tmp_path: Path) -> None:
    with local_emulator(tmp_path / "local.json") as (url, token):
        assert token == LOCAL_TOKEN and token.startswith("ik_sdk_")
        with http_client(url, token) as client:
            statuses = [client.post(workloads_path(p), json=create_body()).status_code for p in ("acme", "beta")]

    assert statuses == [201, 201]


def test_local_state_persists_between_runs_and_creates_its_folder(tmp_path: Path) -> None:
    state = tmp_path / ".inferencekey" / "local-state.json"
    with local_emulator(state) as local, http_client(local.url, local.token) as client:
        created = client.post(workloads_path(), json=create_body()).json()

    assert state.is_file()
    with local_emulator(state) as local, http_client(local.url, local.token) as client:
        assert client.get(workloads_path()).json() == {"workloads": [created]}


def test_the_local_emulator_listens_on_loopback_and_stops_with_the_block(tmp_path: Path) -> None:
    with local_emulator(tmp_path / "local.json") as local:
        assert local.url.startswith("http://127.0.0.1:")
        with http_client(local.url, local.token) as client:
            assert client.get(workloads_path()).status_code == 200

    with http_client(local.url, local.token) as client, pytest.raises(httpx.TransportError):
        client.get(workloads_path())


def test_the_local_state_folder_ignores_itself_in_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    with local_emulator(tmp_path / ".inferencekey" / "local-state.json") as local, \
            http_client(local.url, local.token) as client:
        client.post(workloads_path(), json=create_body())

    assert (tmp_path / ".inferencekey" / "local-state.json").is_file()
    listed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout
    assert listed == ""


def test_a_gitignore_already_in_the_state_folder_is_left_as_it_is(tmp_path: Path) -> None:
    ignore = tmp_path / ".inferencekey" / ".gitignore"
    ignore.parent.mkdir()
    ignore.write_text("local-state.json\n", encoding="utf-8")
    with local_emulator(tmp_path / ".inferencekey" / "local-state.json"):
        pass
    assert ignore.read_text(encoding="utf-8") == "local-state.json\n"


def test_a_state_file_elsewhere_gets_no_gitignore(tmp_path: Path) -> None:
    with local_emulator(tmp_path / "local.json"):
        pass
    assert not (tmp_path / ".gitignore").exists()
