from __future__ import annotations

from typing import Any, Callable, Iterator, List, Optional

import httpx
import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from support.emulator_http import http_client, scoped_config

StartEmulator = Callable[..., EmulatorServer]


@pytest.fixture
def start_emulator() -> Iterator[StartEmulator]:
    """Start emulators on ephemeral loopback ports; all are stopped after the test."""
    servers: List[EmulatorServer] = []

    def start(config: Optional[EmulatorConfig] = None, **options: Any) -> EmulatorServer:
        server = EmulatorServer(config if config is not None else scoped_config(), **options).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def emulator(start_emulator: StartEmulator) -> EmulatorServer:
    return start_emulator()


@pytest.fixture
def client(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with http_client(emulator.url) as http:
        yield http
