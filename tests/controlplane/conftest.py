from __future__ import annotations

from typing import Callable, Iterator, List

import pytest

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.controlplane.settings import resolve_settings
from support.clock import FakeClock
from support.loopback import ScriptedServer

TOKEN = "ik_sdk_t3stt0k3n_SuperSecretTailValue123"
SECRET_TAIL = "SuperSecretTailValue123"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer().start()
    yield scripted
    scripted.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


MakeClient = Callable[..., ControlPlaneClient]


@pytest.fixture
def make_client(server: ScriptedServer, clock: FakeClock) -> Iterator[MakeClient]:
    """A client of the scripted server with fake sleeps; options go to resolve_settings."""
    made: List[ControlPlaneClient] = []

    def make(max_attempts: int = 4, read_timeout: float = 10.0, **retry: float) -> ControlPlaneClient:
        settings = resolve_settings(
            server.url,
            {"INFERENCEKEY_SDK_TOKEN": TOKEN},
            read_timeout=read_timeout,
            retry=RetryPolicy(max_attempts=max_attempts, **retry),
        )
        client = ControlPlaneClient(settings, timing=clock.timing())
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
