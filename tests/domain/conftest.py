"""Fixtures of the domain tests: spec and live-workload builders."""

from __future__ import annotations

from support.fixtures import live, spec  # noqa: F401 - fixtures, found by name


