"""A run's events as plain lines: one per write as it completes, for CI logs and terminals.

Stable wording, one finding per line, greppable: ``created acme/support-bot (0.41s)``.
"""

from __future__ import annotations

from typing import Optional

from inferencekey_ensure.engine.events import (
    DeletionsWithheld,
    ReadinessStep,
    RunEvent,
    StreamInterrupted,
    WriteDone,
    WritesStarting,
)


def write_line(event: WriteDone) -> str:
    line = f"{event.outcome} {event.project}/{event.slug} ({event.elapsed_s:.2f}s)"
    if event.error:
        what = "deletion" if event.deletion else "write"
        line += f": {what} failed: {event.error}"
    return line


def event_line(event: RunEvent) -> Optional[str]:
    """The line an event prints, or None for one that only feeds a live display."""
    if isinstance(event, WriteDone):
        return write_line(event)
    if isinstance(event, WritesStarting):
        return f"applying {event.total} write(s); each is listed as it completes"
    if isinstance(event, DeletionsWithheld):
        return (f"deletions withheld: {event.count} workload(s) not deleted, because "
                f"{event.failed_writes} workload(s) failed or were refused first")
    if isinstance(event, ReadinessStep):
        parts = [f"{event.project}/{event.slug}: {event.phase}"]
        if event.step:
            parts.append(f"[{event.step}]")
        if event.message:
            parts.append(f"- {event.message}")
        parts.append(f"({event.elapsed_s:.1f}s)")
        return " ".join(parts)
    if isinstance(event, StreamInterrupted):
        return (f"{event.project}/{event.slug}: stream interrupted ({event.reason}); "
                f"reconnecting in {event.retry_in_s:g}s")
