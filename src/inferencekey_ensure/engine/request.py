"""What one run of ``plan`` or ``apply`` is asked to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

from inferencekey_ensure.controlplane.readiness import DEFAULT_WAIT_TIMEOUT_S
from inferencekey_ensure.domain.spec import DEFAULT_ON_DRIFT

PREVIEW = "preview"
RECONCILE = "reconcile"
DEFAULT_PARALLELISM = 8


def _discard(_line: str) -> None:
    return None


@dataclass(frozen=True)
class RunRequest:
    """One run: which files, against what, in which mode.

    ``env`` is where ``INFERENCEKEY_*`` are read from (never ``os.environ``
    directly, so a test or an embedding caller controls it). ``local_state``
    set means "run against the in-process emulator keeping its state there".
    ``progress`` receives one line per readiness event under ``wait``.
    """

    paths: Sequence[str]
    mode: str = PREVIEW
    on_drift: str = DEFAULT_ON_DRIFT
    prune: bool = False
    project: Optional[str] = None
    base_url: Optional[str] = None
    env: Mapping[str, str] = field(default_factory=dict)
    local_state: Optional[Path] = None
    wait: bool = False
    wait_timeout_s: float = DEFAULT_WAIT_TIMEOUT_S
    parallelism: int = DEFAULT_PARALLELISM
    progress: Callable[[str], None] = _discard
