"""Slug canonicalisation, byte-for-byte the platform's rule.

The SDK canonicalises before it looks up, creates or reports, so a re-run never
creates a ``-1`` copy; every layer of this tool goes through this one function.
"""

from __future__ import annotations

import re

_NON_ALNUM_RUN = re.compile(r"[^A-Za-z0-9]+")


def canonical_slug(raw: str) -> str:
    """Collapse each run of non-alphanumeric ASCII to one ``-``, lower-case, trim ``-``.

    An empty result means the slug is unusable; callers must reject it rather than
    send it (the platform would mint a fresh workload on every run).
    """
    return _NON_ALNUM_RUN.sub("-", raw).lower().strip("-")
