"""The loopback package index the action's environment is installed from."""

from __future__ import annotations

from support.fixtures import package_index  # noqa: F401 - a fixture, found by name
