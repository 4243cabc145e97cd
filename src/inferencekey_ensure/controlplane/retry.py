"""When to try a control-plane request again, and how long to wait first.

Pure decisions, no I/O: the client reports what happened and this module says
"wait this long" or "give up". The official SDK never retries, so one 503 during a
deploy fails the pipeline; this tool retries what is transient (transport
failures, 429, 502, 503, 504) with exponential backoff and full jitter, honours
``Retry-After``, and is bounded twice: by a number of attempts and by a total time
budget, so a struggling platform cannot hold a CI job hostage.

Whether a *non-idempotent* request (a create) may be re-sent depends on whether it
could have been processed; see ``may_have_been_processed`` and the client's docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional

from inferencekey_ensure.pacing import exponential_backoff_s

__all__ = [
    "TRANSIENT_STATUSES",
    "Delivery",
    "RetryPolicy",
    "is_transient_status",
    "may_have_been_processed",
]

TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


class Delivery(Enum):
    """How far a failed request got, which decides whether re-sending is safe."""

    NOT_SENT = "not sent"  # never left this process: connect refused or timed out
    MAYBE_SENT = "maybe sent"  # may have been processed: timeout after sending, connection dropped
    ANSWERED = "answered"  # the server answered with a status (and maybe a broken body)


def is_transient_status(status: int) -> bool:
    """Statuses that say "try again later"; 400/401/403/404 and the rest are permanent."""
    return status in TRANSIENT_STATUSES


def may_have_been_processed(delivery: Delivery, status: Optional[int] = None) -> bool:
    """Whether the server may have acted on a request that failed this way.

    Decides whether a non-idempotent request (a create) may be sent again: only
    when this is False. A request that never left was not processed, nor was one
    turned away with a 4xx (429 included: the rate limiter answers before any
    handler runs). Anything that may have reached a handler was: a timeout after
    sending, a dropped connection, any 5xx (a gateway's 502/503/504 can follow a
    backend that stored the workload and lost the answer), and a 2xx whose body
    could not be read.
    """
    if delivery is Delivery.NOT_SENT:
        return False
    if delivery is Delivery.MAYBE_SENT:
        return True
    return status is None or status < 300 or status >= 500


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds and pacing of retries; the defaults suit a CI job (about a minute at most)."""

    max_attempts: int = 5
    total_budget_s: float = 60.0
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.total_budget_s < 0 or self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("retry budget and delays must not be negative")

    def backoff_s(self, failed_attempts: int, rand: float) -> float:
        """Full jitter: uniform in [0, min(max_delay, base * 2^(n-1))), from ``rand`` in [0, 1)."""
        return exponential_backoff_s(failed_attempts, self.base_delay_s, self.max_delay_s) * rand

    def delay_before_retry(
        self,
        *,
        failed_attempts: int,
        elapsed_s: float,
        retry_after_s: Optional[float],
        rand: float,
    ) -> Optional[float]:
        """Seconds to sleep before the next attempt, or None to give up now.

        The server's ``Retry-After`` wins over the computed backoff (waiting less
        would only earn another 429). Giving up early when the wait would overrun
        the budget reports the failure now instead of after a pointless sleep.
        """
        if failed_attempts >= self.max_attempts:
            return None
        if retry_after_s is not None:
            delay = retry_after_s
        else:
            delay = self.backoff_s(failed_attempts, rand)
        if elapsed_s + delay > self.total_budget_s:
            return None
        return delay
