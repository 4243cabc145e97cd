"""Creating files without ever clobbering one by accident.

``import`` and ``init`` share the rule: an existing file is left alone (and
reported) unless the caller forces it. Creation uses exclusive mode, so a file
that appears between the check and the write is not overwritten either.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Sequence


@dataclass(frozen=True)
class PendingFile:
    """A file to create, and the text it gets."""

    path: Path
    text: str


@dataclass
class WriteOutcome:
    written: List[Path] = field(default_factory=list)
    left_alone: List[Path] = field(default_factory=list)


def _replace(path: Path, text: str) -> None:
    """Overwrite through a sibling temporary file: a crash never leaves half a file."""
    temporary = path.with_name(f".{path.name}.ik-ensure.tmp")
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:  # no write_text(newline=) on 3.9
        handle.write(text)
    os.replace(temporary, path)


def write_files(files: Sequence[PendingFile], *, force: bool = False) -> WriteOutcome:
    outcome = WriteOutcome()
    for pending in files:
        pending.path.parent.mkdir(parents=True, exist_ok=True)
        if force and pending.path.exists():
            _replace(pending.path, pending.text)
            outcome.written.append(pending.path)
            continue
        try:
            with open(pending.path, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(pending.text)
        except FileExistsError:
            outcome.left_alone.append(pending.path)
        else:
            outcome.written.append(pending.path)
    return outcome
