"""The in-process emulator behind ``--local``."""

from __future__ import annotations

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
