"""The control-plane client a run talks to, opened and closed around the run.

``--local`` swaps the platform for the in-process emulator (state in a file,
a fixed local token), so the whole flow works with no account and no network.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.settings import TOKEN_ENV, resolve_settings
from inferencekey_ensure.emulator import local_emulator
from inferencekey_ensure.engine.request import RunRequest


@contextmanager
def open_client(request: RunRequest) -> Iterator[ControlPlaneClient]:
    """Raises ``ConfigurationError`` before any request when the settings are unusable,
    and the emulator's ``StateError`` when the local state file cannot be read."""
    if request.local_state is None:
        with ControlPlaneClient(resolve_settings(request.base_url, request.env)) as client:
            yield client
        return
    with local_emulator(request.local_state) as local:
        settings = resolve_settings(local.url, {TOKEN_ENV: local.token})
        with ControlPlaneClient(settings) as client:
            yield client
