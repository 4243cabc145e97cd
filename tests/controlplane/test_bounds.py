"""Whatever pace and size a server keeps, a request ends by its deadline and an answer is
read only up to its cap: real loopback servers that trickle a byte a second or flood."""

from __future__ import annotations

import dataclasses
from typing import Iterator

import pytest

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.errors import ApiError, NetworkError, OutcomeUnknownError, ReadinessTimeout
from inferencekey_ensure.controlplane.readiness import wait_until_ready
from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.controlplane.settings import resolve_settings
from support.loopback import (
    CHUNKED_HEAD,
    SLOW_HEAD,
    STREAM_HEAD,
    ScriptedServer,
    chunk_of,
    flood,
    trickle,
)

from .conftest import TOKEN

DEADLINE_S = 1.5


@pytest.fixture
def bounded(server: ScriptedServer) -> Iterator[ControlPlaneClient]:
    """A client with a small deadline and cap (as a user could set them), one attempt per call."""
    settings = dataclasses.replace(
        resolve_settings(server.url, {"INFERENCEKEY_SDK_TOKEN": TOKEN}, retry=RetryPolicy(max_attempts=1)),
        request_deadline=DEADLINE_S, max_answer_bytes=64 * 1024, max_event_bytes=4 * 1024,
    )
    with ControlPlaneClient(settings) as client:
        yield client


def test_headers_sent_a_byte_a_second_end_at_the_deadline(server: ScriptedServer, bounded: ControlPlaneClient) -> None:
    server.script(trickle(SLOW_HEAD))
    with pytest.raises(NetworkError) as caught:
        bounded.list_workloads("acme")
    assert caught.value.code == "timeout"
    assert f"within {DEADLINE_S:g}s" in caught.value.message


def test_a_body_sent_a_byte_a_second_ends_at_the_deadline(server: ScriptedServer, bounded: ControlPlaneClient) -> None:
    server.script(trickle(b"[" + b" " * 10_000, head=SLOW_HEAD))
    with pytest.raises(NetworkError) as caught:
        bounded.list_workloads("acme")
    assert caught.value.code == "timeout"
    assert f"within {DEADLINE_S:g}s" in caught.value.message


def test_an_endless_chunked_answer_is_cut_at_the_size_cap(server: ScriptedServer, bounded: ControlPlaneClient) -> None:
    server.script(flood(CHUNKED_HEAD + chunk_of(b"["), chunk_of(b'{"id": "w", "slug": "s"},' * 40)))
    with pytest.raises(ApiError) as caught:
        bounded.list_workloads("acme")
    assert caught.value.code == "protocol" and "64 KiB" in caught.value.message


def test_an_endless_answer_to_a_create_is_an_unknown_outcome_not_a_resend(
    server: ScriptedServer, bounded: ControlPlaneClient
) -> None:
    server.script(flood(CHUNKED_HEAD, chunk_of(b" " * 1024)))
    with pytest.raises(OutcomeUnknownError):
        bounded.create_workload("acme", {"slug": "s"})
    assert server.methods() == ["POST"]


def test_a_readiness_line_that_never_ends_honours_the_wait_timeout(
    server: ScriptedServer, bounded: ControlPlaneClient
) -> None:
    server.script(*[flood(STREAM_HEAD + chunk_of(b"data: "), chunk_of(b"x" * 1024))] * 10)
    with pytest.raises(ReadinessTimeout):
        wait_until_ready(bounded, "acme", "s", timeout_s=2.0)


def test_a_readiness_stream_trickling_a_byte_a_second_honours_the_wait_timeout(
    server: ScriptedServer, bounded: ControlPlaneClient
) -> None:
    server.script(trickle(b"data: " + b"x" * 10_000, head=STREAM_HEAD + b"2710\r\n"))
    with pytest.raises(ReadinessTimeout):
        wait_until_ready(bounded, "acme", "s", timeout_s=2.0)


def test_data_lines_that_never_end_an_event_are_cut_at_the_event_cap(
    server: ScriptedServer, bounded: ControlPlaneClient
) -> None:
    server.script(flood(STREAM_HEAD, chunk_of(b"data: x\n" * 100)))
    with pytest.raises(ApiError) as caught:
        list(bounded.readiness_events("acme", "s"))
    assert caught.value.code == "protocol" and "4 KiB" in caught.value.message


def test_the_defaults_bound_every_request() -> None:
    settings = resolve_settings("http://127.0.0.1:9", {"INFERENCEKEY_SDK_TOKEN": TOKEN})
    assert settings.request_deadline == 30.0
    assert settings.max_answer_bytes == 32 * 1024 * 1024 and settings.max_event_bytes == 1024 * 1024


def test_an_attempt_that_used_the_whole_deadline_is_not_retried(server: ScriptedServer) -> None:
    settings = dataclasses.replace(
        resolve_settings(server.url, {"INFERENCEKEY_SDK_TOKEN": TOKEN}, retry=RetryPolicy(max_attempts=3)),
        request_deadline=DEADLINE_S,
    )
    server.script(trickle(SLOW_HEAD), trickle(SLOW_HEAD), trickle(SLOW_HEAD))
    with ControlPlaneClient(settings) as client, pytest.raises(NetworkError):
        client.list_workloads("acme")
    assert server.methods() == ["GET"]
