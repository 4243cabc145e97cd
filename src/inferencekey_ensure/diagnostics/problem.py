"""What a check found, in the one shape every reporter and the engine consume.

A problem carries its own location (file, 1-based line and column, JSON path) so a
reporter never needs the parsed document to print it, and so problems from every
file can be sorted and merged without keeping the files around.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, List, Union

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


# A check sees one parsed document, never the file it came from: it reports each finding
# without a file, and the file's checker (``validation/file_check.py``) stamps the file on
# all of them at once (``in_file``).
UNSTAMPED = ""


def problem_at(line: int, column: int, json_path: str, message: str, severity: str = ERROR,
               rule: str = "schema") -> Problem:
    """A check's problem, before the file's checker stamps the file on it."""
    return Problem(UNSTAMPED, line, column, json_path, message, severity, rule)


def in_file(found: Iterable[Problem], path: str) -> List[Problem]:
    """``found``, each stamped with the file it was found in."""
    return [replace(problem, path=path) for problem in found]


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
