"""Which fault, if any, the emulator injects into a request.

Reliability tests must reproduce a failure exactly, so nothing here is random:
the n-th request since the faults were set always meets the same fault, and the
lost creates and dropped streams are counted down, never sampled.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Tuple

from inferencekey_ensure.domain.slug import canonical_slug

FAIL = "fail"
CLOSE = "close"
NON_JSON = "non-json"

# Statuses a "fail" fault may answer with: the transient ones a client must retry,
# plus 500, which it must not.
FAIL_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class FaultConfig:
    """The faults to inject; every field off (0 / empty) by default.

    ``fail_every_n``: every n-th request is answered ``fail_status`` without being
    applied. ``non_json_every_n``: every n-th request is applied, then answered 200
    with an HTML body. ``close_every_n``: every n-th request is applied, then half of
    its response is written and the connection closed. When several hit the same
    request, fail wins over close, close over non-JSON. ``lose_create_responses``:
    the next n valid creates are stored, then answered 503. ``drop_streams``: each
    workload's readiness stream is cut this many times (after the snapshot) before
    it may run to the end. ``error_slugs``: readiness ends in ``error`` for these.
    ``retry_after_s``: sent as ``Retry-After`` on fail and lost-create answers.
    """

    latency_ms: int = 0
    fail_every_n: int = 0
    fail_status: int = 503
    retry_after_s: Optional[int] = None
    non_json_every_n: int = 0
    close_every_n: int = 0
    lose_create_responses: int = 0
    drop_streams: int = 0
    error_slugs: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in (
            "latency_ms",
            "fail_every_n",
            "non_json_every_n",
            "close_every_n",
            "lose_create_responses",
            "drop_streams",
        ):
            _require_count(name, getattr(self, name))
        if self.retry_after_s is not None:
            _require_count("retry_after_s", self.retry_after_s)
        if self.fail_status not in FAIL_STATUSES:
            allowed = ", ".join(str(status) for status in FAIL_STATUSES)
            raise ValueError(f"fail_status must be one of {allowed}, not {self.fail_status!r}")
        object.__setattr__(self, "error_slugs", _canonical_slugs(self.error_slugs))


def _require_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")


def _canonical_slugs(slugs: Iterable[str]) -> Tuple[str, ...]:
    if isinstance(slugs, str):
        raise ValueError("error_slugs must be a list of slugs, not one string")
    return tuple(sorted({canonical_slug(slug) for slug in slugs} - {""}))


def fault_for_request(config: FaultConfig, request_number: int) -> Optional[str]:
    """The fault the ``request_number``-th request (1-based) meets, or None."""
    for every_n, fault in (
        (config.fail_every_n, FAIL),
        (config.close_every_n, CLOSE),
        (config.non_json_every_n, NON_JSON),
    ):
        if every_n and request_number % every_n == 0:
            return fault
    return None


class FaultSchedule:
    """The counters behind the faults, shared by the server's request threads.

    Setting new faults restarts every count, so a test that sets faults mid-run
    knows exactly which of its following requests fail.
    """

    def __init__(self, config: FaultConfig) -> None:
        self._lock = threading.Lock()
        self._config = config
        self._requests = 0
        self._creates_to_lose = config.lose_create_responses
        self._drops: Dict[str, int] = {}

    @property
    def config(self) -> FaultConfig:
        with self._lock:
            return self._config

    def reset(self, config: FaultConfig) -> None:
        with self._lock:
            self._config = config
            self._requests = 0
            self._creates_to_lose = config.lose_create_responses
            self._drops = {}

    def next_request(self) -> Tuple[FaultConfig, Optional[str]]:
        """Count one request; the config in force for it and its fault."""
        with self._lock:
            self._requests += 1
            return self._config, fault_for_request(self._config, self._requests)

    def take_lost_create(self) -> bool:
        """True when this (already stored) create's response must be lost."""
        with self._lock:
            if self._creates_to_lose <= 0:
                return False
            self._creates_to_lose -= 1
            return True

    def take_stream_drop(self, workload_id: str) -> bool:
        """True when this readiness stream of ``workload_id`` must be cut."""
        with self._lock:
            done = self._drops.get(workload_id, 0)
            if done >= self._config.drop_streams:
                return False
            self._drops[workload_id] = done + 1
            return True

    def ends_in_error(self, slug: str) -> bool:
        with self._lock:
            return canonical_slug(slug) in self._config.error_slugs
