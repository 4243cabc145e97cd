"""Validation results as GitHub Actions workflow commands (annotations).

Each problem becomes ``::error file=...,line=...,col=...,title=...::message`` so the
pull request shows it on the offending line (the escaping lives with the other
workflow commands). GitHub shows only the first 10 annotations of each kind per
step, so each problem is also printed as a plain line in the log.
"""

from __future__ import annotations

from typing import List

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.flow.annotations import Annotation
from inferencekey_ensure.github.commands import format_annotation, plain_line
from inferencekey_ensure.report.validation_text import printable, problem_line, summary_line
from inferencekey_ensure.specset.validate import ValidationRun


def annotation(problem: Problem) -> str:
    return format_annotation(
        Annotation(
            kind="error" if problem.is_error else "warning",
            message=printable(f"{problem.json_path}: {redact_text(problem.message)}"),
            file=printable(problem.path),
            line=problem.line,
            column=problem.column,
            title=f"ik-ensure validate [{problem.rule}]",
        )
    )


def render_github(run: ValidationRun, strict: bool) -> str:
    lines: List[str] = []
    for problem in run.problems:
        lines.append(annotation(problem))
        lines.append(plain_line(problem_line(problem)))
    lines.append(plain_line(summary_line(run, strict)))
    return "\n".join(lines) + "\n"
