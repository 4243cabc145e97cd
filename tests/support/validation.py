"""Spec files written from text, checked as ``ik-ensure validate`` checks them."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.specset.validate import validate_paths

REPO = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO / "schemas" / "workload-spec.schema.json"
EXAMPLES = REPO / "examples"

MINIMAL = """\
name: Chat
slug: chat
model: Qwen/Qwen2.5-7B-Instruct
backend: vllm
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` (dedented) to ``folder/name``, creating folders on the way."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def check(folder: Path, name: str, text: str) -> List[Problem]:
    """Every problem ``ik-ensure validate`` reports for one file holding ``text``."""
    path = write(folder, name, text)
    return validate_paths([str(path)]).problems
