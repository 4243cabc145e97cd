"""Plain YAML scalars that YAML 1.1 and YAML 1.2 read differently.

This tool reads YAML as PyYAML does (YAML 1.1), and so do most Python tools; many
editors, linters and other languages read YAML 1.2, where ``yes`` is a string,
``0755`` is 755 and ``1e3`` is a number. Where the schema already refuses such a
value it says "quote it"; everywhere else (free-form ``config`` values, numbers)
the value is valid but ambiguous, so it is a warning.
"""

from __future__ import annotations

import re
from typing import Any, List, Set, Tuple

from inferencekey_ensure.diagnostics.problem import WARNING, Problem, json_path, problem_at
from inferencekey_ensure.diagnostics.wording import describe_value
from inferencekey_ensure.loading.nodes import Node, ScalarNode, walk

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_DECIMAL = re.compile(r"^[-+]?[0-9]+$")
_OCTAL = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def yaml12_value(text: str) -> Any:
    """What the YAML 1.2 core schema makes of a plain scalar (infinity/NaN left as text)."""
    if _NULL.match(text):
        return None
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    if _DECIMAL.match(text):
        return int(text)
    if _OCTAL.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    return text


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def yaml_trap_problems(root: Node, reported: Set[Tuple[int, int]]) -> List[Problem]:
    """A warning per ambiguous plain scalar value not already reported at its position."""
    problems: List[Problem] = []
    for node, path in walk(root):
        if isinstance(node, ScalarNode) and node.plain and (node.line, node.column) not in reported:
            modern = yaml12_value(node.text)
            if not _same(node.value, modern):
                message = (
                    f"`{node.text}` is read as {describe_value(node.value)} here (YAML 1.1) but as "
                    f"{describe_value(modern)} by YAML 1.2 tools; quote it or write it unambiguously"
                )
                problems.append(problem_at(node.line, node.column, json_path(path), message, WARNING, "yaml-1.1"))
    return problems
