"""One spec file from disk to located documents: read, then parse by its syntax."""

from __future__ import annotations

from pathlib import Path

from inferencekey_ensure.diagnostics.problem import file_problem
from inferencekey_ensure.loading.file_text import read_spec_text
from inferencekey_ensure.loading.json_reader import parse_json
from inferencekey_ensure.loading.limits import DEFAULT_MAX_BYTES
from inferencekey_ensure.loading.parsed import ParsedText
from inferencekey_ensure.loading.yaml_reader import parse_yaml


def parse_spec_file(path: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedText:
    """``.json`` files are read as strict JSON, everything else as YAML."""
    text = read_spec_text(path, display, max_bytes)
    if not isinstance(text, str):
        return ParsedText([], [text])
    parsed = parse_json(text, display) if path.suffix.lower() == ".json" else parse_yaml(text, display)
    if not parsed.documents and not parsed.problems:
        parsed.problems.append(file_problem(display, "file holds no document (only comments or blank lines)"))
    return parsed
