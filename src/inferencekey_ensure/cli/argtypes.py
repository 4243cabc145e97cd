"""argparse ``type=`` converters for numeric flags, shared by the subcommands.

Stdlib-only at import on purpose: ``validate`` must stay cheap to import (the digest
converter imports the digest rules only when its option is given).
"""

from __future__ import annotations

import argparse
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
usd_per_hour = at_least(float, "US dollars an hour", 0.0)


def plan_digest_arg(value: str) -> str:
    """A plan digest as ``plan --json`` prints it (``sha256:`` and 64 lower-case hex digits)."""
    from inferencekey_ensure.plan.digest import is_digest  # only when the option is given: validate stays cheap

    text = value.strip()
    if not is_digest(text):
        raise argparse.ArgumentTypeError(f"expected a plan digest like sha256:<64 hex digits>, got {value!r}")
    return text
