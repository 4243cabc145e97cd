"""An installed environment's files against the hashes its wheels' RECORD files give.

Pure comparison: ``verify`` reads the files. A file no RECORD names is foreign
(a planted ``.pth`` runs code at every start-up, a planted module shadows a real
one); a file whose hash differs was altered. Bytecode counts like any other
file: a cached environment is compiled when it is built and its ``.pyc`` files
are added to their wheel's RECORD, so a planted or altered ``.pyc`` is caught too.
"""

from __future__ import annotations

import csv
from typing import Dict, List, Mapping, Optional


def parse_record(text: str, dist_info: str) -> Dict[str, str]:
    """``path -> "sha256=..."`` (or ``""``) for every row that lies inside site-packages."""
    rows: Dict[str, str] = {}
    for row in csv.reader(text.splitlines()):
        if not row:
            continue
        path = row[0]
        if path.startswith("/") or ".." in path.split("/"):
            continue  # scripts and data outside site-packages: never run by the action
        rows[path] = row[1] if len(row) > 1 else ""
    rows.setdefault(f"{dist_info}/RECORD", "")
    return rows


def _problem(path: str, recorded: Optional[str], actual: str) -> Optional[str]:
    if recorded is None:
        if path.endswith(".pth"):
            return f"foreign .pth file {path} (it would run code whenever the environment's Python starts)"
        return f"foreign file {path} (no installed wheel's RECORD names it)"
    if recorded == "":
        return None if path.endswith("/RECORD") else f"{path} has no hash in its RECORD"
    if recorded != f"sha256={actual}":
        return f"{path} differs from its RECORD hash"
    return None


def tree_problems(recorded: Mapping[str, str], present: Mapping[str, str]) -> List[str]:
    """What is wrong with ``present`` (``path -> urlsafe base64 sha256``) given ``recorded``."""
    problems = [problem for path in sorted(present)
                for problem in [_problem(path, recorded.get(path), present[path])] if problem]
    problems += [f"{path} is missing" for path in sorted(recorded) if path not in present]
    return problems
