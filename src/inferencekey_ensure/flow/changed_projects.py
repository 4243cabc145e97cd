"""Which projects a pull request touches: the ``changed-projects`` output, a matrix's PR legs.

From the files the change request changed (the host lists them), the projects whose
declared workloads those files hold now, and those a removed or renamed file declared
in the base commit. Whatever cannot be known widens the answer to every project (plan
more, never less): a file list the host cut short, a removed spec file the base commit
cannot show, a change to the tool's config file or to the workflows that pin the
action's version (what the same specs plan to can change with either).

Pure: paths are repository-relative POSIX strings; reading the base commit is the
``base_projects`` callable the host passes in.
"""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass
from typing import Callable, Collection, FrozenSet, Iterable, Mapping, Optional, Sequence, Set, Tuple

from inferencekey_ensure.domain.repo_config import CONFIG_FILE

REMOVED = "removed"
RENAMED = "renamed"
# Where a repository pins the action's version (its workflows, or a local action wrapping it).
VERSION_FOLDERS = (".github/workflows/", ".github/actions/")
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class ChangedFile:
    """One entry of the change request's file list; ``previous_path`` only for a rename."""

    path: str
    status: str
    previous_path: Optional[str] = None


@dataclass(frozen=True)
class ChangedFiles:
    """The change request's files; ``complete`` is False when the host's list stopped short."""

    files: Tuple[ChangedFile, ...]
    complete: bool = True


def repo_path(path: str, cwd: str, workspace: Optional[str]) -> str:
    """``path`` (relative to ``cwd``, or absolute) as the host names files: relative to the repository root."""
    absolute = posixpath.normpath(posixpath.join(cwd.replace("\\", "/"), path.replace("\\", "/")))
    root = posixpath.normpath((workspace or cwd).replace("\\", "/"))
    return posixpath.relpath(absolute, root)


def widens_to_all(path: str, config_paths: Collection[str] = ()) -> bool:
    """A change that may alter every project's plan: a config file (``.ik-ensure.yaml`` anywhere, or
    the one the run read), the action's pinned version."""
    return posixpath.basename(path) == CONFIG_FILE or path in config_paths or path.startswith(VERSION_FOLDERS)


def spec_path_matcher(spec_inputs: Sequence[str]) -> Callable[[str], bool]:
    """Whether a repository path is (or was) one of the run's spec files, by the ``specs`` input alone.

    Works for files that no longer exist: a named file matches itself, a glob by pattern,
    anything else as a folder holding spec files below it (hidden folders are not searched).
    ``spec_inputs`` are already repository-relative.
    """
    inputs = [posixpath.normpath(raw) for raw in spec_inputs]

    def matches(path: str) -> bool:
        if not path.lower().endswith(SPEC_SUFFIXES) and path not in inputs:
            return False
        for raw in inputs:
            if path == raw:
                return True
            if _GLOB_CHARS & set(raw):
                if fnmatch.fnmatchcase(path, raw):
                    return True
                continue
            inside = raw == "." or path.startswith(raw + "/")
            below = path if raw == "." else path[len(raw) + 1:]
            if inside and not any(part.startswith(".") for part in below.split("/")[:-1]):
                return True
        return False

    return matches


def paths_in_base(changes: ChangedFiles, is_spec: Callable[[str], bool]) -> Tuple[str, ...]:
    """The spec paths whose base-commit version decides projects: removed files and renames' old names."""
    wanted = []
    for change in changes.files:
        old = change.previous_path if change.status == RENAMED else change.path if change.status == REMOVED else None
        if old and is_spec(old):
            wanted.append(old)
    return tuple(dict.fromkeys(wanted))


def changed_projects(
    projects: Sequence[str],
    changes: Optional[ChangedFiles],
    current: Mapping[str, Collection[str]],
    is_spec: Callable[[str], bool],
    base_projects: Callable[[str], Optional[FrozenSet[str]]],
    config_paths: Collection[str] = (),
) -> Tuple[str, ...]:
    """The projects of ``projects`` that the change touches, sorted; all of them when that is unknown.

    ``changes`` is None outside a change request (push, schedule) or when the host could
    not list the files. ``current`` maps each spec file of the checkout to the projects its
    workloads resolve to; ``base_projects`` says which a path declared in the base commit
    (None: that cannot be known).
    """
    everything = tuple(sorted(projects))
    if changes is None or not changes.complete:
        return everything
    touched: Set[str] = set()
    for change in changes.files:
        if any(widens_to_all(path, config_paths) for path in _paths(change)):
            return everything
        if change.status != REMOVED:
            touched.update(current.get(change.path, ()))
    for old in paths_in_base(changes, is_spec):
        declared = base_projects(old)
        if declared is None:
            return everything
        touched.update(declared)
    return tuple(project for project in everything if project in touched)


def _paths(change: ChangedFile) -> Iterable[str]:
    yield change.path
    if change.previous_path:
        yield change.previous_path
