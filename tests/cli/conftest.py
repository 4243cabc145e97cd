"""Fixtures of the CLI tests: a loopback emulator the environment points at."""

from __future__ import annotations

from support.fixtures import emulator, platform  # noqa: F401 - fixtures, found by name


