"""The in-process emulator behind ``ik-ensure plan --local`` / ``apply --local``.

A newcomer tries the whole flow with no account and no network: the state lives
in ``.inferencekey/local-state.json`` so ``apply --local`` followed by
``plan --local`` shows no changes, and one fixed token (not a secret: it opens
nothing but this local server) is granted every project the specs name. That
folder sits in the user's repository, so it carries a ``.gitignore`` of its own
(``*``, as pytest does for its cache): the state never lands in a commit, with no
edit to the user's ignore files.
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
IGNORE_ALL = "# Written by ik-ensure: the local control plane's state (--local), never committed.\n*\n"


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
    state_path = Path(state_path)
    if state_path.parent.name == LOCAL_STATE_PATH.parent.name:
        _ignore_in_git(state_path.parent)
    config = EmulatorConfig(
        state_path=state_path,
        tokens={LOCAL_TOKEN: TokenGrant(ANY_PROJECT)},
        readiness_step_s=readiness_step_s,
    )
    with EmulatorServer(config) as server:
        yield LocalEmulator(server.url, LOCAL_TOKEN)


def _ignore_in_git(folder: Path) -> None:
    """Give the state folder a ``.gitignore`` ignoring everything in it, unless it has one."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(IGNORE_ALL, encoding="utf-8")
