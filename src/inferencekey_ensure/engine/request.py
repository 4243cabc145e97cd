"""What one run of ``plan`` or ``apply`` is asked to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal, Mapping, Optional, Tuple

from inferencekey_ensure.controlplane.readiness import DEFAULT_WAIT_TIMEOUT_S
from inferencekey_ensure.domain.fields import DEFAULT_ON_DRIFT, OnDrift
from inferencekey_ensure.engine.events import EventSink, discard
from inferencekey_ensure.plan.model import Plan

# ``preview`` (plan) never sends a write; ``reconcile`` (apply) makes the platform match.
RunMode = Literal["preview", "reconcile"]
PREVIEW: RunMode = "preview"
RECONCILE: RunMode = "reconcile"
RUN_MODES: Tuple[RunMode, ...] = (PREVIEW, RECONCILE)
DEFAULT_PARALLELISM = 8
# One run deletes at most this many workloads unless the caller raises the limit:
# a wrong path or project must not cost a project's workloads.
DEFAULT_PRUNE_LIMIT = 3


def _any_plan(_plan: Plan) -> bool:
    return True


@dataclass(frozen=True)
class RunRequest:
    """One run: in which mode, with which defaults. Which specs and which control
    plane are the caller's to give (``run``'s other arguments).

    ``env`` is where ``INFERENCEKEY_PROJECT`` is read from (never ``os.environ``
    directly, so a test or an embedding caller controls it).
    ``on_event`` hears each write's outcome as it completes, and readiness under
    ``wait`` (``engine/events.py``). ``prune_limit`` caps the deletions of one run.
    ``may_write`` sees the plan reconcile is about to write, once, before any write;
    False means write nothing and report the plan as a refused reconcile (``--expect-digest``,
    the action's ``require-reviewed-plan``): the writes are that very plan, never a re-plan.
    ``max_spend_increase`` (USD an hour, None: no limit): a plan whose spend ceiling rises by
    more is a run error; a reconcile then writes nothing.
    """

    mode: RunMode = PREVIEW
    on_drift: OnDrift = DEFAULT_ON_DRIFT
    prune: bool = False
    project: Optional[str] = None
    env: Mapping[str, str] = field(default_factory=dict)
    wait: bool = False
    wait_timeout_s: float = DEFAULT_WAIT_TIMEOUT_S
    parallelism: int = DEFAULT_PARALLELISM
    prune_limit: int = DEFAULT_PRUNE_LIMIT
    on_event: EventSink = discard
    may_write: Callable[[Plan], bool] = _any_plan
    max_spend_increase: Optional[float] = None
