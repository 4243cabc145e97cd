"""Which control plane a command talks to: the platform, or ``--local``'s emulator.

This is the composition root's decision, kept out of the engine: ``--local`` swaps
the platform for the in-process emulator (state in a file, a fixed local token), so
the whole flow works with no account and no network.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping, Optional

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.settings import TOKEN_ENV, resolve_settings
from inferencekey_ensure.emulator import StateError, local_emulator
from inferencekey_ensure.engine.connector import ConnectFailed, Connector

LOCAL_STATE_FIX = "Delete the local state file to start the local control plane afresh."


@contextmanager
def _local_client(state: Path) -> Iterator[ControlPlaneClient]:
    try:
        with local_emulator(state) as local:
            settings = resolve_settings(local.url, {TOKEN_ENV: local.token})
            with ControlPlaneClient(settings) as client:
                yield client
    except StateError as exc:
        raise ConnectFailed(str(exc), fix=LOCAL_STATE_FIX) from exc


def connector(base_url: Optional[str], env: Mapping[str, str], local_state: Optional[Path]) -> Connector:
    """Opening raises ``ConfigurationError`` before any request when the settings are
    unusable, and ``ConnectFailed`` when the local state file cannot be read."""
    if local_state is not None:
        return lambda: _local_client(local_state)
    return lambda: ControlPlaneClient(resolve_settings(base_url, env))
