"""What ``init`` adds to a repository, decided from what is already there (no I/O).

Never overwrites: an existing workflow is left alone, the pre-commit config is
only ever extended, and ``inferencekey/`` is created only when absent. The
workflows take the matrix shape when the existing specs span several projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence

from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR
from inferencekey_ensure.onboarding.file_writes import PendingFile
from inferencekey_ensure.onboarding.precommit_config import add_hook, new_config
from inferencekey_ensure.onboarding.workflow_templates import workflows

PRE_COMMIT_CONFIG = Path(".pre-commit-config.yaml")
SPEC_DIR = Path(DEFAULT_SPEC_DIR)
# Keeps the otherwise empty folder in git, so CI and the hook find it.
SPEC_DIR_KEEP = SPEC_DIR / ".gitkeep"


@dataclass(frozen=True)
class RepositoryState:
    """What ``init`` reads first: paths relative to the repository root."""

    existing: Sequence[Path]
    pre_commit_text: Optional[str]
    spec_dir_exists: bool
    projects: Sequence[str]
    branch: str


@dataclass
class Scaffold:
    """Files to create, the pre-commit config to write (None: unchanged), what is kept."""

    create: List[PendingFile] = field(default_factory=list)
    pre_commit_text: Optional[str] = None
    kept: List[str] = field(default_factory=list)
    matrix: bool = False


def uses_matrix(projects: Sequence[str], forced: bool) -> bool:
    return forced or len(set(projects)) > 1


def plan_scaffold(state: RepositoryState, *, matrix: bool = False) -> Scaffold:
    """Raises ``ConfigEditError`` when the pre-commit config cannot be extended safely."""
    scaffold = Scaffold(matrix=uses_matrix(state.projects, matrix))
    for path, text in workflows(state.branch, scaffold.matrix).items():
        if path in state.existing:
            scaffold.kept.append(f"{path}: it exists")
        else:
            scaffold.create.append(PendingFile(path, text))
    if state.pre_commit_text is None:
        scaffold.create.append(PendingFile(PRE_COMMIT_CONFIG, new_config()))
    else:
        edit = add_hook(state.pre_commit_text)
        if edit.text is None:
            scaffold.kept.append(f"{PRE_COMMIT_CONFIG}: it already runs the inferencekey-validate hook")
        scaffold.pre_commit_text = edit.text
    if state.spec_dir_exists:
        scaffold.kept.append(f"{SPEC_DIR}/: it exists")
    else:
        scaffold.create.append(PendingFile(SPEC_DIR_KEEP, ""))
    return scaffold
