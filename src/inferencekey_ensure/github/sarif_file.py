"""The validation findings as a SARIF file for ``github/codeql-action/upload-sarif``: written
under ``RUNNER_TEMP`` on every run that validated, its path the step's ``sarif-file`` output.
File names in it are relative to the workspace (the repository root code scanning resolves)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Mapping, Sequence

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.report.validation_sarif import sarif_text


def _prefix(workspace: str, cwd: str) -> str:
    """The working directory relative to the workspace (``""`` when it is the workspace or outside it)."""
    if not workspace:
        return ""
    relative = os.path.relpath(os.path.realpath(cwd), os.path.realpath(workspace))
    return "" if relative == "." or relative.startswith("..") else Path(relative).as_posix()


def write_sarif(env: Mapping[str, str], problems: Sequence[Problem], comment_key: str) -> str:
    """The path written; one file per ``comment-key`` so two runs of one job keep theirs."""
    folder = Path(env.get("RUNNER_TEMP") or tempfile.gettempdir()) / "ik-ensure"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"validation-{comment_key.replace('/', '_')}.sarif"
    workspace = env.get("GITHUB_WORKSPACE", "")
    root = Path(os.path.realpath(workspace)).as_posix() if workspace else ""
    path.write_text(sarif_text(problems, _prefix(workspace, os.getcwd()), root), encoding="utf-8")
    return str(path)
