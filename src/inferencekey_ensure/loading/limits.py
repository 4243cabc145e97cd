"""Bounds that keep a hostile spec file from costing more than a mistyped one.

A real spec is a few kilobytes, a handful of levels deep, with at most a few
anchors; these limits sit far above that and far below what hurts.
"""

from __future__ import annotations

# Checked against the file size before a byte is read, and again while reading.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Mappings and lists inside one another; the schema checker recurses per level.
MAX_DEPTH = 64
# Total nodes that aliases may stand for, summed over every alias in a document.
ALIAS_BUDGET = 100_000
# The widest integer the platform stores: a signed 64-bit one. Wider is refused where it is
# written, in YAML as in JSON, before any conversion (Python would take minutes, or refuse
# past 4,300 digits with a message quoting them all).
MAX_INTEGER = 2 ** 63 - 1
MIN_INTEGER = -(2 ** 63)
# More digits than any 64-bit integer has in any notation YAML 1.1 reads (binary: 64).
_MAX_INTEGER_CHARS = 70


def too_long_for_an_integer(text: str) -> bool:
    """Whether ``text`` has more digits than any storable integer: refused unconverted."""
    return len(text.lstrip("+-").replace("_", "")) > _MAX_INTEGER_CHARS


def integer_in_range(value: int) -> bool:
    return MIN_INTEGER <= value <= MAX_INTEGER


def integer_refusal(text: str) -> str:
    """Why the integer written as ``text`` is refused; a long one abbreviated."""
    digits = text.lstrip("+-")
    shown = text if len(text) <= 24 else f"{text[:20]}\u2026 ({len(digits):,} digits)"
    return f"the integer {shown} is beyond what the platform stores (a 64-bit integer: at most {MAX_INTEGER})"
