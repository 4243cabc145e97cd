"""A run's specs, prepared once the same way for ``plan``/``apply`` and the action.

Load and validate the paths, narrow them to the requested projects, and decide
whether ``prune`` may run over them (``prune_scope``). The two callers differ only
in how they name their options in a refusal (``Wording``) and in how they show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from inferencekey_ensure.domain.spec import fallback_project, projects_of
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR, describe_paths
from inferencekey_ensure.specset.config import ConfigLoad
from inferencekey_ensure.specset.load import LoadResult, load_workloads
from inferencekey_ensure.specset.project_filter import only_declared
from inferencekey_ensure.specset.prune_scope import prune_refusal


@dataclass(frozen=True)
class Wording:
    """How a caller names its options in what it refuses: the CLI's flags or the action's inputs."""

    only_project: str
    prune: str
    spec_root: str


@dataclass(frozen=True)
class PreparedRun:
    """The loaded specs, and why ``prune`` may not run over them (None: it may, or it was not asked)."""

    loaded: LoadResult
    prune_refusal: Optional[str] = None


def prepare_run(
    paths: Sequence[str],
    *,
    project: Optional[str],
    env: Mapping[str, str],
    only_projects: Sequence[str],
    prune: bool,
    wording: Wording,
    config: Optional[ConfigLoad] = None,
    root: Optional[str] = None,
) -> PreparedRun:
    """Raises ``UsageError`` for a path that cannot be used (outside the workspace ``root``
    included, see ``loading.discovery``) or a requested project no spec declares.

    The project of specs naming none: ``project``, the environment, then ``config``'s.
    """
    loaded = load_workloads(list(paths), config=config, fallback=fallback_project(project, env), root=root)
    fallback = fallback_project(project, env, loaded.config.project)
    if only_projects:
        loaded = only_declared(loaded, only_projects, fallback, wording.only_project)
    if not prune:
        return PreparedRun(loaded)
    refusal = prune_refusal(describe_paths(paths), DEFAULT_SPEC_DIR, wording.spec_root,
                            projects_of(loaded.workloads, fallback), wording.prune)
    return PreparedRun(loaded, refusal)
