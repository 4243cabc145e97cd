"""How one emulator instance is set up: state file, token grants, faults, pace."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

from inferencekey_ensure.emulator.auth import TokenGrant
from inferencekey_ensure.emulator.faults import FaultConfig

DEFAULT_HOST = "127.0.0.1"
DEFAULT_READINESS_STEP_S = 0.2


@dataclass
class EmulatorConfig:
    """``tokens`` empty means open mode: any ``ik_sdk_`` token is bound (and the
    binding persisted) to the first project it touches, and then refused with
    ``project_scope_mismatch`` on any other, as a project-scoped platform token is.
    ``readiness_step_s`` is the time each readiness phase lasts (0: ready at once).
    """

    state_path: Optional[Path] = None
    tokens: Dict[str, TokenGrant] = field(default_factory=dict)
    faults: FaultConfig = field(default_factory=FaultConfig)
    readiness_step_s: float = DEFAULT_READINESS_STEP_S

    def __post_init__(self) -> None:
        if self.readiness_step_s < 0:
            raise ValueError(f"readiness_step_s must be >= 0, not {self.readiness_step_s!r}")
        if any(not token for token in self.tokens):
            raise ValueError("a token grant needs a non-empty token")
        if self.state_path is not None:
            self.state_path = Path(self.state_path)
