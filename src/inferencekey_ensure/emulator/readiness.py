"""Readiness phases as a function of time since the workload last changed.

A stream emits every phase from its snapshot onwards, in order, each once, even
when the server thread wakes up late: a loaded test machine must not make a
phase disappear, or tests of progress output would flake.
"""

from __future__ import annotations

import json
import math
from typing import Any, Dict, List, Optional

PHASES = ("scheduling", "provisioning", "bootstrapping")
TERMINAL = len(PHASES)  # the index of the last phase: ready, or error
_MESSAGES = {
    "scheduling": "waiting for a worker to be scheduled",
    "provisioning": "provisioning a GPU worker",
    "bootstrapping": "starting the runtime and loading the model",
    "ready": "the workload is serving",
    "error": "the runtime failed to start (emulated error)",
}
_STEPS = {"scheduling": "queued", "provisioning": "allocating-gpu", "bootstrapping": "loading-model"}
DELETED_MESSAGE = "the workload was deleted"


def phase_index(elapsed_s: float, step_s: float) -> int:
    """0..2 for the phases in progress, TERMINAL once the workload is done."""
    if step_s <= 0:
        return TERMINAL
    return min(TERMINAL, math.floor(max(elapsed_s, 0.0) / step_s))


def seconds_to_next_phase(elapsed_s: float, step_s: float) -> float:
    index = phase_index(elapsed_s, step_s)
    if index >= TERMINAL:
        return 0.0
    return (index + 1) * step_s - max(elapsed_s, 0.0)


def phase_name(index: int, ends_in_error: bool) -> str:
    if index < TERMINAL:
        return PHASES[index]
    return "error" if ends_in_error else "ready"


def readiness_event(index: int, elapsed_s: float, ends_in_error: bool) -> Dict[str, Any]:
    phase = phase_name(index, ends_in_error)
    event: Dict[str, Any] = {
        "phase": phase,
        "message": _MESSAGES[phase],
        "elapsed_ms": int(max(elapsed_s, 0.0) * 1000),
    }
    if phase in _STEPS:
        event["step"] = _STEPS[phase]
    return event


def deleted_event(elapsed_s: float) -> Dict[str, Any]:
    return {"phase": "error", "message": DELETED_MESSAGE, "elapsed_ms": int(max(elapsed_s, 0.0) * 1000)}


def events_due(last_sent: Optional[int], current: int, elapsed_s: float, ends_in_error: bool) -> List[Dict[str, Any]]:
    """The events to send now, given the last phase index sent (None: nothing yet).

    The first call yields the snapshot of the current phase. A workload changed
    mid-stream starts over, so a phase lower than the last one sent is sent again.
    """
    if last_sent is None or current < last_sent:
        indices = [current]
    else:
        indices = list(range(last_sent + 1, current + 1))
    return [readiness_event(index, elapsed_s, ends_in_error) for index in indices]


def is_final(event: Dict[str, Any]) -> bool:
    return event["phase"] in ("ready", "error")


def encode_event(event: Dict[str, Any]) -> bytes:
    """One server-sent event: a single ``data:`` line with the JSON object, then a blank line."""
    return b"data: " + json.dumps(event, separators=(",", ":")).encode("utf-8") + b"\n\n"
