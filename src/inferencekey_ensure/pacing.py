"""Retry pacing shared by every HTTP adapter: backoff, ``Retry-After``, injectable time.

Pure and stdlib-only, so both the control-plane client (``apply``) and the GitHub
comment adapter (``github``) pace their retries with the same arithmetic while each
keeps its own decision of *what* is worth retrying.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Optional

# Keeps 2 ** n finite whatever attempt count a caller configures.
_MAX_BACKOFF_EXPONENT = 30


def exponential_backoff_s(failed_attempts: int, base_s: float, cap_s: float) -> float:
    """``base * 2^(n-1)`` after the n-th failure, never above ``cap_s``."""
    exponent = min(max(failed_attempts - 1, 0), _MAX_BACKOFF_EXPONENT)
    return min(cap_s, base_s * (2.0 ** exponent))


def parse_retry_after(value: Optional[str], now: float) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or HTTP-date).

    ``now`` is the wall-clock time (epoch seconds) the HTTP-date is measured from.
    A date in the past means "now" (0); an unreadable value means "no advice" (None).
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 7231 dates are GMT; a zone-less one is read the same way
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


@dataclass(frozen=True)
class Timing:
    """The clocks, sleep and randomness retries and waits use; tests pass fakes."""

    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    random: Callable[[], float] = random.random
