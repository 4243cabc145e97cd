"""What one run of ``plan`` or ``apply`` is asked to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal, Mapping, Optional

from inferencekey_ensure.controlplane.readiness import DEFAULT_WAIT_TIMEOUT_S
from inferencekey_ensure.domain.spec import DEFAULT_ON_DRIFT
from inferencekey_ensure.plan.model import Plan

# ``preview`` (plan) never sends a write; ``reconcile`` (apply) makes the platform match.
RunMode = Literal["preview", "reconcile"]
PREVIEW: RunMode = "preview"
RECONCILE: RunMode = "reconcile"
DEFAULT_PARALLELISM = 8


def _discard(_line: str) -> None:
    return None


def _any_plan(_plan: Plan) -> bool:
    return True


@dataclass(frozen=True)
class RunRequest:
    """One run: in which mode, with which defaults. Which specs and which control
    plane are the caller's to give (``run``'s other arguments).

    ``env`` is where ``INFERENCEKEY_PROJECT`` is read from (never ``os.environ``
    directly, so a test or an embedding caller controls it).
    ``progress`` receives one line per readiness event under ``wait``.
    ``may_write`` sees the plan reconcile is about to write, once, before any write;
    False means write nothing and report the plan as a preview (``--expect-digest``,
    the action's ``require-reviewed-plan``): the writes are that very plan, never a re-plan.
    """

    mode: RunMode = PREVIEW
    on_drift: str = DEFAULT_ON_DRIFT
    prune: bool = False
    project: Optional[str] = None
    env: Mapping[str, str] = field(default_factory=dict)
    wait: bool = False
    wait_timeout_s: float = DEFAULT_WAIT_TIMEOUT_S
    parallelism: int = DEFAULT_PARALLELISM
    progress: Callable[[str], None] = _discard
    may_write: Callable[[Plan], bool] = _any_plan
