"""JSON values -> YAML text that every reader, YAML 1.1 or 1.2, reads back the same.

A hand-written emitter rather than ``yaml.dump``: it must put comments in, keep
the field order, and leave a string plain only when no reader could take it for
anything else. Plain strings are therefore an allow-list (a letter first, then
letters, digits and a few punctuation marks, single spaces between words, not a
YAML 1.1 boolean or null word); everything else is double-quoted with escapes for
every character a YAML reader would refuse or fold.
"""

from __future__ import annotations

import math
import re
from typing import Any, Dict, Iterable, List

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./()+@=-]*(?: [A-Za-z0-9_./()+@=-]+)*")
# YAML 1.1 reads these (in any case PyYAML or another 1.1 reader accepts) as booleans or null.
_RESERVED_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# What a YAML reader accepts raw inside a double-quoted scalar without folding it:
# printable characters (PyYAML's set) minus the NEL / line and paragraph separators.
_RAW = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
INDENT = "  "


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if _RAW.match(char):
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else (f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")


def quoted(text: str) -> str:
    return '"' + "".join(_escape(char) for char in text) + '"'


def scalar(value: Any) -> str:
    """One JSON scalar as YAML; floats keep a ``.`` so they stay floats (``6.0``, ``1.0e-05``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no JSON form")
        text = repr(value)
        if "." not in text:
            # YAML 1.1 needs the dot (``1e-05`` would be a string) and a signed exponent.
            mantissa, _, exponent = text.partition("e")
            text = f"{mantissa}.0" + (f"e{exponent}" if exponent else "")
        return text
    if isinstance(value, str):
        plain = _PLAIN.fullmatch(value) and value.lower() not in _RESERVED_WORDS
        return value if plain else quoted(value)
    raise TypeError(f"not a JSON scalar: {type(value).__name__}")


def _is_block(value: Any) -> bool:
    return isinstance(value, (dict, list)) and bool(value)


def _empty_or_scalar(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)


def _node(value: Any, depth: int) -> List[str]:
    """Lines of a non-empty mapping or sequence nested ``depth`` levels deep."""
    pad = INDENT * depth
    lines: List[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_block(item):
                lines.append(f"{pad}{scalar(str(key))}:")
                lines.extend(_node(item, depth + 1))
            else:
                lines.append(f"{pad}{scalar(str(key))}: {_empty_or_scalar(item)}")
        return lines
    for item in value:
        if _is_block(item):
            nested = _node(item, depth + 1)
            # The first line of the nested block goes on the dash's line.
            lines.append(f"{pad}- {nested[0][len(pad) + len(INDENT):]}")
            lines.extend(nested[1:])
        else:
            lines.append(f"{pad}- {_empty_or_scalar(item)}")
    return lines


def comment_lines(texts: Iterable[str]) -> List[str]:
    """``# `` lines: a line break inside a text starts another comment line, and a character
    no YAML reader accepts (a live key may hold one) is written as its escape."""
    return [
        "# " + "".join(char if _RAW.match(char) else _escape(char) for char in line).rstrip()
        for text in texts
        for line in text.splitlines() or [""]
    ]


def mapping_document(fields: Dict[str, Any], header: Iterable[str] = ()) -> str:
    """A YAML document holding the mapping ``fields``, after ``header`` lines (comments)."""
    return "\n".join([*header, *_node(fields, 0)]) + "\n"
