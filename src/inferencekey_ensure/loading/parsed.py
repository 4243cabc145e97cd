"""What reading one file's text yields, whatever the syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, List, Literal, Sequence, Tuple

from inferencekey_ensure.diagnostics.problem import PathPart, Problem, json_path
from inferencekey_ensure.diagnostics.wording import show_value
from inferencekey_ensure.loading.nodes import Document, ScalarNode, SequenceNode

# The syntax a spec file is read in, decided once from its name (``parse_spec_file``).
Syntax = Literal["yaml", "json"]
YAML: Syntax = "yaml"
JSON: Syntax = "json"


@dataclass
class ParsedText:
    """The documents read (possibly fewer than written), the problems met on the way, and the syntax read."""

    documents: List[Document] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    syntax: Syntax = YAML


def line_and_column(text: str, offset: int) -> Tuple[int, int]:
    """1-based line and column of a character offset into ``text``."""
    offset = max(0, min(offset, len(text)))
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def next_child_path(stack: Sequence[Any]) -> Tuple[PathPart, ...]:
    """Where a reader's next complete node lands, given its stack of open containers.

    Each frame has ``node`` (the open mapping or sequence), ``path`` and, for a
    mapping, ``pending``: the key node waiting for its value (anything else when none).
    """
    if not stack:
        return ()
    frame = stack[-1]
    path: Tuple[PathPart, ...] = frame.path
    if isinstance(frame.node, SequenceNode):
        return path + (len(frame.node.items),)
    if isinstance(frame.pending, ScalarNode):
        return path + (frame.pending.value,)
    return path


def duplicate_key(display: str, parent_path: Tuple[PathPart, ...], first: ScalarNode, again: ScalarNode) -> Problem:
    """The problem for a key written twice in one mapping, at its second occurrence."""
    message = (
        f"duplicate key {show_value(again.value)} (first at line {first.line}, column {first.column}); "
        "readers silently keep only one of the two"
    )
    return Problem(display, again.line, again.column, json_path(parent_path + (again.value,)), message, rule="duplicate-key")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds half of a UTF-16 pair on its own (a ``\\ud800`` escape): no
    character, so no UTF-8 (nor the platform's JSON) can carry it."""
    return _LONE_SURROGATE.search(text) is not None


def lone_surrogate_refusal(text: str) -> str:
    first = _LONE_SURROGATE.search(text)
    code = f"\\u{ord(first.group(0)):04x}" if first else ""
    return (f"{code} is a lone surrogate, not a character: no UTF-8 text (nor the platform's JSON) can hold it; "
            "write the character itself, or both halves of its pair")
