"""A local InferenceKey control plane: the platform's routes, rules and failures.

Newcomers run ``ik-ensure`` against it with no account; every engine and
reliability test runs against it over real loopback HTTP, with faults injected
deterministically.
"""

from __future__ import annotations

from inferencekey_ensure.emulator.auth import ANY_PROJECT, TokenGrant
from inferencekey_ensure.emulator.config import DEFAULT_READINESS_STEP_S, EmulatorConfig
from inferencekey_ensure.emulator.faults import FaultConfig
from inferencekey_ensure.emulator.local import LOCAL_STATE_PATH, LOCAL_TOKEN, LocalEmulator, local_emulator
from inferencekey_ensure.emulator.recording import RecordedRequest
from inferencekey_ensure.emulator.server import EmulatorServer
from inferencekey_ensure.emulator.state import StateError

__all__ = [
    "ANY_PROJECT",
    "DEFAULT_READINESS_STEP_S",
    "LOCAL_STATE_PATH",
    "LOCAL_TOKEN",
    "EmulatorConfig",
    "EmulatorServer",
    "FaultConfig",
    "LocalEmulator",
    "RecordedRequest",
    "StateError",
    "TokenGrant",
    "local_emulator",
]
