"""Token scoping: 401 and each 403 code with the platform's error body."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

import httpx
import pytest

from inferencekey_ensure.emulator import ANY_PROJECT, EmulatorConfig, EmulatorServer, TokenGrant
from support.emulator_http import (
    LIVE_KEY,
    OTHER_TOKEN,
    PROJECT,
    READ_TOKEN,
    TOKEN,
    bearer,
    create_body,
    http_client,
    workloads_path,
)

from .conftest import StartEmulator


def _error(response: httpx.Response) -> Dict[str, str]:
    error = response.json()["error"]
    assert set(error) == {"code", "message"} and error["message"]
    return error


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer ik_sdk_unkn1234_unknownsecret000"},
    ],
    ids=["missing", "empty", "no-token", "not-bearer", "no-ik-sdk-prefix", "unknown-sdk-token"],
)
def test_missing_or_invalid_tokens_get_401_with_a_body(emulator: EmulatorServer, headers: Dict[str, str]) -> None:
    with http_client(emulator.url, token=None) as http:
        response = http.get(workloads_path(), headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert _error(response)["code"] == "unauthenticated"


def test_a_data_plane_key_gets_403_wrong_credential_type(client: httpx.Client) -> None:
    response = client.get(workloads_path(), headers=bearer(LIVE_KEY))

    assert response.status_code == 403
    assert _error(response)["code"] == "wrong_credential_type"


def test_a_token_on_another_project_gets_403_project_scope_mismatch(client: httpx.Client) -> None:
    for response in (
        client.get(workloads_path("beta")),
        client.post(workloads_path("beta"), json=create_body()),
    ):
        assert response.status_code == 403
        assert _error(response)["code"] == "project_scope_mismatch"


def test_patch_and_delete_of_another_projects_workload_get_403_project_scope_mismatch(client: httpx.Client) -> None:
    theirs = client.post(workloads_path("beta"), json=create_body(), headers=bearer(OTHER_TOKEN)).json()

    patch = client.patch(f"/api/workloads/{theirs['id']}", json={"name": "mine now"})
    delete = client.delete(f"/api/workloads/{theirs['id']}")

    assert (patch.status_code, delete.status_code) == (403, 403)
    assert _error(patch)["code"] == _error(delete)["code"] == "project_scope_mismatch"
    listed = client.get(workloads_path("beta"), headers=bearer(OTHER_TOKEN)).json()["workloads"]
    assert listed == [theirs]


def test_a_read_only_token_reads_but_every_write_gets_403_scope_insufficient(client: httpx.Client) -> None:
    mine = client.post(workloads_path(), json=create_body()).json()
    read_only = bearer(READ_TOKEN)

    assert client.get(workloads_path(), headers=read_only).status_code == 200
    with client.stream("GET", f"/api/projects/{PROJECT}/workloads/support-bot/readiness-events", headers=read_only) as stream:
        assert stream.status_code == 200
    for response in (
        client.post(workloads_path(), json=create_body(slug="other"), headers=read_only),
        client.patch(f"/api/workloads/{mine['id']}", json={"name": "x"}, headers=read_only),
        client.delete(f"/api/workloads/{mine['id']}", headers=read_only),
    ):
        assert response.status_code == 403
        assert _error(response)["code"] == "scope_insufficient"
    assert client.get(workloads_path()).json()["workloads"] == [mine]


def test_no_answer_ever_echoes_the_token(client: httpx.Client) -> None:
    answers = [
        client.get(workloads_path("beta")),
        client.get(workloads_path(), headers=bearer(LIVE_KEY)),
        client.get(workloads_path(), headers=bearer("ik_sdk_unkn1234_unknownsecret000")),
        client.post(workloads_path(), json=create_body(), headers=bearer(READ_TOKEN)),
    ]

    for response in answers:
        for secret in (TOKEN, LIVE_KEY, "unknownsecret000", READ_TOKEN, "acmesecretvalue0001"):
            assert secret not in response.text
            assert all(secret not in value for value in response.headers.values())


def _open_emulator(start_emulator: StartEmulator, state: Optional[Path] = None) -> EmulatorServer:
    return start_emulator(EmulatorConfig(state_path=state, readiness_step_s=0))


def test_open_mode_binds_a_token_to_the_first_project_it_touches(start_emulator: StartEmulator) -> None:
    server = _open_emulator(start_emulator)
    with http_client(server.url) as http:
        assert http.get(workloads_path("first")).status_code == 200
        assert http.post(workloads_path("first"), json=create_body()).status_code == 201
        refused = http.get(workloads_path("second"))
        other_token = http.get(workloads_path("second"), headers=bearer(OTHER_TOKEN))

    assert refused.status_code == 403 and _error(refused)["code"] == "project_scope_mismatch"
    assert other_token.status_code == 200


def test_open_mode_still_refuses_tokens_that_are_not_control_plane_tokens(start_emulator: StartEmulator) -> None:
    server = _open_emulator(start_emulator)

    with http_client(server.url, token=None) as http:
        assert http.get(workloads_path(), headers=bearer("plain")).status_code == 401
        assert http.get(workloads_path(), headers=bearer(LIVE_KEY)).status_code == 403


def test_open_mode_binding_survives_a_restart_without_storing_the_token(
    start_emulator: StartEmulator, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    first = _open_emulator(start_emulator, state)
    with http_client(first.url) as http:
        http.get(workloads_path("first"))
    first.stop()

    second = _open_emulator(start_emulator, state)
    with http_client(second.url) as http:
        refused = http.get(workloads_path("second"))

    assert refused.status_code == 403
    saved = state.read_text(encoding="utf-8")
    assert TOKEN not in saved and "acmesecretvalue0001" not in saved


def test_an_unknown_workload_id_does_not_bind_an_open_mode_token(start_emulator: StartEmulator) -> None:
    server = _open_emulator(start_emulator)
    with http_client(server.url) as http:
        assert http.delete("/api/workloads/wl_nothing").status_code == 404
        assert http.get(workloads_path("chosen-later")).status_code == 200


def test_a_grant_to_any_project_serves_every_project(start_emulator: StartEmulator) -> None:
    server = start_emulator(EmulatorConfig(tokens={TOKEN: TokenGrant(ANY_PROJECT)}))
    with http_client(server.url) as http:
        statuses = [http.post(workloads_path(project), json=create_body()).status_code for project in ("a", "b")]

    assert statuses == [201, 201]


def test_token_grants_refuse_meaningless_settings() -> None:
    with pytest.raises(ValueError):
        TokenGrant("")
    with pytest.raises(ValueError):
        TokenGrant(PROJECT, ("write",))
    with pytest.raises(ValueError):
        TokenGrant(PROJECT, ("read", "admin"))
