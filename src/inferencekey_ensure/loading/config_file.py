"""Where the repository config is: ``--config FILE``, else ``.ik-ensure.yaml`` in the working
directory or the nearest folder above it, up to the repository root (the folder holding
``.git``). Only finding the file is done here; ``specset/config.py`` reads and checks it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from inferencekey_ensure.domain.repo_config import CONFIG_FILE
from inferencekey_ensure.loading.discovery import SpecPath
from inferencekey_ensure.loading.errors import ConfigNotFound


def _display(path: Path, cwd: Path) -> str:
    """Relative to the working directory (``../.ik-ensure.yaml`` from a sub-folder), as spec files are shown."""
    try:
        shown = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return Path(shown).as_posix()


def repository_root(cwd: Optional[Path] = None) -> Optional[Path]:
    """The nearest folder at or above ``cwd`` holding ``.git``; None outside a repository."""
    folder = (cwd or Path.cwd()).resolve()
    while not (folder / ".git").exists():
        if folder.parent == folder:
            return None
        folder = folder.parent
    return folder


def find_config(explicit: Optional[str], cwd: Optional[Path] = None) -> Optional[SpecPath]:
    """The config file to read, or None when there is none; raises ``UsageError`` for a named
    file that does not exist (``ConfigNotFound``)."""
    here = (cwd or Path.cwd()).resolve()
    if explicit:
        named = Path(explicit)
        if not named.is_file():
            raise ConfigNotFound(f"config file not found: {explicit}")
        return SpecPath(named, Path(explicit).as_posix())
    folder = here
    while True:
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return SpecPath(candidate, _display(candidate, here))
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent
