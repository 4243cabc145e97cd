"""The name of a cached environment: what went into it, so a different input never reuses it.

The environment holds only the locked wheels (the action's own code is run from
the action's folder), so the action content that decides it is the lock files
and the code that builds and checks it. The interpreter's path, real path,
version, implementation, OS, libc and CPU architecture are part of the key too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, List

from inferencekey_ensure.action_env.interpreter import Interpreter
from inferencekey_ensure.action_env.locks import PYLOCK, REQUIREMENTS_LOCK, UV_WHEELS_LOCK

_BUILDER = Path("src", "inferencekey_ensure", "action_env")


def keyed_files(action_root: Path) -> List[Path]:
    builder = sorted((action_root / _BUILDER).glob("*.py"))
    fixed = [action_root / REQUIREMENTS_LOCK, action_root / PYLOCK, action_root / UV_WHEELS_LOCK,
             action_root / "action" / "launch.py"]
    return fixed + builder


def content_digest(action_root: Path, files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(action_root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def environment_key(action_root: Path, interpreter: Interpreter) -> str:
    digest = hashlib.sha256(content_digest(action_root, keyed_files(action_root)).encode())
    digest.update(interpreter.describe().encode())
    machine = "".join(ch for ch in interpreter.machine.lower() if ch.isalnum() or ch == "_") or "unknown"
    return f"py{interpreter.version}-{machine}-{digest.hexdigest()[:24]}"
