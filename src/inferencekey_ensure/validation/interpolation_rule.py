"""Environment-variable references in spec values: spec files are not interpolated.

The SDK's examples read ids such as ``worker_id`` from the environment, so people
copy ``${WORKER_ID}`` (or ``$WORKER_ID``, or Windows' ``%WORKER_ID%``) into a spec,
and the platform would receive that text as is. Each reference is reported at its
value, naming the variable and what to write instead. In a ``command`` or a
``description`` the text may be meant literally (a shell on the worker may expand
it), so there it is a warning; anywhere else an error.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence, Tuple

from inferencekey_ensure.diagnostics.problem import ERROR, WARNING, PathPart, Problem, json_path, problem_at

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%")
_FREE_TEXT = ("command", "description")


def _field(path: Sequence[PathPart]) -> str:
    """The workload (or file) field a value sits under: ``worker_id`` for ``workloads[0].worker_id``."""
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "workloads" and isinstance(parts[1], int):
        parts = parts[2:]
    return str(parts[0]) if parts else ""


def _advice(field: str) -> str:
    if field == "project":
        return "leave `project` out and set the action's `project` input (or INFERENCEKEY_PROJECT) instead"
    return "write the literal value instead"


def value_interpolation(value: str, line: int, column: int, path: Tuple[PathPart, ...]) -> Optional[Problem]:
    """The problem of a string value that references an environment variable (None: it does not)."""
    if "$" not in value and "%" not in value:
        return None
    match = _REFERENCE.search(value)
    if match is None:
        return None
    variable = next(group for group in match.groups() if group)
    field = _field(path)
    message = (
        f"`{match.group(0)}` reads the environment variable {variable}, but spec files are not interpolated: "
        f"the platform would get the text `{match.group(0)}`; {_advice(field)}"
    )
    severity = WARNING if field in _FREE_TEXT else ERROR
    return problem_at(line, column, json_path(path), message, severity, "interpolation")
