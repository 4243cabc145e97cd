"""The Python the action runs on, as far as the environment built for it depends on it."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Interpreter:
    executable: str
    real_path: str
    base_real_path: str
    version: str
    implementation: str
    system: str
    machine: str
    libc: str

    @classmethod
    def current(cls) -> "Interpreter":
        return cls(
            executable=sys.executable,
            real_path=os.path.realpath(sys.executable),
            base_real_path=os.path.realpath(getattr(sys, "_base_executable", sys.executable)),
            version=platform.python_version(),
            implementation=sys.implementation.name,
            system=sys.platform,
            machine=platform.machine(),
            libc=platform.libc_ver()[0] if sys.platform.startswith("linux") else "",
        )

    def describe(self) -> str:
        """Every field, one per line: what the environment key hashes."""
        return "\n".join(f"{name}={value}" for name, value in sorted(vars(self).items()))
