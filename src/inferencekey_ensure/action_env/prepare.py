"""The set-up step: a trusted environment for this job, its Python as the step output ``python``.

By default every job builds its own environment under ``RUNNER_TEMP`` (a
GitHub-hosted job always starts cold anyway). With ``cache-environment: true``
and a ``RUNNER_TOOL_CACHE`` (self-hosted runners) the environment is kept there
and reused by later jobs, but only after ``verify`` finds nothing wrong with it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import List, Mapping, Optional, Tuple

from inferencekey_ensure.action_env import build, index, store, unpack
from inferencekey_ensure.action_env.envkey import environment_key
from inferencekey_ensure.action_env.interpreter import Interpreter
from inferencekey_ensure.action_env.locks import (
    PYLOCK,
    REQUIREMENTS_LOCK,
    UV_WHEELS_LOCK,
    parse_uv_wheels,
    uv_wheel_for,
)
from inferencekey_ensure.action_env.verify import environment_problems, site_packages, venv_python
from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.github.flags import parse_flag

ACTION_ROOT = Path(__file__).resolve().parents[3]
CACHE_INPUT = "INPUT_CACHE_ENVIRONMENT"
SHOWN_PROBLEMS = 5


class SetupError(IkEnsureError):
    def __init__(self, title: str, message: str) -> None:
        super().__init__(message)
        self.title = title


def _command(kind: str, title: str, message: str) -> str:
    escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{kind} title={title}::{escaped}"


TAMPERED = "ik-ensure refused a file from the package index"


def _installer(interpreter: Interpreter, work: Path, index_url: str) -> Tuple[str, Optional[Path]]:
    """uv when its pinned wheel can be had for this machine, else pip; says why not uv."""
    wheels = parse_uv_wheels((ACTION_ROOT / UV_WHEELS_LOCK).read_text(encoding="utf-8"))
    wheel = uv_wheel_for(wheels, interpreter.system, interpreter.machine, interpreter.libc)
    if wheel is None:
        return f"pip (uv has no wheel for {interpreter.system} {interpreter.machine})", None
    try:
        return "uv", build.fetch_uv(wheel, work, index_url)
    except build.TamperedWheel as error:
        raise SetupError(TAMPERED, str(error)) from None
    except (OSError, ValueError, StopIteration, index.IndexProblem, build.BuildError) as error:
        return f"pip (uv could not be fetched: {error})", None


def build_environment(folder: Path, interpreter: Interpreter, work: Path, index_url: str) -> str:
    """Build into ``folder``; returns the installer used."""
    try:
        python = build.create_venv(folder, work)
    except build.BuildError as error:
        raise SetupError("ik-ensure cannot create a virtual environment", str(error)) from None
    lock = ACTION_ROOT / REQUIREMENTS_LOCK
    wheels = unpack.locked_wheels((ACTION_ROOT / PYLOCK).read_text(encoding="utf-8"))
    root = site_packages(folder)
    if wheels is not None and root is not None:
        try:
            unpack.install(wheels, root, index_url)
            return f"direct unpacking of {len(wheels)} locked wheels"
        except build.TamperedWheel as error:
            raise SetupError(TAMPERED, str(error)) from None
        except (OSError, index.IndexProblem, zipfile.BadZipFile) as error:
            print(f"ik-ensure: the locked wheels could not be unpacked ({error}); installing with uv or pip")
    installer, uv = _installer(interpreter, work, index_url)
    try:
        if uv is not None:
            try:
                build.install_with_uv(uv, python, lock, work, index_url)
                return installer
            except build.TamperedWheel:
                raise
            except (OSError, build.BuildError) as error:  # e.g. a temporary folder mounted noexec
                installer = f"pip ({error})"
        build.install_with_pip(python, lock, work, index_url)
    except build.TamperedWheel as error:
        raise SetupError(TAMPERED, str(error)) from None
    except build.BuildError as error:
        raise SetupError("ik-ensure cannot install its dependencies", str(error)) from None
    return installer


def _cache_root(env: Mapping[str, str]) -> Optional[Path]:
    tool_cache = env.get("RUNNER_TOOL_CACHE", "")
    if not tool_cache:
        return None
    root = Path(tool_cache) / "ik-ensure"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root if os.access(str(root), os.W_OK) else None


def cached_environment(root: Path, interpreter: Interpreter, work: Path, index_url: str) -> Tuple[Path, str, List[str]]:
    """Reuse the verified environment for this key, or build, publish and use a new one."""
    link = root / environment_key(ACTION_ROOT, interpreter)
    current = store.published(link)
    problems = environment_problems(current, interpreter) if current else []
    if current and not problems:
        return current, f"warm: verified and reused {current}", []
    folder = store.new_folder(root, link.name)
    installer = build_environment(folder, interpreter, work, index_url)
    try:
        build.compile_and_record(folder)
    except (OSError, build.BuildError) as error:
        raise SetupError("ik-ensure cannot prepare its cached environment", str(error)) from None
    try:
        store.publish(link, folder)
    except OSError as error:
        problems = problems + [f"{link} could not be replaced ({error}); this job uses {folder} uncached"]
        return folder, f"cold: installed with {installer} into {folder}", problems
    return folder, f"cold: installed with {installer}, cached as {link}", problems


def main(env: Optional[Mapping[str, str]] = None) -> int:
    env = os.environ if env is None else env
    started = time.monotonic()
    interpreter = Interpreter.current()
    job_temp = Path(env.get("RUNNER_TEMP") or tempfile.gettempdir())
    try:
        wanted = parse_flag(env.get(CACHE_INPUT, ""))
        if wanted is None:
            raise SetupError("ik-ensure input", f"input `cache-environment` must be true or false; got {env[CACHE_INPUT]!r}")
        index_url = index.index_url(env.get(index.INDEX_INPUT, ""))
        work = store.new_folder(job_temp, "ik-ensure-job")
    except index.IndexProblem as error:
        print(_command("error", "ik-ensure input", str(error)))
        return 1
    except SetupError as error:
        print(_command("error", error.title, str(error)))
        return 1
    except OSError as error:
        print(_command("error", "ik-ensure cannot prepare its environment", f"RUNNER_TEMP is not usable: {error}"))
        return 1
    action_code = build.start_compiling(ACTION_ROOT / "src", Path(sys.executable), work)
    try:
        return _prepare(env, interpreter, job_temp, work, bool(wanted), index_url, started, action_code)
    finally:
        build.finish_compiling(action_code)
        shutil.rmtree(work, ignore_errors=True)  # this job's own downloads (uv, its cache), used by no one else


def _prepare(env: Mapping[str, str], interpreter: Interpreter, job_temp: Path, work: Path, wanted: bool,
             index_url: str, started: float, action_code: Optional["subprocess.Popen[bytes]"]) -> int:
    try:
        root = _cache_root(env) if wanted else None
        if wanted and root is None:
            print(_command("notice", "ik-ensure", "cache-environment is set but RUNNER_TOOL_CACHE is not a writable "
                                                  "folder: using an environment for this job only"))
        problems: List[str] = []
        if root is not None:
            folder, state, problems = cached_environment(root, interpreter, work, index_url)
        else:
            folder = store.new_folder(job_temp, "ik-ensure-env")
            installer = build_environment(folder, interpreter, work, index_url)
            root_folder = site_packages(folder)
            if root_folder is not None:
                build.finish_compiling(build.start_compiling(root_folder, venv_python(folder), work))
            state = f"cold: installed with {installer} into {folder} for this job"
    except SetupError as error:
        print(_command("error", error.title, str(error)))
        return 1
    except OSError as error:
        print(_command("error", "ik-ensure cannot prepare its environment", str(error)))
        return 1
    if problems:
        shown = "; ".join(problems[:SHOWN_PROBLEMS]) + (" ..." if len(problems) > SHOWN_PROBLEMS else "")
        print(_command("warning", "ik-ensure did not trust its cached environment",
                       f"{len(problems)} problem(s), so it built a new one: {shown}"))
    build.finish_compiling(action_code)
    with open(env["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
        output.write(f"python={venv_python(folder)}\n")
    print(f"ik-ensure ready in {time.monotonic() - started:.1f}s ({state})")
    sys.stdout.flush()
    return 0
