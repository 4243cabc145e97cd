"""Fixtures of the planner tests: live-workload and target builders."""

from __future__ import annotations

from support.fixtures import live, target  # noqa: F401 - fixtures, found by name


