"""Spec files -> declared workloads for the engine (contract A).

Validation comes first and decides: only workloads of files without an error are
turned into ``WorkloadSpec`` objects (which re-check nothing: the schema and the
platform rules already did), and ``ok`` is false whenever any error was found, so
the engine never acts on a run with a bad file in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.domain.repo_config import RepoConfig
from inferencekey_ensure.domain.spec import DeclaredWorkload, WorkloadSpec
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR
from inferencekey_ensure.specset.config import ConfigLoad
from inferencekey_ensure.specset.validate import validate_paths
from inferencekey_ensure.validation.documents import SCHEMA_HINT_KEY
from inferencekey_ensure.validation.file_check import FoundWorkload


@dataclass
class LoadResult:
    """The declared workloads, every problem found, the files that were read, and the
    repository config their policy was checked against (its ``project``: the last fallback)."""

    workloads: List[DeclaredWorkload] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    files: List[str] = field(default_factory=list)
    config: RepoConfig = field(default_factory=RepoConfig)

    @property
    def ok(self) -> bool:
        return not any(problem.is_error for problem in self.problems)


def _declare(found: FoundWorkload) -> DeclaredWorkload:
    fields = {key: value for key, value in found.fields.items() if key != SCHEMA_HINT_KEY}
    return DeclaredWorkload(WorkloadSpec(**fields), found.location, found.file_project)


def load_workloads(
    paths: Sequence[str], *, default_dir: str = DEFAULT_SPEC_DIR,
    config: Optional[ConfigLoad] = None, fallback: Optional[str] = None, root: Optional[str] = None,
) -> LoadResult:
    """Validate ``paths`` (``default_dir`` when empty) inside the workspace ``root`` under
    ``config``'s policy and declare their workloads; ``fallback`` is the project before the
    config's (``validate_paths``).

    Raises ``UsageError`` for a missing path, one outside the workspace, or a glob matching nothing.
    """
    run = validate_paths(paths, default_dir=default_dir, config=config, fallback=fallback, root=root)
    result = LoadResult(problems=list(run.problems), files=list(run.files), config=run.config)
    result.workloads = [_declare(found) for found in run.clean_workloads]
    return result
