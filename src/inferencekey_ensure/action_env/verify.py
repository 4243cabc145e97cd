"""Whether a cached environment can be trusted before this job runs code from it.

Checks, in order: the folder belongs to this user and nobody else can write to
it; its Python is the interpreter this job runs on and it does not see the
system site-packages; every file in its site-packages is named, with the same
hash, by an installed wheel's RECORD (no foreign file, no foreign ``.pth``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path
from typing import Dict, List, Optional

from inferencekey_ensure.action_env.interpreter import Interpreter
from inferencekey_ensure.action_env.record import parse_record, tree_problems


def venv_python(env: Path) -> Path:
    return env / "Scripts" / "python.exe" if os.name == "nt" else env / "bin" / "python"


def site_packages(env: Path) -> Optional[Path]:
    if os.name == "nt":
        found = [env / "Lib" / "site-packages"]
    else:
        found = sorted((env / "lib").glob("python*/site-packages"))
    return found[0] if len(found) == 1 and found[0].is_dir() else None


def _ownership_problems(paths: List[Path]) -> List[str]:
    if not hasattr(os, "getuid"):
        return []
    problems = []
    for path in paths:
        info = path.lstat()
        if info.st_uid != os.getuid():
            problems.append(f"{path} belongs to another user")
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            problems.append(f"{path} can be written by other users")
    return problems


def _pyvenv_problems(env: Path, interpreter: Interpreter) -> List[str]:
    config = env / "pyvenv.cfg"
    if not config.is_file():
        return ["pyvenv.cfg is missing"]
    settings = {}
    for line in config.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        settings[name.strip().lower()] = value.strip().lower()
    problems = []
    if settings.get("include-system-site-packages") != "false":
        problems.append("pyvenv.cfg lets the environment see the system site-packages")
    if os.path.realpath(venv_python(env)) != interpreter.base_real_path:
        problems.append(f"{venv_python(env)} is not {interpreter.base_real_path}")
    return problems


def record_hash(path: Path) -> str:
    """The file's sha256 as RECORD writes it (urlsafe base64, no padding)."""
    digest = hashlib.sha256(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _present_files(root: Path) -> Dict[str, str]:
    present = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            present[path.relative_to(root).as_posix()] = "" if path.is_symlink() else record_hash(path)
    return present


def _recorded_files(root: Path) -> Dict[str, str]:
    recorded: Dict[str, str] = {}
    for dist_info in sorted(root.glob("*.dist-info")):
        record = dist_info / "RECORD"
        if record.is_file():
            recorded.update(parse_record(record.read_text(encoding="utf-8"), dist_info.name))
    return recorded


def environment_problems(env: Path, interpreter: Interpreter) -> List[str]:
    """Every reason not to use ``env``; empty when it can be used."""
    root = site_packages(env)
    if root is None:
        return [f"{env} has no single site-packages folder"]
    problems = _ownership_problems([env, root]) + _pyvenv_problems(env, interpreter)
    return problems + tree_problems(_recorded_files(root), _present_files(root))
