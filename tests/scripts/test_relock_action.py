"""``scripts/relock_action.py`` on a machine without uv: it says so and changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCKS = [ROOT / "action" / name for name in ("requirements.lock", "pylock.toml", "uv-wheels.lock")]


def test_without_uv_it_says_how_to_get_it_and_leaves_the_locks_alone(tmp_path):
    before = [path.read_bytes() for path in LOCKS]
    # A PATH holding no uv at all (the interpreter is called by its full path).
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "relock_action.py")], cwd=ROOT,
                          env={**os.environ, "PATH": str(tmp_path)}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert "uv is not on PATH" in done.stderr and "pip install uv" in done.stderr
    assert "Traceback" not in done.stderr
    assert [path.read_bytes() for path in LOCKS] == before
