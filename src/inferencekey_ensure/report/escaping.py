"""Neutralise untrusted text for each place it can land in GitHub-flavoured Markdown.

Spec values, file names and server messages are written by whoever opens the pull
request. Rendered naively they could break a table row, close a code fence and
swallow the rest of the comment, inject HTML, or @-mention (and so notify) anyone.
Each function here is safe for exactly one context; pick the one for where the text
goes.
"""

from __future__ import annotations

import html
import re

from inferencekey_ensure.domain.secrets import redact_text

ELLIPSIS = "\u2026"
ZERO_WIDTH_JOINER = "\u200d"

# Every line break Markdown or a browser might honour, plus the other C0/C1 controls.
_BREAKS_AND_CONTROLS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]+")
# Markdown punctuation that could start emphasis, links, images, code, strike-through,
# or split a table cell. Escaped with a backslash, which CommonMark allows for any ASCII
# punctuation.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~!#])")
_BACKTICK_RUN = re.compile(r"`+")
_PIPE_WITH_BACKSLASHES = re.compile(r"(\\*)\|")


def one_line(text: str) -> str:
    """Collapse line breaks and control characters into single spaces."""
    return _BREAKS_AND_CONTROLS.sub(" ", text)


def shorten(text: str, max_chars: int) -> str:
    """Cut ``text`` to at most ``max_chars`` characters, marking the cut with an ellipsis."""
    if len(text) <= max_chars:
        return text
    return text[: max(max_chars - 1, 0)] + ELLIPSIS


def neutralise_mentions(text: str) -> str:
    """Stop ``@name`` from notifying anyone: a zero-width joiner after every ``@``."""
    return text.replace("@", "@" + ZERO_WIDTH_JOINER)


def markdown_text(text: str, max_chars: int = 300) -> str:
    """Untrusted text as inline Markdown: one line, no HTML, no markup, no mentions.

    Safe inside a table cell (``|`` is escaped) and inside a paragraph.
    """
    flat = shorten(one_line(redact_text(text)), max_chars)
    escaped = html.escape(flat, quote=False)
    return neutralise_mentions(_MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped))


def html_text(text: str, max_chars: int = 300) -> str:
    """Untrusted text inside a raw HTML block (e.g. a ``<summary>``): entities, no mentions.

    Raw HTML blocks are not parsed as Markdown, so no backslash escapes here; a
    blank line would end the block, so line breaks are flattened too. Backticks
    become entities so no reader (or later editor of the block) sees a code span.
    """
    flat = shorten(one_line(redact_text(text)), max_chars)
    return neutralise_mentions(html.escape(flat, quote=True).replace("`", "&#96;"))


def longest_backtick_run(text: str) -> int:
    """Length of the longest run of consecutive backticks in ``text`` (0 when none)."""
    return max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)


def code_fence(content: str) -> str:
    """A backtick fence that no run of backticks in ``content`` can close."""
    return "`" * max(3, longest_backtick_run(content) + 1)


def table_code(text: str, max_chars: int = 120) -> str:
    """Untrusted text as an inline code span inside a table cell.

    Code spans show text literally (no HTML, no mentions); the delimiter is longer
    than any backtick run inside. GFM splits cells before it parses code spans, and
    its splitter reads ``\\x`` as one escaped character, so each ``|`` gets a
    backslash and any backslashes right before it are doubled.
    """
    flat = shorten(one_line(redact_text(text)), max_chars)
    if not flat.strip():
        return "(blank)"
    ticks = "`" * (longest_backtick_run(flat) + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") else flat
    protected = _PIPE_WITH_BACKSLASHES.sub(lambda m: m.group(1) * 2 + "\\|", padded)
    return f"{ticks}{protected}{ticks}"
