from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "act: runs the action with act (a real runner in host mode); select with -m act")
