"""What a run says while it works: typed events, handed to the caller as they happen.

The engine never prints. A long apply reports each write's outcome the moment it
completes (and, under ``--wait``, each readiness step) through one callable the
caller gives in ``RunRequest.on_event``; the CLI turns events into stderr lines or a
live progress line, the action into log lines. Events arrive from the write pool's
threads, in completion order, so a handler must be thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, Optional, Union

# What became of one write; the words the progress lines print.
WriteOutcome = Literal["created", "updated", "deleted", "failed"]
CREATED: WriteOutcome = "created"
UPDATED: WriteOutcome = "updated"
DELETED: WriteOutcome = "deleted"
FAILED_WRITE: WriteOutcome = "failed"


@dataclass(frozen=True)
class WritesStarting:
    """The write phase begins: ``total`` writes (creates, updates, deletions) are due."""

    total: int


@dataclass(frozen=True)
class WriteDone:
    """One write finished; ``error`` says why when ``outcome`` is ``failed``."""

    project: str
    slug: str
    outcome: WriteOutcome
    elapsed_s: float
    deletion: bool = False
    error: Optional[str] = None


@dataclass(frozen=True)
class DeletionsWithheld:
    """Deletions left undone because a create or update failed before them."""

    count: int
    failed_writes: int


@dataclass(frozen=True)
class ReadinessStep:
    """Under ``--wait``: one readiness event of a written workload."""

    project: str
    slug: str
    phase: str
    elapsed_s: float
    step: Optional[str] = None
    message: Optional[str] = None


@dataclass(frozen=True)
class StreamInterrupted:
    """Under ``--wait``: a readiness stream broke and is being reopened."""

    project: str
    slug: str
    reason: str
    retry_in_s: float


RunEvent = Union[WritesStarting, WriteDone, DeletionsWithheld, ReadinessStep, StreamInterrupted]
EventSink = Callable[[RunEvent], None]


def discard(_event: RunEvent) -> None:
    """The default sink: a caller that does not listen hears nothing."""
    return None
