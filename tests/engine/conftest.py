"""Fixtures of the engine tests (builders and helpers live in ``support``)."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest

from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import LiveWorkload
from inferencekey_ensure.emulator import EmulatorServer
from inferencekey_ensure.plan.model import Target

from .support import make_live, make_spec, make_target, start_emulator


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
