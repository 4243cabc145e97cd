"""The control-plane client over real loopback HTTP, one scripted answer per request."""

from __future__ import annotations

import threading
from email.utils import formatdate
from typing import Any, Dict, List

import pytest

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.errors import (
    ApiError,
    AuthError,
    EnsureError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDenied,
    ValidationError,
)
from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.controlplane.settings import resolve_settings
from support.clock import FakeClock
from support.loopback import (
    ScriptedServer,
    close_mid_response,
    close_without_response,
    closed_port,
    echo_authorization,
    reply,
    stall,
    unaccepting_port,
)

from .conftest import SECRET_TAIL, TOKEN, MakeClient

WORKLOAD: Dict[str, Any] = {"id": "w1", "slug": "support-bot", "name": "Support bot", "project_id": "p1"}
CREATE_BODY = {"name": "Support bot", "slug": "support-bot", "task_type": "text2text", "backend": "ollama",
               "model_name": "llama3"}


def _client_at(port: int, clock: FakeClock, max_attempts: int, connect_timeout: float = 5.0) -> ControlPlaneClient:
    """A client of a loopback port that will not answer (nothing listens, or nothing accepts)."""
    settings = resolve_settings(
        f"http://127.0.0.1:{port}", {"INFERENCEKEY_SDK_TOKEN": TOKEN},
        connect_timeout=connect_timeout, retry=RetryPolicy(max_attempts=max_attempts),
    )
    return ControlPlaneClient(settings, timing=clock.timing())


def _error_text(error: EnsureError) -> str:
    return " ".join([str(error), error.fix, error.code, repr(error), error.detail])


# --- wire format -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, expected",
    [
        ([WORKLOAD], [WORKLOAD]),
        ({"workloads": [WORKLOAD]}, [WORKLOAD]),
        (None, []),
        ({"workloads": None}, []),
        ([], []),
    ],
)
def test_list_accepts_every_documented_body_shape(
    server: ScriptedServer, make_client: MakeClient, body: Any, expected: List[dict]
) -> None:
    server.script(reply(200, body if body is not None else "null"))
    assert make_client().list_workloads("acme") == expected


def test_requests_carry_bearer_token_user_agent_and_the_documented_routes(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script(reply(200, []), reply(201, WORKLOAD), reply(200, WORKLOAD), reply(204))
    client = make_client()
    client.list_workloads("acme")
    assert client.create_workload("acme", CREATE_BODY) == WORKLOAD
    assert client.patch_workload("w1", {"model_name": "llama3.1"}) == WORKLOAD
    assert client.delete_workload("w1") is None
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", "/api/projects/acme/workloads"),
        ("POST", "/api/projects/acme/workloads"),
        ("PATCH", "/api/workloads/w1"),
        ("DELETE", "/api/workloads/w1"),
    ]
    for request in server.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["user-agent"].startswith("ik-ensure/")
    assert server.requests[1].json() == CREATE_BODY
    assert server.requests[2].json() == {"model_name": "llama3.1"}


def test_a_base_url_with_a_path_prefix_keeps_it(server: ScriptedServer, clock: FakeClock) -> None:
    server.script(reply(200, []))
    settings = resolve_settings(server.url + "/gateway/", {"INFERENCEKEY_SDK_TOKEN": TOKEN})
    with ControlPlaneClient(settings, timing=clock.timing()) as client:
        client.list_workloads("acme")
    assert server.requests[0].path == "/gateway/api/projects/acme/workloads"


