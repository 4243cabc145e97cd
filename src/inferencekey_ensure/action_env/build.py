"""Building the environment: a bare venv, then the locked wheels, by uv when it can be had, else pip.

uv is fetched as one wheel pinned by sha256 in ``action/uv-wheels.lock`` and
only its binary is unpacked; it installs with ``--require-hashes``, binary wheels
only and no dependency resolution, and reads no configuration file or ``UV_*``
variable from the job (a workspace's ``uv.toml`` cannot change what it does).
pip, the fallback, gets the same flags and no ``pip.conf`` or ``PIP_*``. Both
download from one index (``index.py``); a file whose hash is not the locked one
stops the build (``TamperedWheel``), it never falls back to another installer.

Every process started here runs isolated from the job's Python settings:
``-I`` where it is a Python, an environment without ``PYTHONPATH``,
``PYTHONHOME``, ``PYTHONSTARTUP``, ``PYTHONUSERBASE`` (nor any other
``PYTHON*``), the user site off, and this job's own work folder (outside the
workspace) as its current folder. pip is never run as ``pip --python``: that
re-runs pip under the target interpreter without ``-I``.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import Dict, List, Mapping, Optional

from inferencekey_ensure.action_env import index
from inferencekey_ensure.action_env.locks import UvWheel
from inferencekey_ensure.action_env.record import parse_record
from inferencekey_ensure.action_env.verify import record_hash, site_packages, venv_python
from inferencekey_ensure.domain.errors import IkEnsureError

COMPILE_TIMEOUT_S = 300
_LOCKED_INSTALL = ["--no-deps", "--require-hashes", "--only-binary", ":all:"]
# What uv and pip say when a downloaded file is not the one the lock names.
_HASH_MISMATCH = re.compile(r"hash mismatch|do not match the hashes", re.IGNORECASE)


# A private mirror's certificate authority is the job's to give; it decides nothing about what is installed.
_KEPT = frozenset({"PIP_CERT", "PIP_CLIENT_CERT"})


class BuildError(IkEnsureError):
    """A step of the build failed; the message says which and what to do."""


class TamperedWheel(BuildError):
    """The index served a file whose sha256 is not the locked one: nothing from it may run."""


def child_env(base: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The job's environment without anything that changes what a Python or an installer loads."""
    base = os.environ if base is None else base
    env = {name: value for name, value in base.items()
           if not name.upper().startswith(("PYTHON", "PIP_", "UV_")) or name.upper() in _KEPT}
    env.update({"PYTHONNOUSERSITE": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INPUT": "1"})
    return env


def create_venv(folder: Path, work: Path) -> Path:
    done = _run([sys.executable, "-I", "-m", "venv", "--without-pip", str(folder)], work)
    if done.returncode != 0:
        raise BuildError("python3 -m venv failed. On Debian or Ubuntu runners install the python3-venv package, "
                         "or add actions/setup-python before this action.")
    return venv_python(folder)


def fetch_uv(wheel: UvWheel, work: Path, index_url: str = index.DEFAULT_INDEX_URL) -> Path:
    """Download the pinned uv wheel from the index, check its hash, unpack only the ``uv`` binary."""
    data = index.download(index.locked_file_url(index_url, "uv", wheel.filename, wheel.url))
    actual = hashlib.sha256(data).hexdigest()
    if actual != wheel.sha256:
        raise TamperedWheel(f"{wheel.filename} from {index.shown(index_url)} has sha256 {actual}, "
                            f"but action/uv-wheels.lock says {wheel.sha256}: it was not installed, nothing ran")
    binary = "uv.exe" if os.name == "nt" else "uv"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = next(name for name in archive.namelist() if name.endswith("/scripts/" + binary))
        target = work / binary
        target.write_bytes(archive.read(member))
    target.chmod(0o700)
    return target


def _run(command: List[str], work: Path, extra: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=str(work), env={**child_env(), **(extra or {})}, capture_output=True,
                          text=True)


def _failed(installer: str, done: subprocess.CompletedProcess[str], index_url: str) -> BuildError:
    detail = (done.stdout + done.stderr).strip()[-2000:]
    if _HASH_MISMATCH.search(detail):
        return TamperedWheel(f"{index.shown(index_url)} served a file whose sha256 is not the one "
                             f"action/requirements.lock names; nothing was installed and nothing ran. "
                             f"{installer} said: {detail}")
    return BuildError(f"{installer} could not install the locked wheels from {index.shown(index_url)}: {detail}")


def install_with_uv(uv: Path, python: Path, lock: Path, work: Path, index_url: str = index.DEFAULT_INDEX_URL) -> None:
    done = _run([str(uv), "pip", "install", "--quiet", "--no-config", "--python", str(python),
                 "--index-url", index_url, *_LOCKED_INSTALL, "-r", str(lock)], work,
                {"UV_CACHE_DIR": str(work / "uv-cache"), "UV_PYTHON_DOWNLOADS": "never"})
    if done.returncode != 0:
        raise _failed("uv", done, index_url)


def install_with_pip(python: Path, lock: Path, work: Path, index_url: str = index.DEFAULT_INDEX_URL) -> None:
    """pip of this interpreter into the venv (``--prefix``), else a pip bootstrapped into the venv.

    The venv is made from this same interpreter, so this pip picks the wheels the
    venv's Python needs and lays them out as the venv does, without ``pip --python`` (what this
    Python has installed itself is not looked at).
    """
    host = [sys.executable, "-I", "-m", "pip"]
    if _run(host + ["--version"], work).returncode == 0:
        pip, into = host, ["--prefix", str(python.parents[1]), "--ignore-installed", "--no-warn-script-location"]
    else:
        _run([str(python), "-I", "-m", "ensurepip", "--default-pip"], work)
        pip, into = [str(python), "-I", "-m", "pip"], []
    done = _run(pip + ["install", "--quiet", "--disable-pip-version-check", "--no-input", "--no-compile",
                       "--no-cache-dir", "--index-url", index_url, *into, *_LOCKED_INSTALL, "-r", str(lock)], work)
    if done.returncode != 0:
        raise _failed("pip", done, index_url)


def start_compiling(folder: Path, python: Path, work: Path) -> Optional["subprocess.Popen[bytes]"]:
    """Start writing bytecode for every module under ``folder``, on all cores, in the background.

    A fresh runner has none, neither for the action's own code (just checked
    out) nor for the wheels just installed, and the run step would compile what
    it imports one module after another. Started while the wheels download, this
    costs the job almost nothing. It only saves time, so a failure is ignored
    (the run step then compiles, or runs from source if it cannot write).
    """
    try:
        return subprocess.Popen([str(python), "-I", "-m", "compileall", "-q", "-j", "0", str(folder)], cwd=str(work),
                                env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def finish_compiling(process: Optional["subprocess.Popen[bytes]"]) -> None:
    if process is None:
        return
    try:
        process.wait(timeout=COMPILE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def compile_and_record(env: Path) -> None:
    """Compile the environment's modules now and name each ``.pyc`` in its wheel's RECORD, as pip does.

    A cached environment is then read, never written, by later jobs (their Python
    finds every ``.pyc`` current), and ``verify`` checks bytecode like source.
    """
    python = venv_python(env)
    root = site_packages(env)
    if root is None:
        raise BuildError(f"{env} has no single site-packages folder")
    done = _run([str(python), "-I", "-m", "compileall", "-q", "-j", "0", str(root)], env)
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
