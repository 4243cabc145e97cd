"""Validation results as lines editors and terminals understand.

``path:line:col: <json path>: <message> [rule]`` is the shape compilers use, so
editors, terminals and pre-commit output make each line a link to the spot.
"""

from __future__ import annotations

import re
from typing import List

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.specset.validate import ValidationRun

# A file name or key may hold a line break: printed raw, it would start a line of
# its own (and, under GitHub Actions, possibly a workflow command).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with each control character shown as ``\\xNN``: one line, no terminal escapes."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def problem_line(problem: Problem) -> str:
    severity = "" if problem.is_error else f"{problem.severity}: "
    message = redact_text(problem.message)
    return printable(f"{problem.path}:{problem.line}:{problem.column}: {problem.json_path}: {severity}{message} [{problem.rule}]")


def summary_line(run: ValidationRun, strict: bool) -> str:
    """``8 files, 9 workloads: all valid`` or the error and warning counts."""
    counted = f"{_plural(len(run.files), 'file')}, {_plural(len(run.workloads), 'workload')}"
    if run.errors:
        verdict = _plural(run.errors, "error")
        verdict += f", {_plural(run.warnings, 'warning')}" if run.warnings else ""
    elif run.warnings:
        verdict = _plural(run.warnings, "warning") + (" (--strict: failing)" if strict else ", otherwise valid")
    else:
        verdict = "all valid"
    return f"{counted}: {verdict}"


def render_text(run: ValidationRun, strict: bool) -> str:
    lines: List[str] = [problem_line(problem) for problem in run.problems]
    lines.append(summary_line(run, strict))
    return "\n".join(lines) + "\n"
