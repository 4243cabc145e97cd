"""Which files a run looks at: named files, folders searched recursively, and globs.

Named files are taken whatever their extension (pre-commit and users choose them
on purpose); files found inside a folder or by a glob count only with a spec
extension. Folders are walked in sorted order so output is stable, hidden folders
(``.git``, ``.venv``) are skipped, and a folder reached twice through symbolic
links is walked once, so a link loop cannot make a run endless. A spec root is a
folder named like the default one (``inferencekey``): the files of one root are
checked together for slug collisions, even when only some of them are named.

Everything stays inside the workspace (the action's ``GITHUB_WORKSPACE``; for the
CLI, the repository each named path lives in, else its folder): a named path
outside it is a usage error naming the workspace; a symbolic link (file or folder)
whose target is outside is not read, only reported where it is, with nothing of its
target, so a pull request cannot put ``/etc/passwd`` into a comment or walk the
machine. A walk is also bounded in spec files and in time.
"""

from __future__ import annotations

import glob
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Set, Tuple

from inferencekey_ensure.loading.errors import NoSpecFiles, UsageError

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_SPEC_DIR = "inferencekey"
_GLOB_CHARS = set("*?[")
# Far above any repository's spec files (the benchmarks use 500), far below a machine's files.
MAX_SPEC_FILES = 20_000
MAX_WALK_S = 60.0
OUTSIDE = "a symbolic link to outside the workspace: not read"


@dataclass(frozen=True)
class SpecPath:
    """A file to check: where to open it and how to name it in messages; ``refusal`` says
    why it must not be read (a link out of the workspace)."""

    path: Path
    display: str
    refusal: Optional[str] = None


