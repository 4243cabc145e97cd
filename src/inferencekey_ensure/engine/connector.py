"""How the engine reaches a control plane without knowing which one it is.

The composition root (the CLI) decides between the platform and the local
emulator and hands the engine a ``Connector``; the engine opens it only once the
specs are valid and every one has a project, so a bad token never hides a bad spec.
"""

from __future__ import annotations

from typing import Callable, ContextManager

from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.domain.errors import IkEnsureError

Connector = Callable[[], ContextManager[ControlPlaneClient]]


class ConnectFailed(IkEnsureError):
    """The connector could not open a client (e.g. unreadable local state): reported, not raised."""
