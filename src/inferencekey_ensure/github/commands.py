"""Workflow commands (``::error``, ``::group::``, ``::add-mask::``...) as escaped strings.

The runner parses every stdout line that starts with ``::``. Messages and file names
come from spec files, so they are escaped per the runner's rules: otherwise a
newline in a message would start a second, attacker-chosen command, and a ``,`` or
``:`` in a file name would end the property early. Pure formatting: the caller prints.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

from inferencekey_ensure.flow.annotations import ANNOTATION_KINDS, Annotation

# GitHub shows at most this many annotations of each kind per step.
ANNOTATIONS_SHOWN_PER_KIND = 10


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
    return [f"::add-mask::{escape_data(part)}" for part in value.splitlines() if part.strip()]
