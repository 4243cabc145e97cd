"""The cached environment's key changes with anything the environment depends on."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from inferencekey_ensure.action_env.envkey import environment_key, keyed_files
from inferencekey_ensure.action_env.interpreter import Interpreter

ROOT = Path(__file__).resolve().parents[2]


def copy_action(destination: Path) -> Path:
    for path in keyed_files(ROOT):
        target = destination / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return destination


def test_the_key_changes_with_interpreter_path_version_and_architecture() -> None:
    current = Interpreter.current()
    keys = {environment_key(ROOT, current)}
    for change in ({"executable": "/other/bin/python3"}, {"real_path": "/other/python3.11"},
                   {"base_real_path": "/other/python3.11"}, {"version": "3.12.0"}, {"machine": "aarch64"},
                   {"libc": "musl"}):
        keys.add(environment_key(ROOT, dataclasses.replace(current, **change)))
    assert len(keys) == 7
    assert environment_key(ROOT, current).startswith(f"py{current.version}-")


def test_the_key_changes_with_the_lock_and_not_with_where_the_action_lies(tmp_path: Path) -> None:
    current = Interpreter.current()
    first, second = copy_action(tmp_path / "a"), copy_action(tmp_path / "b")
    assert environment_key(first, current) == environment_key(second, current) == environment_key(ROOT, current)
    lock = second / "action" / "requirements.lock"
    lock.write_text(lock.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    assert environment_key(second, current) != environment_key(first, current)
