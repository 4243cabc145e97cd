"""A validation run over paths: find the files, check each, then check across them.

This is the one place that reads the disk for validation (through ``loading``);
every check it calls is pure. The validate command and ``load_workloads`` both
start here, and neither imports more than validation needs (no HTTP),
because the validator runs on every commit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.domain.repo_config import RepoConfig
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR, discover_spec_files, sibling_spec_files
from inferencekey_ensure.loading.file_text import parse_spec_file
from inferencekey_ensure.loading.limits import DEFAULT_MAX_BYTES
from inferencekey_ensure.loading.schema_resource import load_schema
from inferencekey_ensure.specset.config import ConfigLoad
from inferencekey_ensure.validation.collisions import slug_collisions
from inferencekey_ensure.validation.file_check import FileChecker, FoundWorkload, workloads_only
from inferencekey_ensure.validation.policy import policy_problems
from inferencekey_ensure.validation.project_rule import unresolved_project_problems


@dataclass
class ValidationRun:
    """What a run found: files in order, their workloads, and every problem."""

    files: List[str] = field(default_factory=list)
    workloads: List[FoundWorkload] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    # Workloads of files with no error: the ones a spec may be built from.
    clean_workloads: List[FoundWorkload] = field(default_factory=list)
    config: RepoConfig = field(default_factory=RepoConfig)

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem.is_error)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def ok(self) -> bool:
        return self.errors == 0


def validate_paths(
    paths: Sequence[str], *, default_dir: str = DEFAULT_SPEC_DIR, max_bytes: int = DEFAULT_MAX_BYTES,
    config: Optional[ConfigLoad] = None, fallback: Optional[str] = None, warn_unresolved: bool = False,
    root: Optional[str] = None, siblings: bool = False,
) -> ValidationRun:
    """Check every spec file under ``paths`` inside the workspace ``root`` (see
    ``discover_spec_files``); raises ``UsageError`` for unusable paths.

    ``config``'s policy is checked (its own problems reported); ``fallback`` is the project of
    specs naming none before the config's ``project`` (``--project``, the environment).
    ``warn_unresolved`` (``validate``) warns at each workload no source gives a project, which
    the plan would refuse. With ``siblings``, the other spec files of the named files' spec
    roots are read too, for slug collisions and the project ceiling only: a named file
    colliding with one of them, or taking its project's ceilings over the limit with theirs,
    fails as a run over the whole root would; their own problems are theirs.
    """
    spec_paths = discover_spec_files(paths, default_dir, root=root)
    checker = FileChecker(load_schema())
    loaded_config = config or ConfigLoad()
    # Siblings first, so a collision or a project ceiling is reported at the named file.
    context: List[FoundWorkload] = []
    for spec_path in sibling_spec_files(spec_paths, os.path.basename(default_dir), root=root) if siblings else []:
        context += workloads_only(spec_path.display, parse_spec_file(spec_path.path, spec_path.display, max_bytes))
    run = ValidationRun(config=loaded_config.config)
    for spec_path in spec_paths:
        if spec_path.refusal is not None:
            run.files.append(spec_path.display)
            run.problems.append(Problem(spec_path.display, 1, 1, "$", spec_path.refusal, rule="file"))
            continue
        parsed = parse_spec_file(spec_path.path, spec_path.display, max_bytes)
        checked = checker.check(spec_path.display, parsed)
        run.files.append(spec_path.display)
        run.workloads += checked.workloads
        run.problems += checked.problems
        if checked.ok:
            run.clean_workloads += checked.workloads
    named = set(run.files)
    project = fallback or run.config.project
    across = [problem for problem in slug_collisions(context + run.workloads) if problem.path in named]
    across += policy_problems(run.workloads, run.config.policy, project, context)
    if warn_unresolved:
        across += unresolved_project_problems(run.workloads, project, run.config.path)
    run.problems += across + loaded_config.problems
    failing_files = {problem.path for problem in across if problem.is_error}
    run.clean_workloads = [workload for workload in run.clean_workloads if workload.display not in failing_files]
    order = {display: index for index, display in enumerate(run.files)}
    run.problems.sort(key=lambda problem: (order.get(problem.path, len(order)), problem.line, problem.column))
    return run
