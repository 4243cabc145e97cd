"""The in-process emulator behind ``ik-ensure plan --local`` / ``apply --local``.

A newcomer tries the whole flow with no account and no network: the state lives
in ``.inferencekey/local-state.json`` so ``apply --local`` followed by
``plan --local`` shows no changes, and one fixed token (not a secret: it opens
nothing but this local server) is granted every project the specs name.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

from inferencekey_ensure.emulator.auth import ANY_PROJECT, TokenGrant
from inferencekey_ensure.emulator.config import DEFAULT_READINESS_STEP_S, EmulatorConfig
from inferencekey_ensure.emulator.server import EmulatorServer

LOCAL_TOKEN = "ik_sdk_local0000_localsecretnotasecret"
LOCAL_STATE_PATH = Path(".inferencekey") / "local-state.json"


class LocalEmulator(NamedTuple):
    url: str
    token: str


@contextmanager
def local_emulator(
    state_path: Path = LOCAL_STATE_PATH,
    *,
    readiness_step_s: float = DEFAULT_READINESS_STEP_S,
) -> Iterator[LocalEmulator]:
    """Serve the local control plane on an ephemeral loopback port while the block runs.

    Raises ``StateError`` (a ``ValueError``) when the state file is unreadable.
    """
    config = EmulatorConfig(
        state_path=Path(state_path),
        tokens={LOCAL_TOKEN: TokenGrant(ANY_PROJECT)},
        readiness_step_s=readiness_step_s,
    )
    with EmulatorServer(config) as server:
        yield LocalEmulator(server.url, LOCAL_TOKEN)
