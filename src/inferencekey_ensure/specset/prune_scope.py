"""Whether a run may prune: only over the complete set of spec files.

Pruning deletes every live workload the given specs do not declare, so a run over
part of the specs (one file, a glob, a sub-folder of the spec root) would delete
the rest of the project. It is complete when it reads a whole spec root: no path
(the default folder), the root folder itself, or any folder that lies inside no
folder named like the default root (``inferencekey``), taken as a root of the
caller's choosing. Files, globs and folders inside any ``inferencekey`` folder
(wherever it is, however the path was spelt: ``.`` from inside one counts) are
partial.
Pure: the caller describes the paths (``loading.discovery.describe_paths``).
"""

from __future__ import annotations

import os
from typing import List, Optional, Sequence

from inferencekey_ensure.loading.discovery import GivenPath, enclosing_root


def partial_paths(given: Sequence[GivenPath], root_name: str) -> List[GivenPath]:
    """The given paths that name only part of a spec root (an empty list: complete).

    A file or a glob is always part; a folder is part when it lies inside a folder
    named ``root_name`` (the default spec root's name), wherever that folder is.
    """
    return [path for path in given
            if path.kind != "folder" or enclosing_root(path.real, root_name) is not None]


def _what(path: GivenPath, root_name: str) -> str:
    root = enclosing_root(path.real, root_name)
    if path.kind == "folder" and root is not None:
        return f"{path.raw} (a sub-folder of the spec root {root}{os.sep})"
    return f"{path.raw} (a {path.kind})"


def prune_refusal(
    given: Sequence[GivenPath], root_name: str, root_display: str,
    projects: Sequence[str], flag: str,
) -> Optional[str]:
    """The refusal to print when pruning over a partial spec set, else None.

    ``flag`` names the option as the user set it (``--prune``, input ``prune``).
    """
    partial = partial_paths(given, root_name)
    if not partial:
        return None
    named = ", ".join(_what(path, root_name) for path in partial)
    at_risk = ", ".join(projects) if projects else "the projects of these specs"
    return (
        f"{flag} refused: pruning needs the complete set of spec files, and {named} "
        f"is only part of it. It would have deleted every workload of project(s) {at_risk} "
        f"that these files do not declare, so nothing was requested. Give the spec root "
        f"({root_display}) to prune, or leave {flag} off to apply only these files."
    )
