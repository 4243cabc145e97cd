"""Structural checks on rendered Markdown, written from the CommonMark/GFM rules they test."""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ALLOWED_TAGS = re.compile(r"</?(details|summary|code|sub|br)>|<!-- ik-ensure:comment-key=[A-Za-z0-9%._~-]* -->")


def table_cells(row: str) -> List[str]:
    """Split a table row as GFM does: ``\\x`` is one escaped character, ``|`` separates cells."""
    cells, current, index = [], "", 0
    while index < len(row):
        if row[index] == "\\":
            current += row[index : index + 2]
            index += 2
            continue
        if row[index] == "|":
            cells.append(current)
            current = ""
        else:
            current += row[index]
        index += 1
    cells.append(current)
    return cells


def splits_cell(cell: str) -> bool:
    return len(table_cells(cell)) > 1


def split_fences(text: str) -> Tuple[List[str], List[List[str]], Optional[str]]:
    """(lines outside fences, the fenced blocks' lines, the fence still open at the end)."""
    outside: List[str] = []
    blocks: List[List[str]] = []
    open_fence: Optional[str] = None
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if open_fence is None:
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                open_fence = match.group(1)
                blocks.append([])
            else:
                outside.append(line)
            continue
        if match and match.group(1)[0] == open_fence[0] and len(match.group(1)) >= len(open_fence) and not match.group(2).strip():
            open_fence = None
            continue
        blocks[-1].append(line)
    return outside, blocks, open_fence


def fences_balanced(text: str) -> bool:
    return split_fences(text)[2] is None


def _without_code_spans(line: str) -> str:
    """Drop code spans from one line as CommonMark finds them: a backslash escapes the next
    character outside code; a span runs from a backtick run to the next run of equal length."""
    kept, index = [], 0
    while index < len(line):
        char = line[index]
        if char == "\\":
            kept.append(line[index : index + 2])
            index += 2
            continue
        if char != "`":
            kept.append(char)
            index += 1
            continue
        rest = line[index:]
        run = len(rest) - len(rest.lstrip("`"))
        closer = re.compile(r"(?<!`)" + "`" * run + r"(?!`)")
        match = closer.search(line, index + run)
        if match is None:
            kept.append("`" * run)
            index += run
        else:
            index = match.end()
    return "".join(kept)


def live_text(text: str) -> str:
    """The text GitHub would interpret: outside fences, with code spans removed."""
    return "\n".join(_without_code_spans(line) for line in split_fences(text)[0])


def stray_html(text: str) -> List[str]:
    """Tags other than the few the renderer itself writes."""
    return re.findall(r"<[^>\n]*>?", _ALLOWED_TAGS.sub("", live_text(text)))


def live_mentions(text: str) -> List[str]:
    return re.findall(r"@[A-Za-z0-9]", live_text(text))


def table_rows(text: str) -> List[str]:
    return [line for line in split_fences(text)[0] if line.startswith("| ") or line.startswith("|---")]
