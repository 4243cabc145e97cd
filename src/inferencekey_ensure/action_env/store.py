"""Where cached environments live, and how a new one replaces an old one without harming its users.

``<tool cache>/ik-ensure/<key>`` is a symbolic link to a folder
``<key>.<random>`` beside it. A job builds a new folder aside, then swaps the
link in one ``rename``: a job that resolved the old link keeps running from the
old folder, which is never deleted here (another job may be using it). Two jobs
building at once each publish a complete environment, and each runs from the
one it built.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional


def published(link: Path) -> Optional[Path]:
    """The folder ``link`` points to, when it is a link to a folder in the same place."""
    if not link.is_symlink():
        return None
    target = Path(os.readlink(link))
    if target.is_absolute() or len(target.parts) != 1:
        return None
    folder = link.parent / target
    return folder if folder.is_dir() and not folder.is_symlink() else None


def new_folder(parent: Path, prefix: str) -> Path:
    """A fresh private folder (mode 0700) for an environment to be built in."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix + ".", dir=str(parent)))


def publish(link: Path, folder: Path) -> None:
    """Point ``link`` at ``folder`` (a sibling) atomically."""
    temporary = link.parent / f".{link.name}.{os.getpid()}.{os.urandom(4).hex()}"
    os.symlink(folder.name, temporary)
    os.replace(temporary, link)
