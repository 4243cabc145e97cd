"""The published schema works in the ecosystem's own validator, check-jsonschema.

Every example is accepted, and every document of the invalid corpus is rejected,
so users who wire the schema into other tools get the same verdicts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List

from support.validation import EXAMPLES, SCHEMA_PATH

from .corpus import INVALID_FILES, INVALID_WORKLOADS


def check_jsonschema(files: List[Path]) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA_PATH), "-o", "JSON", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(completed.stdout)


def test_check_jsonschema_accepts_every_example():
    examples = sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*.json"))
    assert len(examples) >= 8
    result = check_jsonschema(examples)
    assert result["status"] == "ok", result


def test_check_jsonschema_rejects_every_invalid_document(tmp_path):
    cases = [(name, document) for name, document, _ in INVALID_WORKLOADS + INVALID_FILES]
    files = []
    for index, (_, document) in enumerate(cases):
        path = tmp_path / f"case{index}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        files.append(path)
    result = check_jsonschema(files)
    rejected = {Path(error["filename"]).name for error in result["errors"]}
    accepted = [name for (name, _), path in zip(cases, files) if path.name not in rejected]
    assert accepted == []
