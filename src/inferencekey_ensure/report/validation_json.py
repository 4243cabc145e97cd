"""Validation results as one JSON document, for scripts and other tools.

``format_version`` changes only when a field is removed or changes meaning.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from inferencekey_ensure import __version__
from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.specset.validate import ValidationRun

FORMAT_VERSION = 1


def _problem(problem: Problem) -> Dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "json_path": problem.json_path,
        "severity": problem.severity,
        "rule": problem.rule,
        "message": redact_text(problem.message),
    }


def validation_document(run: ValidationRun, strict: bool) -> Dict[str, Any]:
    failed = run.errors > 0 or (strict and run.warnings > 0)
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "ik-ensure", "version": __version__},
        "valid": not failed,
        "strict": strict,
        "summary": {
            "files": len(run.files),
            "workloads": len(run.workloads),
            "errors": run.errors,
            "warnings": run.warnings,
        },
        "files": list(run.files),
        "problems": [_problem(problem) for problem in run.problems],
    }


def render_json(run: ValidationRun, strict: bool) -> str:
    return json.dumps(validation_document(run, strict), indent=2, ensure_ascii=False) + "\n"
