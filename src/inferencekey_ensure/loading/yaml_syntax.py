"""PyYAML's syntax errors in plain words, at the line of the mistake.

PyYAML words its errors for people who know its scanner ("found character that
cannot start any token", "could not find expected ':'"), and often places them
where it noticed the mistake rather than where it is: a ``model:Qwen/...`` with
no space after the colon is reported on the line below it. The common mistakes
(a tab, a missing space after a colon, a bad indent, an unclosed quote or
bracket) are recognised from the error and the text, and said as what to write;
anything else keeps PyYAML's words.
"""

from __future__ import annotations

import re
from typing import List, NamedTuple, Optional

import yaml

# ``key:value`` at the start of a line (after an optional list dash): a key with no space after its colon.
_NO_SPACE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w.-]*):(?P<value>[^\s:/][^\n]*)$")
_QUOTED = "while scanning a quoted scalar"
_FLOW = {"while parsing a flow sequence": ("[", "]"), "while parsing a flow mapping": ("{", "}")}
_INDENT_PROBLEMS = ("mapping values are not allowed", "did not find expected '-' indicator",
                    "did not find expected key", "expected <block end>")


class SyntaxAt(NamedTuple):
    """A syntax problem's 1-based line and column and its message (without the "YAML syntax error" prefix)."""

    line: int
    column: int
    message: str


def plain_syntax_error(text: str, error: yaml.MarkedYAMLError) -> SyntaxAt:
    """Where the mistake is and what to write instead; PyYAML's own words when it is none of the common ones."""
    lines = text.split("\n")
    problem = error.problem or "unreadable YAML"
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    opened = error.context_mark
    if _char_at(lines, line, column) == "\t" or "tab character" in problem:
        tab_column = _tab_column(lines, line) or column
        return SyntaxAt(line, tab_column, "a tab in the indentation; indent with spaces, not a tab")
    if context.startswith(_QUOTED) and opened is not None:
        quote = _char_at(lines, opened.line + 1, opened.column + 1) or '"'
        return SyntaxAt(opened.line + 1, opened.column + 1,
                        f"the quote {quote} opened here is never closed; end the value with a matching {quote}")
    for flow, (start, end) in _FLOW.items():
        if context.startswith(flow) and opened is not None:
            return SyntaxAt(opened.line + 1, opened.column + 1,
                            f"the `{start}` opened here is never closed, or two of its items lack the `,` between "
                            f"them; close it with `{end}` after its last item")
    if problem.startswith("found character that cannot start any token"):
        char = _char_at(lines, line, column)
        return SyntaxAt(line, column, f"a plain value cannot start with `{char}`; quote the value (\"{char}...\")")
    missing = _missing_space(lines, (opened.line + 1) if opened is not None else line, line)
    if missing is not None:
        return missing
    if problem.startswith("mapping values are not allowed") and 0 <= _first_colon(lines, line) < column - 1:
        return _colon_in_value(lines[line - 1], line, column)
    if any(problem.startswith(words) for words in _INDENT_PROBLEMS):
        return _bad_indent(lines, line)
    message = problem
    if context and opened is not None:
        message += f" ({context} at line {opened.line + 1}, column {opened.column + 1})"
    elif context:
        message += f" ({context})"
    return SyntaxAt(line, column, message)


def _char_at(lines: List[str], line: int, column: int) -> str:
    if 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def _tab_column(lines: List[str], line: int) -> Optional[int]:
    """The column of the first tab in the line's indentation."""
    if not 1 <= line <= len(lines):
        return None
    found = lines[line - 1].find("\t")
    return found + 1 if found >= 0 else None


def _missing_space(lines: List[str], first: int, last: int) -> Optional[SyntaxAt]:
    """A ``key:value`` line at or above where PyYAML stopped, down to the line before ``first``."""
    for number in range(min(last, len(lines)), max(1, first - 1) - 1, -1):
        found = _NO_SPACE.match(lines[number - 1])
        if found:
            key, value = found.group("key"), found.group("value")
            colon = len(found.group("lead")) + len(key) + 1
            shown = value if len(value) <= 40 else value[:40] + "..."
            return SyntaxAt(number, colon, f"`{key}:{shown}` needs a space after the colon: write `{key}: {shown}`")
    return None


def _colon_in_value(text: str, line: int, column: int) -> SyntaxAt:
    colon = text.find(": ")
    key, value = text[:colon].strip(), text[colon + 2:].strip()
    shown = value if len(value) <= 40 else value[:40] + "..."
    return SyntaxAt(line, column, f"this value holds `: `, which YAML reads as a second key; quote the value: "
                    f"`{key}: \"{shown}\"`")


def _first_colon(lines: List[str], line: int) -> int:
    """The 0-based column of the line's first ``: `` (its key's colon), or -1."""
    return lines[line - 1].find(": ") if 1 <= line <= len(lines) else -1


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _bad_indent(lines: List[str], line: int) -> SyntaxAt:
    """The line whose indentation matches none of the mappings or lists it could belong to."""
    here = lines[line - 1] if 1 <= line <= len(lines) else ""
    indent = _indent(here)
    above = next((lines[number] for number in range(line - 2, -1, -1)
                  if lines[number].strip() and not lines[number].lstrip().startswith("#")), "")
    # The column a key of the line above starts at ("  - name: a": the key after the dash).
    key_column = _indent(above)
    if above.lstrip(" ").startswith("-"):
        key_column += 1 + _indent(above.lstrip(" ")[1:])
    what = f"indented by {indent} space{'s' if indent != 1 else ''}"
    if above and indent != key_column:
        return SyntaxAt(line, indent + 1, f"this line is {what} but the key above it by {key_column}: "
                        "keys of one mapping start in the same column")
    return SyntaxAt(line, indent + 1, f"this line is {what}, which matches no mapping or list above it; "
                    "line it up with the keys it belongs with")
