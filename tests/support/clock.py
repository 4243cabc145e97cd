"""The one fake clock: time that moves only when a test (or the code's sleep) moves it."""

from __future__ import annotations

from typing import List

from inferencekey_ensure.pacing import Timing


class FakeClock:
    """Monotonic time from 0 and the matching wall time from ``WALL_START``.

    Called, it answers the wall time (the emulator's ``clock``); ``advance`` moves it by
    hand (to hold a workload in one readiness phase); ``timing()`` hands the client a
    ``sleep`` that records each pause and moves the clock instead of waiting.
    """

    WALL_START = 1_700_000_000.0

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: List[float] = []

    def __call__(self) -> float:
        return self.WALL_START + self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    def timing(self) -> Timing:
        return Timing(sleep=self.sleep, monotonic=lambda: self.now, wall=self, random=lambda: 0.5)
