"""A workload no source gives a project: valid as a file (the official docs write specs so),
but the plan would refuse it. ``validate`` warns at it (an error under ``--strict``), so the
pre-commit hook says so before CI does."""

from __future__ import annotations

from typing import List, Optional, Sequence

from inferencekey_ensure.diagnostics.problem import WARNING, Problem
from inferencekey_ensure.domain.repo_config import CONFIG_FILE, PROJECT_KEY
from inferencekey_ensure.domain.spec import PROJECT_ENV, resolve_project
from inferencekey_ensure.validation.file_check import FoundWorkload


def unresolved_project_problems(
    workloads: Sequence[FoundWorkload], fallback: Optional[str], config_path: Optional[str]
) -> List[Problem]:
    """A warning at each workload whose project is none of spec, file, ``fallback``."""
    config = config_path or CONFIG_FILE
    problems = []
    for workload in workloads:
        if resolve_project(workload.fields.get("project"), workload.file_project, fallback):
            continue
        message = (
            f"no project: set `project` in the spec or at the top of its file, `{PROJECT_KEY}` in {config}, "
            f"--project or {PROJECT_ENV}; plan and apply refuse a workload without one"
        )
        problems.append(Problem(workload.display, workload.node.line, workload.node.column, workload.json_path,
                                message, WARNING, "no-project"))
    return problems