def test_names_are_escaped_so_they_cannot_reach_another_route(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script(reply(200, []), reply(204))
    client = make_client()
    client.list_workloads("../workloads/x?y")
    client.delete_workload("a/b")
    assert [r.path for r in server.requests] == [
        "/api/projects/..%2Fworkloads%2Fx%3Fy/workloads",
        "/api/workloads/a%2Fb",
    ]


# --- retries --------------------------------------------------------------------------------


def test_a_503_then_200_is_retried_after_a_backoff(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(reply(503, {"error": {"message": "busy"}}), reply(200, [WORKLOAD]))
    assert make_client().list_workloads("acme") == [WORKLOAD]
    assert server.methods() == ["GET", "GET"]
    assert len(clock.sleeps) == 1 and 0 <= clock.sleeps[0] <= 0.5


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_every_transient_status_is_retried(
    server: ScriptedServer, make_client: MakeClient, status: int
) -> None:
    server.script(reply(status), reply(200, []))
    assert make_client().list_workloads("acme") == []
    assert len(server.requests) == 2


def test_retry_after_seconds_is_honoured(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(reply(429, headers={"Retry-After": "7"}), reply(200, []))
    make_client().list_workloads("acme")
    assert clock.sleeps == [7.0]


def test_retry_after_http_date_is_honoured(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    when = formatdate(FakeClock.WALL_START + 12, usegmt=True)
    server.script(reply(503, headers={"Retry-After": when}), reply(200, []))
    make_client().list_workloads("acme")
    assert clock.sleeps == [pytest.approx(12.0)]


def test_retries_stop_after_max_attempts_with_the_last_error(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(*[reply(503, {"error": {"message": "down"}})] * 10)
    with pytest.raises(ApiError) as caught:
        make_client(max_attempts=3).list_workloads("acme")
    assert len(server.requests) == 3 and len(clock.sleeps) == 2
    assert str(caught.value) == "api error (status 503): down (gave up after 3 attempts)"
    assert caught.value.transient


def test_retries_stop_when_the_time_budget_would_be_exceeded(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(*[reply(503, headers={"Retry-After": "20"})] * 10)
    with pytest.raises(ApiError):
        make_client(max_attempts=10, total_budget_s=50.0).list_workloads("acme")
    assert clock.sleeps == [20.0, 20.0]
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    "status, error_type",
    [(400, ValidationError), (401, AuthError), (403, PermissionDenied), (404, NotFoundError), (500, ApiError)],
)
def test_permanent_errors_are_never_retried(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock, status: int, error_type: type
) -> None:
    server.script(*[reply(status, {"error": {"code": "c", "message": "m"}})] * 3)
    client = make_client()
    with pytest.raises(error_type):
        client.list_workloads("acme")
    with pytest.raises(error_type):
        client.patch_workload("w1", {"name": "x"})
    assert len(server.requests) == 2 and clock.sleeps == []


def test_a_non_json_200_on_a_read_is_retried_as_a_protocol_error(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script(reply(200, "<html>gateway</html>"), reply(200, [WORKLOAD]))
    assert make_client().list_workloads("acme") == [WORKLOAD]
    assert len(server.requests) == 2


def test_a_list_body_of_the_wrong_shape_is_not_read_as_empty(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script(*[reply(200, {"items": []})] * 2)
    with pytest.raises(ApiError) as caught:
        make_client(max_attempts=2).list_workloads("acme")
    assert caught.value.code == "protocol" and caught.value.status == 200


def test_a_connection_closed_mid_response_is_retried_for_a_read(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script(close_mid_response(), reply(200, [WORKLOAD]))
    assert make_client().list_workloads("acme") == [WORKLOAD]


def test_a_refused_connection_is_retried_then_reported_as_a_network_error(clock: FakeClock) -> None:
    with _client_at(closed_port(), clock, max_attempts=3) as client, pytest.raises(NetworkError) as caught:
        client.list_workloads("acme")
    assert len(clock.sleeps) == 2
    assert str(caught.value).startswith("network error: could not connect to http://127.0.0.1:")
    assert caught.value.transient


# --- creates are never blindly re-sent -----------------------------------------------------------


@pytest.mark.parametrize(
    "lost",
    [
        reply(503, {"error": {"message": "upstream lost"}}),
        reply(502),
        reply(504),
        reply(500),
        reply(200, "<html>not json</html>"),
        reply(201, {"id": "w1"}),
        close_mid_response(),
        close_without_response(),
    ],
    ids=["503", "502", "504", "500", "non-json-200", "201-without-slug", "closed-mid-response", "no-response"],
)
def test_a_create_that_may_have_been_stored_is_not_resent(
    server: ScriptedServer, make_client: MakeClient, lost: Any
) -> None:
    server.script(lost, reply(201, WORKLOAD))
    with pytest.raises(OutcomeUnknownError) as caught:
        make_client().create_workload("acme", CREATE_BODY)
    assert server.methods() == ["POST"]
    assert str(caught.value).startswith('outcome unknown: create of "support-bot" in project "acme" may have been stored')
    assert "re-list" in caught.value.fix.lower()


def test_a_create_whose_answer_times_out_is_outcome_unknown(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script(stall(30, reply(201, WORKLOAD)), reply(201, WORKLOAD))
    with pytest.raises(OutcomeUnknownError) as caught:
        make_client(read_timeout=0.3).create_workload("acme", CREATE_BODY)
    assert server.methods() == ["POST"]
    assert "timed out" in str(caught.value)


def test_a_rate_limited_create_is_resent_because_it_was_not_processed(
    server: ScriptedServer, make_client: MakeClient, clock: FakeClock
) -> None:
    server.script(reply(429, headers={"Retry-After": "3"}), reply(201, WORKLOAD))
    assert make_client().create_workload("acme", CREATE_BODY) == WORKLOAD
    assert server.methods() == ["POST", "POST"] and clock.sleeps == [3.0]
    assert server.requests[0].body == server.requests[1].body


def test_a_create_that_could_not_connect_is_retried_and_never_reported_unknown(clock: FakeClock) -> None:
    with _client_at(closed_port(), clock, max_attempts=2) as client, pytest.raises(NetworkError) as caught:
        client.create_workload("acme", CREATE_BODY)
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert len(clock.sleeps) == 1


def test_a_rejected_create_is_a_validation_error_not_an_unknown_outcome(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script(reply(400, {"error": {"code": "invalid", "message": "backend is required"}}))
    with pytest.raises(ValidationError, match="bad request: backend is required"):
        make_client().create_workload("acme", CREATE_BODY)
    assert server.methods() == ["POST"]


# --- idempotent writes --------------------------------------------------------------------------


def test_a_patch_is_retried_with_the_same_fields(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(reply(503), close_mid_response(), reply(200, WORKLOAD))
    assert make_client().patch_workload("w1", {"name": "New"}) == WORKLOAD
    assert server.methods() == ["PATCH"] * 3
    assert {r.body for r in server.requests} == {b'{"name":"New"}'}


def test_a_404_after_a_retried_delete_means_it_is_already_done(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script(close_without_response(), reply(404, {"error": {"message": "no such workload"}}))
    assert make_client().delete_workload("w1") is None
    assert server.methods() == ["DELETE", "DELETE"]


def test_a_404_on_the_first_delete_is_reported(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(reply(404, {"error": {"message": "no such workload"}}))
    with pytest.raises(NotFoundError, match="not found: no such workload"):
        make_client().delete_workload("w1")


# --- timeouts ---------------------------------------------------------------------------------


def test_the_read_timeout_is_enforced(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(stall(30, reply(200, [])))
    with pytest.raises(NetworkError) as caught:
        make_client(max_attempts=1, read_timeout=0.3).list_workloads("acme")
    assert caught.value.code == "timeout" and caught.value.transient


def test_the_connect_timeout_is_enforced_and_a_create_that_never_connected_is_retried(clock: FakeClock) -> None:
    with unaccepting_port() as port, _client_at(port, clock, max_attempts=2, connect_timeout=0.2) as client, pytest.raises(NetworkError) as caught:
        client.create_workload("acme", CREATE_BODY)
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert caught.value.code == "timeout" and len(clock.sleeps) == 1
    assert "could not connect" in str(caught.value)


def test_a_slow_read_is_retried_within_the_policy(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(stall(30, reply(200, [])), reply(200, [WORKLOAD]))
    assert make_client(read_timeout=0.3).list_workloads("acme") == [WORKLOAD]


# --- errors over the wire ------------------------------------------------------------------------


def test_401_and_403_codes_arrive_typed(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(
        reply(401, {"error": {"code": "invalid_token", "message": "unknown token"}}),
        reply(403, {"error": {"code": "project_scope_mismatch", "message": "token is for project other"}}),
        reply(403, {"error": {"code": "scope_insufficient", "message": "read-only token"}}),
    )
    client = make_client()
    with pytest.raises(AuthError, match=r"^authentication failed: unknown token$"):
        client.list_workloads("acme")
    with pytest.raises(PermissionDenied) as mismatch:
        client.create_workload("acme", CREATE_BODY)
    assert str(mismatch.value) == "permission denied [project_scope_mismatch]: token is for project other"
    with pytest.raises(PermissionDenied) as insufficient:
        client.patch_workload("w1", {"name": "x"})
    assert insufficient.value.code == "scope_insufficient"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 500, 503])
def test_the_token_is_never_in_an_error_even_when_the_server_echoes_it(
    server: ScriptedServer, make_client: MakeClient, status: int
) -> None:
    server.script(*[echo_authorization(status)] * 4)
    client = make_client(max_attempts=2)
    for call in (lambda: client.list_workloads("acme"), lambda: client.create_workload("acme", CREATE_BODY)):
        with pytest.raises(EnsureError) as caught:
            call()
        assert SECRET_TAIL not in _error_text(caught.value)
        assert "ik_sdk_t3stt0k3…" in str(caught.value)
    assert SECRET_TAIL not in repr(client)


def test_one_client_serves_many_threads_at_once(server: ScriptedServer, make_client: MakeClient) -> None:
    server.script(*[reply(200, [WORKLOAD])] * 40)
    client = make_client()
    results: List[Any] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(5):
            found = client.list_workloads("acme")
            with lock:
                results.append(found)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [[WORKLOAD]] * 40
    assert len(server.requests) == 40
