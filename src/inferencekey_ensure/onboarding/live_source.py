"""The live workloads of one project, read the way ``plan`` reads them.

The only place ``import`` touches the control-plane client, the settings and the
local emulator, so a move of those modules is fixed here alone. Every failure
becomes one ``LiveReadError``: the client's one-sentence message (already
redacted) and its fix.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Mapping, Optional

from inferencekey_ensure.apply.client import ControlPlaneClient
from inferencekey_ensure.apply.errors import EnsureError
from inferencekey_ensure.apply.settings import TOKEN_ENV, resolve_settings
from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.domain.wire import LiveWorkload, MalformedWorkload, normalise_live
from inferencekey_ensure.emulator import LOCAL_STATE_PATH, StateError, local_emulator

__all__ = ["LOCAL_STATE_PATH", "TOKEN_ENV", "LiveReadError", "read_live_workloads"]


class LiveReadError(Exception):
    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


@contextmanager
def _client(base_url: Optional[str], env: Mapping[str, str], local_state: Optional[Path]) -> Iterator[ControlPlaneClient]:
    if local_state is None:
        with ControlPlaneClient(resolve_settings(base_url, env)) as client:
            yield client
        return
    with local_emulator(local_state) as local:
        with ControlPlaneClient(resolve_settings(local.url, {TOKEN_ENV: local.token})) as client:
            yield client


def read_live_workloads(
    project: str, base_url: Optional[str], env: Mapping[str, str], local_state: Optional[Path]
) -> List[LiveWorkload]:
    """Every workload of ``project``; raises ``LiveReadError`` on any failure."""
    try:
        with _client(base_url, env, local_state) as client:
            return [normalise_live(item) for item in client.list_workloads(project)]
    except EnsureError as exc:
        raise LiveReadError(exc.message, exc.fix) from None
    except MalformedWorkload as exc:
        raise LiveReadError(f"api error: {exc}", "The platform sent a malformed workload list; re-run later.") from None
    except StateError as exc:
        raise LiveReadError(redact_text(str(exc), [env.get(TOKEN_ENV)]),
                            "Delete the local state file to start the local control plane afresh.") from None
