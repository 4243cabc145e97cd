"""The step log: workflow commands, and plain text the runner must never parse as one.

Plain text (plan output, readiness progress, server messages) may hold anything a
spec or a server put there; a line starting with ``::``, or holding ``##[``, would be
a command. Every line is redacted and goes through ``commands.plain_line``, every
annotation through ``commands.format_annotation``: one rule for all of them. Writes
are serialised: readiness progress arrives from several threads.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Sequence, TextIO

from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.engine.events import RunEvent
from inferencekey_ensure.flow.annotations import Annotation
from inferencekey_ensure.github.commands import (
    add_mask,
    endgroup,
    format_annotation,
    group,
    plain_line,
)
from inferencekey_ensure.report.event_text import event_line


class WorkflowLog:
    def __init__(self, stream: TextIO, secrets: Sequence[str] = ()) -> None:
        self._stream = stream
        self._secrets = [secret for secret in secrets if secret]
        self._lock = threading.Lock()

    def _write(self, line: str) -> None:
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def redact(self, text: str) -> str:
        return redact_text(text, self._secrets)

    def mask(self, secret: str) -> None:
        """Tell the runner to hide ``secret``; then redact it here too, for tools that ignore masks."""
        for line in add_mask(secret):
            self._write(line)
        self._secrets.append(secret)

    def plain(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self._write(plain_line(self.redact(line)))

    def event(self, event: RunEvent) -> None:
        """A run's progress event as the same plain line the CLI prints on stderr."""
        line = event_line(event)
        if line is not None:
            self.plain(line)

    def annotate(self, annotation: Annotation) -> None:
        redacted = Annotation(
            kind=annotation.kind,
            message=self.redact(annotation.message),
            file=self.redact(annotation.file) if annotation.file else None,
            line=annotation.line,
            column=annotation.column,
            end_line=annotation.end_line,
            title=self.redact(annotation.title) if annotation.title else None,
        )
        self._write(format_annotation(redacted))

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        self._write(group(self.redact(title)))
        try:
            yield
        finally:
            self._write(endgroup())
