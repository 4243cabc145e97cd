"""What a check found, in the one shape every reporter and the engine consume.

A problem carries its own location (file, 1-based line and column, JSON path) so a
reporter never needs the parsed document to print it, and so problems from every
file can be sorted and merged without keeping the files around.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Union

from inferencekey_ensure.domain.secrets import FORBIDDEN_VALUE_PREFIXES, redact_text

ERROR = "error"
WARNING = "warning"

PathPart = Union[str, int]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Problem:
    """One finding. ``rule`` is a short stable id users can grep for and CI can count."""

    path: str
    line: int
    column: int
    json_path: str
    message: str
    severity: str = ERROR
    rule: str = "schema"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class Finding:
    """A problem a check found in a file's documents, before the file is named on it.

    The checks see one parsed document and never the file it came from; the file's
    checker (``validation/file_check.py``) stamps the file on every finding at once.
    """

    line: int
    column: int
    json_path: str
    message: str
    severity: str = ERROR
    rule: str = "schema"

    def in_file(self, path: str) -> Problem:
        return Problem(path, self.line, self.column, self.json_path, self.message, self.severity, self.rule)


def json_path(parts: Iterable[PathPart]) -> str:
    """``("workloads", 0, "backend")`` -> ``$.workloads[0].backend``; odd keys get brackets."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            key = _safe_key(part)
            if _IDENTIFIER.match(key):
                out.append(f".{key}")
            else:
                escaped = key.replace("\\", "\\\\").replace("'", "\\'")
                out.append(f"['{escaped}']")
    return "".join(out)


def _safe_key(key: str) -> str:
    """A key as a path may show it: a credential used as a key is cut to its prefix."""
    for prefix in FORBIDDEN_VALUE_PREFIXES:
        if key.startswith(prefix):
            return prefix + "\u2026"
    return redact_text(key)


def file_problem(path: str, message: str, rule: str = "file") -> Problem:
    """A problem of the whole file (empty, binary, too large...): reported at line 1."""
    return Problem(path=path, line=1, column=1, json_path="$", message=message, rule=rule)
