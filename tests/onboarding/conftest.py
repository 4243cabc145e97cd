"""Fixtures of the onboarding tests."""

from __future__ import annotations

from typing import Iterator

import pytest

from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV
from inferencekey_ensure.emulator import EmulatorServer

from .support import TOKEN, start_emulator


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = start_emulator()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def platform(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> EmulatorServer:
    """The emulator, with the environment pointing plan and import at it."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(BASE_URL_ENV, emulator.url)
    monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
    return emulator
