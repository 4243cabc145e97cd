"""Reading a spec file's bytes into text, refusing what cannot be a spec.

The size is checked before anything is read, and the read itself is capped, so a
huge or growing file costs nothing; binary and non-UTF-8 content are refused
before a parser sees them (parsers report such bytes confusingly, or guess an
encoding). A UTF-8 byte-order mark is dropped: some editors write one.
``parse_spec_file`` then reads the text in the file's syntax, chosen here once by its name.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Union

from inferencekey_ensure.diagnostics.problem import Problem, file_problem
from inferencekey_ensure.loading.json_reader import parse_json
from inferencekey_ensure.loading.limits import DEFAULT_MAX_BYTES
from inferencekey_ensure.loading.parsed import ParsedText
from inferencekey_ensure.loading.yaml_reader import parse_yaml

_BOM = b"\xef\xbb\xbf"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def read_spec_text(path: Path, display: str, max_bytes: int) -> Union[str, Problem]:
    """The file's text, or the one problem that makes it unreadable as a spec."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            # A named pipe or device would block the read or never end.
            return file_problem(display, "not a regular file (a pipe, device or socket?)")
        size = info.st_size
        if size > max_bytes:
            return file_problem(display, f"file is too large ({_megabytes(size)}; the limit is {_megabytes(max_bytes)})")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        return file_problem(display, f"cannot read file: {error.strerror or error}")
    if len(data) > max_bytes:
        return file_problem(display, f"file is too large (over {_megabytes(max_bytes)}, the limit)")
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if not data.strip():
        return file_problem(display, "file is empty; a spec file holds one workload or `workloads: [...]`")
    if b"\x00" in data:
        return file_problem(display, "file is binary (it contains NUL bytes), not YAML or JSON text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return file_problem(
            display,
            f"file is not UTF-8 text: invalid byte 0x{data[error.start]:02x} at line {line}, column {column} (byte)",
        )


def parse_spec_file(path: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedText:
    """``.json`` files are read as strict JSON, everything else as YAML (``ParsedText.syntax`` says which)."""
    text = read_spec_text(path, display, max_bytes)
    if not isinstance(text, str):
        return ParsedText([], [text])
    parsed = parse_json(text, display) if path.suffix.lower() == ".json" else parse_yaml(text, display)
    if not parsed.documents and not parsed.problems:
        parsed.problems.append(file_problem(display, "file holds no document (only comments or blank lines)"))
    return parsed
