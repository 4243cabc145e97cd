"""Where ``plan``/``apply`` tell their progress: stderr, never stdout (the report's).

In a CI log or any non-terminal each event is one plain line. On an interactive
terminal (stderr is a TTY, ``TERM`` is not ``dumb``, ``NO_COLOR`` unset) completed
writes update one live line in place instead; failures and readiness lines still
print in full above it, so nothing that matters scrolls away.
"""

from __future__ import annotations

import threading
from typing import List, Mapping, Optional, Sequence, TextIO

from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.engine.events import FAILED_WRITE, RunEvent, WriteDone, WritesStarting
from inferencekey_ensure.report.event_text import event_line, write_line

_CLEAR = "\r\033[2K"


def live_terminal(stream: TextIO, env: Mapping[str, str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return (bool(isatty and isatty()) and "NO_COLOR" not in env
            and env.get("TERM", "").lower() != "dumb")


class ProgressPrinter:
    """An event sink (thread-safe: events come from the write pool's threads)."""

    def __init__(self, stream: TextIO, live: bool, secrets: Sequence[Optional[str]] = ()) -> None:
        self._stream = stream
        self._secrets: List[Optional[str]] = list(secrets)
        self._live = live
        self._lock = threading.Lock()
        self._total = 0
        self._done = 0
        self._showing = False

    def __call__(self, event: RunEvent) -> None:
        with self._lock:
            if isinstance(event, WritesStarting):
                self._total, self._done = event.total, 0
            if isinstance(event, WriteDone):
                self._done += 1
                if self._live and event.outcome != FAILED_WRITE:
                    self._status(write_line(event))
                    return
            line = event_line(event)
            if line is not None and not (self._live and isinstance(event, WritesStarting)):
                self._print(line)

    def _status(self, line: str) -> None:
        self._stream.write(f"{_CLEAR}[{self._done}/{self._total}] {redact_text(line, self._secrets)}")
        self._stream.flush()
        self._showing = True

    def _print(self, line: str) -> None:
        if self._showing:
            self._stream.write(_CLEAR)
            self._showing = False
        self._stream.write(redact_text(line, self._secrets) + "\n")
        self._stream.flush()

    def close(self) -> None:
        """Leave the terminal on a clean line before the report prints."""
        with self._lock:
            if self._showing:
                self._stream.write(_CLEAR)
                self._stream.flush()
                self._showing = False


def progress_printer(stream: TextIO, env: Mapping[str, str], secret_env: str) -> ProgressPrinter:
    """Plain lines or a live line, as ``stream`` and ``env`` allow; the token in
    ``env[secret_env]`` is redacted even when it does not look like one."""
    return ProgressPrinter(stream, live=live_terminal(stream, env), secrets=[env.get(secret_env)])
