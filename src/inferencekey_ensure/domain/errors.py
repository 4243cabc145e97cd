"""The root of the package's own errors, so one handler can tell them from a bug.

Every error the package raises on purpose says what went wrong (``message``) and,
when there is something to do about it, what (``fix``). The CLI's last-resort
handler (``cli/main.py``) prints those two and exits 1 (or the usage code for a
``UsageError``); anything that is not an ``IkEnsureError`` is a bug, reported as an
internal error with its own exit code.
"""

from __future__ import annotations

from typing import Optional


class IkEnsureError(Exception):
    """An error the package raises on purpose: ``str()`` is the message, ``fix`` the next step."""

    def __init__(self, message: str = "", fix: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
