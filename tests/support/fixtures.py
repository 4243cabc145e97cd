"""Fixtures more than one folder uses; a folder's conftest imports the ones it needs."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest

from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV
from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import LiveWorkload
from inferencekey_ensure.emulator import EmulatorServer
from inferencekey_ensure.plan.model import Target

from .emulator import TOKEN, start_emulator
from .engine import make_live, make_spec, make_target
from .package_index import PackageIndex, every_file


@pytest.fixture
def spec() -> Callable[..., WorkloadSpec]:
    return make_spec


@pytest.fixture
def live() -> Callable[..., LiveWorkload]:
    return make_live


@pytest.fixture
def target() -> Callable[..., Target]:
    return make_target


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = start_emulator()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def platform(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> EmulatorServer:
    """The emulator, with the environment pointing plan, apply and import at it."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(BASE_URL_ENV, emulator.url)
    monkeypatch.delenv("INFERENCEKEY_PROJECT", raising=False)
    return emulator


@pytest.fixture(scope="session")
def package_index() -> Iterator[PackageIndex]:
    """Every wheel the action and the pre-commit hook install, served from 127.0.0.1 (see package_index)."""
    with PackageIndex(every_file()) as index:
        yield index
