"""A bounded pool for independent control-plane calls.

The SDK works one spec after another, so a run costs the sum of every request's
latency; independent requests here overlap, at most ``parallelism`` at a time so
a large repository cannot flood the platform (or trip its rate limiter).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List, Sequence, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


def run_bounded(work: Callable[[In], Out], items: Sequence[In], parallelism: int) -> List[Out]:
    """``[work(item) for item in items]``, overlapped; results keep the input order."""
    if len(items) <= 1 or parallelism <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(parallelism, len(items))) as pool:
        return list(pool.map(work, items))
