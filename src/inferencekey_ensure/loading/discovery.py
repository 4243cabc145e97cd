"""Which files a run looks at: named files, folders searched recursively, and globs.

Named files are taken whatever their extension (pre-commit and users choose them
on purpose); files found inside a folder or by a glob count only with a spec
extension. Folders are walked in sorted order so output is stable, hidden folders
(``.git``, ``.venv``) are skipped, and a folder reached twice through symbolic
links is walked once, so a link loop cannot make a run endless. A spec root is a
folder named like the default one (``inferencekey``): the files of one root are
checked together for slug collisions, even when only some of them are named.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Set, Tuple

from inferencekey_ensure.loading.errors import NoSpecFiles, UsageError

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_SPEC_DIR = "inferencekey"
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class SpecPath:
    """A file to check: where to open it and how to name it in messages."""

    path: Path
    display: str


def _is_spec_name(name: str) -> bool:
    return name.lower().endswith(SPEC_SUFFIXES)


def _display(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def _walk(folder: str) -> Iterator[str]:
    seen: Set[Tuple[int, int]] = set()
    for root, dirnames, filenames in os.walk(folder, followlinks=True):
        info = os.stat(root)
        if (info.st_dev, info.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            if _is_spec_name(name):
                yield os.path.join(root, name)


def _expand(raw: str) -> Iterator[str]:
    if os.path.isdir(raw):
        yield from _walk(raw)
    elif os.path.exists(raw):
        yield raw
    elif _GLOB_CHARS & set(raw):
        matches = sorted(glob.glob(raw, recursive=True))
        if not matches:
            raise UsageError(f"no file matches {raw!r}")
        for match in matches:
            if os.path.isdir(match):
                yield from _walk(match)
            elif _is_spec_name(match):
                yield match
    elif os.path.lexists(raw):
        raise UsageError(f"{raw!r} is a broken symbolic link")
    else:
        raise UsageError(f"path not found: {raw!r}")


@dataclass(frozen=True)
class GivenPath:
    """A path as the user gave it, and what it names: ``folder``, ``file`` or ``glob``."""

    raw: str
    kind: str
    real: str


def describe_paths(paths: Sequence[str]) -> List[GivenPath]:
    """What each given path names, resolved through symbolic links (for comparing folders)."""
    described = []
    for raw in paths:
        if os.path.isdir(raw):
            kind = "folder"
        elif not os.path.exists(raw) and _GLOB_CHARS & set(raw):
            kind = "glob"
        else:
            kind = "file"
        described.append(GivenPath(raw, kind, os.path.realpath(raw)))
    return described


def discover_spec_files(paths: Sequence[str], default_dir: str = DEFAULT_SPEC_DIR) -> List[SpecPath]:
    """Every spec file named by ``paths`` (``default_dir`` when none), each once, in order.

    Raises ``UsageError`` for a path that does not exist, a glob that matches
    nothing, or when nothing at all is found: a check of zero files proves nothing.
    """
    if not paths and not os.path.isdir(default_dir):
        raise UsageError(f"no paths given and no {default_dir!r} folder here; name the spec files or folders to check")
    named = list(paths) or [default_dir]
    found: List[SpecPath] = []
    seen: Set[str] = set()
    for raw in named:
        for path in _expand(raw):
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                found.append(SpecPath(Path(path), _display(path)))
    if not found:
        listed = ", ".join(repr(raw) for raw in named)
        raise NoSpecFiles(f"no spec files ({', '.join('*' + s for s in SPEC_SUFFIXES)}) found in {listed}",
                          [os.path.normpath(raw) for raw in named] == [os.path.normpath(default_dir)])
    return found


def enclosing_root(real: str, root_name: str) -> Optional[str]:
    """The nearest folder above ``real`` named ``root_name`` (a spec root it lies inside), else None."""
    parent = os.path.dirname(real)
    while parent != os.path.dirname(parent):
        if os.path.basename(parent) == root_name:
            return parent
        parent = os.path.dirname(parent)
    return None


def _as_given(folder: str) -> str:
    """``folder`` relative to the working directory when it lies below it, so messages name it as the user would."""
    try:
        relative = os.path.relpath(folder)
    except ValueError:  # another drive on Windows
        return folder
    return folder if relative.startswith(os.pardir) else relative


def sibling_spec_files(named: Sequence[SpecPath], root_name: str = DEFAULT_SPEC_DIR) -> List[SpecPath]:
    """The spec files of the named files' spec roots that were not named themselves.

    pre-commit names only the staged files; a committed file of the same root still
    shares its projects' slugs, and CI reads it. A file inside no folder called
    ``root_name`` has no root, so no siblings.
    """
    seen = {os.path.realpath(spec.path) for spec in named}
    roots: List[str] = []
    for spec in named:
        root = enclosing_root(os.path.abspath(spec.path), root_name)
        if root is not None and root not in roots:
            roots.append(root)
    siblings: List[SpecPath] = []
    for root in roots:
        for path in _walk(_as_given(root)):
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                siblings.append(SpecPath(Path(path), _display(path)))
    return siblings