def _holds(real_root: str, real: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def within(path: str, root: str) -> bool:
    """Whether ``path``, through every link, is ``root`` or inside it."""
    return _holds(os.path.realpath(root), os.path.realpath(path))


class _Scope:
    """The workspace one named path keeps to, and the time its search may take."""

    def __init__(self, root: str, max_seconds: float) -> None:
        self.root = os.path.realpath(root)
        self.shown_root = root
        self.deadline = time.monotonic() + max_seconds
        self.max_seconds = max_seconds

    def holds(self, real: str) -> bool:
        return _holds(self.root, real)

    def contains(self, path: str) -> bool:
        """Whether what ``path`` leads to, through every link, is inside."""
        return self.holds(os.path.realpath(path))

    def check_time(self, raw: str) -> None:
        if time.monotonic() > self.deadline:
            raise UsageError(f"looking for spec files in {raw!r} took over {self.max_seconds:g}s; name the spec folders")


def _fixed_part(raw: str) -> str:
    """The folder a glob searches from (``inferencekey`` of ``inferencekey/**/*.yaml``); a path itself."""
    if os.path.exists(raw) or not _GLOB_CHARS & set(raw):
        return raw
    parts = raw.split("/")
    first_pattern = next(index for index, part in enumerate(parts) if _GLOB_CHARS & set(part))
    return "/".join(parts[:first_pattern]) or "."


def repository_root(path: str) -> str:
    """The repository a path lives in (the nearest folder above with ``.git``), else its folder."""
    absolute = os.path.abspath(path)
    start = absolute if os.path.isdir(absolute) and not os.path.islink(absolute) else os.path.dirname(absolute)
    folder = start
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


def _is_spec_name(name: str) -> bool:
    return name.lower().endswith(SPEC_SUFFIXES)


def _display(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def _walk(folder: str, scope: _Scope) -> Iterator[Tuple[str, Optional[str]]]:
    """(path, refusal) of every spec file under ``folder``; links out of the workspace are
    yielded refused, never followed."""
    if not scope.contains(folder):
        yield folder, OUTSIDE
        return
    seen: Set[Tuple[int, int]] = set()
    for root, dirnames, filenames in os.walk(folder, followlinks=True):
        scope.check_time(folder)
        info = os.stat(root)
        if (info.st_dev, info.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        kept = []
        for name in sorted(name for name in dirnames if not name.startswith(".")):
            if scope.contains(os.path.join(root, name)):
                kept.append(name)
            else:
                yield os.path.join(root, name), OUTSIDE
        dirnames[:] = kept
        for name in sorted(filenames):
            if _is_spec_name(name):
                path = os.path.join(root, name)
                yield path, None if scope.contains(path) else OUTSIDE


def _inside(raw: str, scope: _Scope) -> str:
    """``raw``, when its own place (not its target) is inside the workspace."""
    absolute = os.path.abspath(raw)
    if not scope.holds(os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))):
        raise UsageError(f"{raw!r} is outside the workspace {scope.shown_root}")
    return raw


def _expand(raw: str, scope: _Scope) -> Iterator[Tuple[str, Optional[str]]]:
    if os.path.isdir(raw):
        yield from _walk(_inside(raw, scope), scope)
    elif os.path.exists(raw):
        yield _inside(raw, scope), None if scope.contains(raw) else OUTSIDE
    elif _GLOB_CHARS & set(raw):
        matches = sorted(glob.glob(raw, recursive=True))
        if not matches:
            raise UsageError(f"no file matches {raw!r}")
        for match in matches:
            if os.path.isdir(match):
                yield from _walk(_inside(match, scope), scope)
            elif _is_spec_name(match):
                yield _inside(match, scope), None if scope.contains(match) else OUTSIDE
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


def discover_spec_files(
    paths: Sequence[str],
    default_dir: str = DEFAULT_SPEC_DIR,
    *,
    root: Optional[str] = None,
    max_files: int = MAX_SPEC_FILES,
    max_seconds: float = MAX_WALK_S,
) -> List[SpecPath]:
    """Every spec file named by ``paths`` (``default_dir`` when none), each once, in order.

    ``root`` is the workspace; None keeps each path to its repository (``repository_root``).
    Raises ``UsageError`` for a path that does not exist or is outside the workspace, a
    glob that matches nothing, more than ``max_files`` spec files, a search longer than
    ``max_seconds``, or when nothing at all is found: a check of zero files proves nothing.
    """
    if not paths and not os.path.isdir(default_dir):
        raise UsageError(f"no paths given and no {default_dir!r} folder here; name the spec files or folders to check")
    named = list(paths) or [default_dir]
    found: List[SpecPath] = []
    seen: Set[str] = set()
    for raw in named:
        scope = _Scope(root if root is not None else repository_root(_fixed_part(raw)), max_seconds)
        for path, refusal in _expand(raw, scope):
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                found.append(SpecPath(Path(path), _display(path), refusal))
                if len(found) > max_files:
                    raise UsageError(f"more than {max_files:,} spec files in {raw!r}; name the spec folders")
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


def sibling_spec_files(
    named: Sequence[SpecPath], root_name: str = DEFAULT_SPEC_DIR, *, root: Optional[str] = None,
) -> List[SpecPath]:
    """The spec files of the named files' spec roots that were not named themselves.

    pre-commit names only the staged files; a committed file of the same root still
    shares its projects' slugs, and CI reads it. A file inside no folder called
    ``root_name`` has no root, so no siblings. The walk keeps to the workspace ``root``
    (None: the spec root's repository) and its bounds; a link out of it is not read.
    """
    seen = {os.path.realpath(spec.path) for spec in named}
    roots: List[str] = []
    for spec in named:
        spec_root = enclosing_root(os.path.abspath(spec.path), root_name)
        if spec_root is not None and spec_root not in roots:
            roots.append(spec_root)
    siblings: List[SpecPath] = []
    for spec_root in roots:
        scope = _Scope(root if root is not None else repository_root(spec_root), MAX_WALK_S)
        for path, refusal in _walk(_as_given(spec_root), scope):
            real = os.path.realpath(path)
            if refusal is None and real not in seen:
                seen.add(real)
                siblings.append(SpecPath(Path(path), _display(path)))
    return siblings
