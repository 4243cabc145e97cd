"""Workflow commands (``::error``, ``::group::``, ``::add-mask::``...) as escaped strings,
and the one rule that keeps any other text from being read as a command.

The runner parses two syntaxes: a line that starts with ``::``, and the legacy
``##[command]`` anywhere in a line (``##[stop-commands]`` silences every later
command of the run, ``##[add-mask]``, ``##[set-output]``...). Messages, file names and
platform values come from whoever wrote the spec or runs the server, so every piece
of text is made ``inert`` (the legacy opener broken by a zero-width space,
bidirectional controls and lone surrogates shown as escapes) and escaped per the
runner's rules: otherwise a newline in a message would start a second,
attacker-chosen command, and a ``,`` or ``:`` in a file name would end the property
early. Pure formatting: the caller prints.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

from inferencekey_ensure.flow.annotations import ANNOTATION_KINDS, Annotation
from inferencekey_ensure.report.escaping import reveal_bidi

# GitHub shows at most this many annotations of each kind per step.
ANNOTATIONS_SHOWN_PER_KIND = 10


_LEGACY_OPENER = "##["
_DEFUSED_LEGACY_OPENER = "##\u200b["
_DEFUSED_LEADING = ":\u200b:"


def inert(text: str) -> str:
    """``text`` with nothing the runner would act on wherever in a line it lands."""
    return reveal_bidi(text).replace(_LEGACY_OPENER, _DEFUSED_LEGACY_OPENER)


def plain_line(line: str) -> str:
    """One line of plain log text: inert, and a leading ``::`` broken by a zero-width space."""
    line = inert(line)
    stripped = line.lstrip()
    if stripped.startswith("::"):
        return line[: len(line) - len(stripped)] + _DEFUSED_LEADING + stripped[2:]
    return line


def _percent_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_data(text: str) -> str:
    return _percent_escape(inert(text))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_annotation(annotation: Annotation) -> str:
    if annotation.kind not in ANNOTATION_KINDS:
        raise ValueError(f"unknown annotation kind {annotation.kind!r}")
    properties: List[Tuple[str, str]] = []
    if annotation.file:
        properties.append(("file", annotation.file))
        if annotation.line:
            properties.append(("line", str(annotation.line)))
            if annotation.end_line:
                properties.append(("endLine", str(annotation.end_line)))
            if annotation.column:
                properties.append(("col", str(annotation.column)))
    if annotation.title:
        properties.append(("title", annotation.title))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    separator = " " if rendered else ""
    return f"::{annotation.kind}{separator}{rendered}::{escape_data(annotation.message)}"


def prioritised(annotations: Sequence[Annotation]) -> Tuple[List[Annotation], int]:
    """The annotations GitHub will actually show, and how many of the rest it would drop.

    Order within a kind is the caller's priority order; only the first
    ``ANNOTATIONS_SHOWN_PER_KIND`` of each kind are kept.
    """
    kept: List[Annotation] = []
    per_kind = {kind: 0 for kind in ANNOTATION_KINDS}
    for annotation in annotations:
        if per_kind[annotation.kind] < ANNOTATIONS_SHOWN_PER_KIND:
            kept.append(annotation)
        per_kind[annotation.kind] += 1
    return kept, len(annotations) - len(kept)


def group(title: str) -> str:
    return f"::group::{escape_data(title)}"


def endgroup() -> str:
    return "::endgroup::"


def add_mask(value: str) -> List[str]:
    """Mask commands for a secret; one per line, since the runner masks line by line."""
    # The secret exactly as it is (not made inert): the runner must mask this very text.
    return [f"::add-mask::{_percent_escape(part)}" for part in value.splitlines() if part.strip()]
