"""What a spec file removed (or renamed away) by a pull request declared in the PR's base commit.

Read with ``git show <base>:<path>`` from the checkout; a shallow checkout (the default
of ``actions/checkout``) does not hold the base commit, and then the answer is "cannot
be known" (None), which makes the caller plan every project rather than fewer.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path, PurePosixPath
from typing import FrozenSet, Optional

from inferencekey_ensure.specset.load import load_workloads

_GIT_TIMEOUT_S = 30


def base_text(workspace: str, base_sha: str, path: str) -> Optional[str]:
    """The file's text at ``base_sha``, or None when git cannot show it here."""
    if not base_sha or not workspace:
        return None
    try:
        shown = subprocess.run(["git", "-C", workspace, "show", f"{base_sha}:{path}"], capture_output=True,
                               timeout=_GIT_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if shown.returncode != 0:
        return None
    try:
        return shown.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None


def declared_projects_in(text: str, path: str, fallback: Optional[str]) -> Optional[FrozenSet[str]]:
    """The projects a spec file's text declares; None when it is invalid or a workload has no project."""
    with tempfile.TemporaryDirectory(prefix="ik-ensure-base-") as folder:
        copy = Path(folder) / PurePosixPath(path).name
        copy.write_text(text, encoding="utf-8")
        loaded = load_workloads([str(copy)])
    if not loaded.ok:
        return None
    projects = [workload.project(fallback) for workload in loaded.workloads]
    if any(project is None for project in projects):
        return None
    return frozenset(project for project in projects if project)


def base_projects(workspace: str, base_sha: str, path: str, fallback: Optional[str]) -> Optional[FrozenSet[str]]:
    text = base_text(workspace, base_sha, path)
    return declared_projects_in(text, path, fallback) if text is not None else None
