"""How a reconcile's comparison with the reviewed plan reads in Markdown (PR comment, job summary)."""

from __future__ import annotations

from typing import List, Sequence

from inferencekey_ensure.report.escaping import code_fence, markdown_text, reveal_bidi, shorten

# The difference shown in a comment stays far below the 65,536-character limit.
DIFFERENCE_LINES = 60
DIFFERENCE_LINE_CHARS = 300


def differences_block(lines: Sequence[str]) -> str:
    """The differences in a fence nothing can close, capped in lines and line length."""
    shown: List[str] = [shorten(line, DIFFERENCE_LINE_CHARS) for line in lines[:DIFFERENCE_LINES]]
    if len(lines) > DIFFERENCE_LINES:
        shown.append(f"... {len(lines) - DIFFERENCE_LINES} more line(s) in the job's log")
    body = reveal_bidi("\n".join(shown))
    fence = code_fence(body)
    return f"{fence}text\n{body}\n{fence}"


def review_note(kind: str, sentence: str, differences: Sequence[str]) -> str:
    """A GitHub-style alert (``kind``: NOTE, WARNING, CAUTION) with the sentence, then the differences."""
    note = f"> [!{kind}]\n> {markdown_text(sentence, 1000)}"
    return note + ("\n\n" + differences_block(differences) if differences else "")
