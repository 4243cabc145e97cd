"""argparse ``type=`` converters for numeric flags, shared by the subcommands.

Stdlib-only on purpose: ``validate`` must stay cheap to import.
"""

from __future__ import annotations

import argparse
import re
from typing import Callable, TypeVar

N = TypeVar("N", int, float)


def at_least(convert: Callable[[str], N], what: str, minimum: N, *, exclusive: bool = False) -> Callable[[str], N]:
    """An argparse type: ``convert`` the text, refusing anything below ``minimum`` (or NaN).

    ``exclusive`` refuses ``minimum`` itself too, for flags where zero makes no sense.
    """
    expected = f"expected {what} {'>' if exclusive else '>='} {minimum:g}"

    def parse(value: str) -> N:
        try:
            number = convert(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{expected}, got {value!r}") from None
        allowed = number > minimum if exclusive else number >= minimum
        if not allowed:  # NaN compares false both ways, so it is refused here too
            raise argparse.ArgumentTypeError(f"{expected}, got {value!r}")
        return number

    return parse


positive_int = at_least(int, "a whole number", 1)
positive_seconds = at_least(float, "a number of seconds", 0.0, exclusive=True)
non_negative_int = at_least(int, "a whole number", 0)
non_negative_seconds = at_least(float, "a number of seconds", 0.0)


_PLAN_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def plan_digest_arg(value: str) -> str:
    """A plan digest as ``plan --json`` prints it (``sha256:`` and 64 lower-case hex digits)."""
    text = value.strip()
    if not _PLAN_DIGEST.match(text):
        raise argparse.ArgumentTypeError(f"expected a plan digest like sha256:<64 hex digits>, got {value!r}")
    return text
