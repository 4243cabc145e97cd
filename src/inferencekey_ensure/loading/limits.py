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
