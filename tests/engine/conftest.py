"""Fixtures of the engine tests: a loopback emulator."""

from __future__ import annotations

from support.fixtures import emulator  # noqa: F401 - fixtures, found by name


