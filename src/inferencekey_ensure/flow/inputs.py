"""What the action is asked to do, as typed values: the same on every CI host.

Each host's adapter reads them from where that host puts them (GitHub: the
``INPUT_*`` variables ``action.yml`` sets) and checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from inferencekey_ensure.controlplane.readiness import DEFAULT_WAIT_TIMEOUT_S
from inferencekey_ensure.domain.fields import DEFAULT_ON_DRIFT, OnDrift
from inferencekey_ensure.engine.request import DEFAULT_PRUNE_LIMIT, PREVIEW, RunMode
from inferencekey_ensure.flow.sticky import COMMENT_ON_CHANGE, CommentPolicy
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR

DEFAULT_SPECS = f"{DEFAULT_SPEC_DIR}/"
DEFAULT_COMMENT_KEY = "default"


@dataclass(frozen=True, repr=False)
class ActionInputs:
    specs: Tuple[str, ...]
    mode: RunMode = PREVIEW
    on_drift: OnDrift = DEFAULT_ON_DRIFT
    project: Optional[str] = None
    sdk_token: Optional[str] = None
    base_url: Optional[str] = None
    github_token: Optional[str] = None
    comment: CommentPolicy = COMMENT_ON_CHANGE
    comment_key: str = DEFAULT_COMMENT_KEY
    fail_on_drift: bool = False
    wait: bool = False
    wait_timeout_s: float = DEFAULT_WAIT_TIMEOUT_S
    prune: bool = False
    working_directory: Optional[str] = None
    only_projects: Tuple[str, ...] = ()
    prune_limit: int = DEFAULT_PRUNE_LIMIT
    require_reviewed_plan: bool = False
    config: Optional[str] = None
    max_spend_increase: Optional[float] = None
    drift_issue: bool = False

    def __repr__(self) -> str:
        # Tokens never reach a log through a repr.
        return f"ActionInputs(specs={self.specs!r}, mode={self.mode!r}, comment_key={self.comment_key!r})"

    @property
    def secrets(self) -> List[str]:
        return [token for token in (self.sdk_token, self.github_token) if token]
