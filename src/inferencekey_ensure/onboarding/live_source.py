"""The live workloads of one project, read the way ``plan`` reads them.

The CLI (the composition root) decides between the platform and the local
emulator and hands over a ``Connector``, as it does for ``plan``. Every failure
becomes one ``LiveReadError``: the client's one-sentence message (already
redacted) and its fix.
"""

from __future__ import annotations

from typing import List

from inferencekey_ensure.controlplane.errors import EnsureError
from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.domain.wire import LiveWorkload, MalformedWorkload, normalise_live
from inferencekey_ensure.engine.connector import ConnectFailed, Connector

__all__ = ["LiveReadError", "read_live_workloads"]


class LiveReadError(IkEnsureError):
    """The live workloads could not be read; ``message`` and ``fix`` are the client's."""


def read_live_workloads(project: str, connect: Connector) -> List[LiveWorkload]:
    """Every workload of ``project``; raises ``LiveReadError`` on any failure."""
    try:
        with connect() as client:
            return [normalise_live(item) for item in client.list_workloads(project)]
    except (EnsureError, ConnectFailed) as exc:
        raise LiveReadError(exc.message, exc.fix) from None
    except MalformedWorkload as exc:
        raise LiveReadError(f"api error: {exc}", "The platform sent a malformed workload list; re-run later.") from None
