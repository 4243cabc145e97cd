"""The words a true/false action input accepts.

Standard library only: the action's set-up step reads its own flag
(``cache-environment``) with these words before any dependency is installed.
"""

from __future__ import annotations

from typing import Optional

TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0", "")


def parse_flag(value: str) -> Optional[bool]:
    """True or False for a flag's text, or None when it is neither."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
