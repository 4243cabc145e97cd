"""Building the environment: a bare venv, then the locked wheels, by uv when it can be had, else pip.

uv is fetched as one wheel pinned by sha256 in ``action/uv-wheels.lock`` and
only its binary is unpacked; it installs with ``--require-hashes``, binary wheels
only and no dependency resolution, and reads no configuration file or ``UV_*``
variable from the job (a workspace's ``uv.toml`` cannot change what it does).
pip, the fallback, gets the same flags.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from typing import Dict, List, Optional

from inferencekey_ensure.action_env.locks import UvWheel
from inferencekey_ensure.action_env.record import parse_record
from inferencekey_ensure.action_env.verify import record_hash, site_packages, venv_python
from inferencekey_ensure.domain.errors import IkEnsureError

DOWNLOAD_TIMEOUT_S = 60
_LOCKED_INSTALL = ["--no-deps", "--require-hashes", "--only-binary", ":all:"]


class BuildError(IkEnsureError):
    """A step of the build failed; the message says which and what to do."""


def create_venv(folder: Path) -> Path:
    done = subprocess.run([sys.executable, "-I", "-m", "venv", "--without-pip", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError("python3 -m venv failed. On Debian or Ubuntu runners install the python3-venv package, "
                         "or add actions/setup-python before this action.")
    return venv_python(folder)


def fetch_uv(wheel: UvWheel, work: Path) -> Path:
    """Download the pinned uv wheel, check its hash, unpack only the ``uv`` binary."""
    with urllib.request.urlopen(wheel.url, timeout=DOWNLOAD_TIMEOUT_S) as response:  # noqa: S310 - https URL from the lock
        data = response.read()
    actual = hashlib.sha256(data).hexdigest()
    if actual != wheel.sha256:
        raise BuildError(f"{wheel.filename} has sha256 {actual}, the lock says {wheel.sha256}")
    binary = "uv.exe" if os.name == "nt" else "uv"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = next(name for name in archive.namelist() if name.endswith("/scripts/" + binary))
        target = work / binary
        target.write_bytes(archive.read(member))
    target.chmod(0o700)
    return target


def _uv_env(work: Path) -> Dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("UV_")}
    env.update({"UV_CACHE_DIR": str(work / "uv-cache"), "UV_PYTHON_DOWNLOADS": "never"})
    return env


def _run(command: List[str], work: Path, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=str(work), env=env, capture_output=True, text=True)


def install_with_uv(uv: Path, python: Path, lock: Path, work: Path) -> None:
    done = _run([str(uv), "pip", "install", "--quiet", "--no-config", "--python", str(python),
                 *_LOCKED_INSTALL, "-r", str(lock)], work, _uv_env(work))
    if done.returncode != 0:
        raise BuildError("uv could not install the locked wheels: " + done.stderr.strip()[-2000:])


def install_with_pip(python: Path, lock: Path, work: Path) -> None:
    """pip of this interpreter (22.3+ can install into another venv), else one bootstrapped into the venv."""
    host = [sys.executable, "-I", "-m", "pip", "--python", str(python)]
    if _run(host + ["--version"], work).returncode == 0:
        pip = host
    else:
        _run([str(python), "-I", "-m", "ensurepip", "--default-pip"], work)
        pip = [str(python), "-I", "-m", "pip"]
    done = _run(pip + ["install", "--quiet", "--disable-pip-version-check", "--no-input", "--no-compile",
                       *_LOCKED_INSTALL, "-r", str(lock)], work)
    if done.returncode != 0:
        raise BuildError("pip could not install the locked wheels: " + done.stderr.strip()[-2000:])


def compile_and_record(env: Path) -> None:
    """Compile the environment's modules now and name each ``.pyc`` in its wheel's RECORD, as pip does.

    A cached environment is then read, never written, by later jobs (their Python
    finds every ``.pyc`` current), and ``verify`` checks bytecode like source.
    """
    python = venv_python(env)
    root = site_packages(env)
    if root is None:
        raise BuildError(f"{env} has no single site-packages folder")
    done = _run([str(python), "-I", "-m", "compileall", "-q", str(root)], env)
    if done.returncode != 0:
        raise BuildError("compiling the environment failed: " + (done.stdout + done.stderr).strip()[-2000:])
    tag = sys.implementation.cache_tag
    for record in sorted(root.glob("*.dist-info/RECORD")):
        rows = parse_record(record.read_text(encoding="utf-8"), record.parent.name)
        added = []
        for path in sorted(rows):
            if path.endswith(".py"):
                source = PurePosixPath(path)
                compiled = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
                if (root / compiled).is_file() and compiled.as_posix() not in rows:
                    added.append(f"{compiled.as_posix()},sha256={record_hash(root / compiled)},"
                                 f"{(root / compiled).stat().st_size}")
        if added:
            text = record.read_text(encoding="utf-8")
            replacement = record.with_name("RECORD.new")
            replacement.write_text(text + ("" if text.endswith("\n") else "\n") + "\n".join(added) + "\n",
                                   encoding="utf-8")
            os.replace(replacement, record)
