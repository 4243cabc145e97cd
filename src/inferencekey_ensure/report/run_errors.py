"""The run-level errors every rendering lists: failures no single workload owns, then invalid specs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from inferencekey_ensure.engine.results import RunReport
from inferencekey_ensure.report.validation_text import problem_line


@dataclass(frozen=True)
class ErrorLine:
    project: Optional[str]
    message: str


def error_lines(report: RunReport) -> List[ErrorLine]:
    """Run errors with their fix, then each invalid spec as its located problem line."""
    lines = [ErrorLine(error.project, error.described) for error in report.errors]
    lines += [ErrorLine(None, problem_line(problem)) for problem in report.problems if problem.is_error]
    return lines
