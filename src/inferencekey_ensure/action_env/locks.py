"""The action's two lock files, and which uv wheel fits this machine.

``action/requirements.lock`` pins every wheel the action installs (exact
versions, sha256 hashes, environment markers); ``action/uv-wheels.lock`` pins
the uv release that installs them, one line per platform wheel: ``sha256
filename url``. Both are written by ``python scripts/relock_action.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import List, Optional, Sequence

REQUIREMENTS_LOCK = PurePath("action", "requirements.lock")
PYLOCK = PurePath("action", "pylock.toml")
UV_WHEELS_LOCK = PurePath("action", "uv-wheels.lock")

_MACHINE_ALIASES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64"}
_WINDOWS_TAGS = {"amd64": "win_amd64", "x86_64": "win_amd64", "arm64": "win_arm64", "x86": "win32"}


@dataclass(frozen=True)
class UvWheel:
    sha256: str
    filename: str
    url: str

    @property
    def platform_tags(self) -> List[str]:
        """``manylinux_2_17_x86_64.manylinux2014_x86_64`` -> both tags."""
        return self.filename[: -len(".whl")].split("-")[-1].split(".")


def parse_uv_wheels(text: str) -> List[UvWheel]:
    wheels = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            sha256, filename, url = line.split()
            wheels.append(UvWheel(sha256, filename, url))
    return wheels


def uv_wheel_for(wheels: Sequence[UvWheel], system: str, machine: str, libc: str) -> Optional[UvWheel]:
    """The wheel for ``sys.platform``, ``platform.machine()`` and ``platform.libc_ver()[0]``, if uv ships one.

    macOS names Apple silicon ``arm64`` where Linux says ``aarch64``; a Linux
    without glibc is taken to be musl. The oldest glibc baseline is preferred.
    Windows says ``AMD64``, ``ARM64`` or ``x86``.
    """
    machine = machine.lower()
    if system == "win32":
        tag = _WINDOWS_TAGS.get(machine)
        fitting = [wheel for wheel in wheels if tag in wheel.platform_tags]
        return fitting[0] if fitting else None
    if system == "darwin":
        wanted = ("macosx_", "_arm64" if machine in ("arm64", "aarch64") else "_" + _MACHINE_ALIASES.get(machine, machine))
    elif system.startswith("linux"):
        wanted = ("manylinux_" if libc == "glibc" else "musllinux_", "_" + _MACHINE_ALIASES.get(machine, machine))
    else:
        return None
    prefix, suffix = wanted
    fitting = [wheel for wheel in wheels
               if any(tag.startswith(prefix) and tag.endswith(suffix) for tag in wheel.platform_tags)]
    return sorted(fitting, key=lambda wheel: wheel.filename)[0] if fitting else None
