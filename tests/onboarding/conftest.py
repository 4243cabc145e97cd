"""Fixtures of the onboarding tests: a loopback emulator the environment points at."""

from __future__ import annotations

from support.fixtures import emulator, package_index, platform  # noqa: F401 - fixtures, found by name


