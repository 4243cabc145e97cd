"""The emulator's state file: read once at start, rewritten whole after every change.

The file is replaced atomically (write a sibling, then rename), so a crash or a
kill mid-write leaves the previous state, never half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

from inferencekey_ensure.emulator.state import StateError


def load_state(path: Path) -> Optional[Dict[str, Any]]:
    """The saved document, or None when there is no state file yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise StateError(f"{path}: cannot read the emulator state file: {error}") from None
    try:
        document: Dict[str, Any] = json.loads(text)
    except ValueError as error:
        raise StateError(f"{path}: the emulator state file is not valid JSON: {error}") from None
    return document


def save_state(path: Path, document: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.replace(temporary, str(path))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
