"""Neutralise untrusted text for each place it can land in GitHub-flavoured Markdown.

Spec values, file names and server messages are written by whoever opens the pull
request. Rendered naively they could break a table row, close a code fence and
swallow the rest of the comment, inject HTML, @-mention (and so notify) anyone,
cross-reference an issue (``#123``, ``owner/repo#123``, ``GH-123``: GitHub links
those and lists the comment on that issue), or link to a site. Bidirectional
control characters would make a value read differently from what it is, so they
are shown as visible escapes everywhere, code included. Each function here is safe
for exactly one context; pick the one for where the text goes.
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
# Embeddings, overrides and isolates (U+202A-E, U+2066-9): they reorder what is shown.
# Lone surrogates (a JSON "\\ud800" from a server, an undecodable file name) cannot be
# encoded at all: written raw, they would end the run with UnicodeEncodeError.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# What GitHub turns into links after rendering, in text outside code: mentions (and
# e-mail addresses), issue references, and the URLs GFM's autolink extension finds.
_REFERENCE_SIGNS = re.compile(r"[@#]")
_GH_REFERENCE = re.compile(r"(?i)\bgh-(?=\d)")
_URL_STARTS = re.compile(r"(?i)(://|\bwww(?=\.))")


def one_line(text: str) -> str:
    """Collapse line breaks and control characters into single spaces."""
    return _BREAKS_AND_CONTROLS.sub(" ", text)


def shorten(text: str, max_chars: int) -> str:
    """Cut ``text`` to at most ``max_chars`` characters, marking the cut with an ellipsis."""
    if len(text) <= max_chars:
        return text
    return text[: max(max_chars - 1, 0)] + ELLIPSIS


def reveal_bidi(text: str) -> str:
    """Bidirectional controls (and lone surrogates) as visible ``<U+202E>`` escapes, so text
    reads as it is stored and can always be encoded.

    Applied before any HTML escaping, which then turns the brackets into entities
    where the context needs it; inside code the escape shows as is.
    """
    return _BIDI_CONTROLS.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)


def neutralise_mentions(text: str) -> str:
    """Stop text from notifying, cross-referencing or linking: a zero-width joiner breaks each sign.

    After every ``@`` (mentions, e-mail autolinks) and ``#`` (``#123``,
    ``owner/repo#123``), inside ``GH-123``, after ``://`` and after a leading ``www``.
    The joiner is invisible, so the text still reads the same.
    """
    text = _REFERENCE_SIGNS.sub(lambda m: m.group(0) + ZERO_WIDTH_JOINER, text)
    text = _GH_REFERENCE.sub(lambda m: m.group(0) + ZERO_WIDTH_JOINER, text)
    return _URL_STARTS.sub(lambda m: m.group(0)[0] + ZERO_WIDTH_JOINER + m.group(0)[1:], text)


def markdown_text(text: str, max_chars: int = 300) -> str:
    """Untrusted text as inline Markdown: one line, no HTML, no markup, no mentions or links.

    Safe inside a table cell (``|`` is escaped) and inside a paragraph.
    """
    flat = shorten(reveal_bidi(one_line(redact_text(text))), max_chars)
    escaped = html.escape(flat, quote=False)
    return neutralise_mentions(_MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped))


def html_text(text: str, max_chars: int = 300) -> str:
    """Untrusted text inside a raw HTML block (e.g. a ``<summary>``): entities, no mentions.

    Raw HTML blocks are not parsed as Markdown, so no backslash escapes here; a
    blank line would end the block, so line breaks are flattened too. Backticks
    become entities so no reader (or later editor of the block) sees a code span.
    """
    flat = shorten(reveal_bidi(one_line(redact_text(text))), max_chars)
    # Defused before escaping: the entities written below hold a ``#`` that must stay whole.
    return html.escape(neutralise_mentions(flat), quote=True).replace("`", "&#96;")


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
    backslash and any backslashes right before it are doubled. Code does not stop
    bidirectional controls, so they are revealed here too.
    """
    flat = shorten(reveal_bidi(one_line(redact_text(text))), max_chars)
    if not flat.strip():
        return "(blank)"
    ticks = "`" * (longest_backtick_run(flat) + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") else flat
    protected = _PIPE_WITH_BACKSLASHES.sub(lambda m: m.group(1) * 2 + "\\|", padded)
    return f"{ticks}{protected}{ticks}"
