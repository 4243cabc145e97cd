"""How fast ``ik-ensure validate`` is next to check-jsonschema, on the same schema.

Both tools run as the commands users run (a new process each time, start-up
included, since pre-commit starts one per batch of files), on the same generated
spec files: 1 file and 500 files. Each case is timed ``--runs`` times (at least 5)
and the median is reported, with the ratio ours / check-jsonschema.

Targets: at most 0.5x check-jsonschema's wall time on one file (that is mostly
start-up) and at most 0.35x on 500 files, with and without a repository config
(``--config``: every policy rule set, as in docs/config.md, so every rule runs).
Usage: ``python benchmarks/bench_validate.py [--runs 7]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Sequence

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "schemas" / "workload-spec.schema.json"
BIN = Path(sys.executable).parent

SPEC = """\
# yaml-language-server: $schema=../schemas/workload-spec.schema.json
name: Support chat {index}
slug: support-chat-{index}
project: bench
model: Qwen/Qwen2.5-7B-Instruct
backend: vllm
vllm_version: "0.10.1"
command: vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 32768 --port 8000
task_type: text2text
execution_policy: autoscaling
execution_policy_config:
  min_workers: 0
  max_workers: 4
  max_hourly_cost_usd: 6.0
  workers:
    source: cloud
    cloud_pool:
      gpu_pool: ["NVIDIA L4", "NVIDIA A10G"]
      max_instances: 4
on_drift: reconcile
"""
# Every rule on; the ceilings high enough that the generated specs keep them (a failing run is no timing).
CONFIG = """\
project: bench
policy:
  allowed_backends: [vllm, llamacpp]
  allowed_models: ["Qwen/*", "meta-llama/*"]
  allowed_gpus: ["NVIDIA L4", "NVIDIA A10G"]
  max_workload_hourly_usd: 10
  max_project_hourly_usd: 5000
  require_fields: [description]
  forbid_uncapped: true
  advisory: [require_fields]
"""


def generate(folder: Path, count: int) -> List[str]:
    folder.mkdir(parents=True)
    paths = []
    for index in range(count):
        path = folder / f"workload-{index:04d}.yaml"
        path.write_text(SPEC.format(index=index), encoding="utf-8")
        paths.append(str(path))
    return paths


def median_seconds(command: Sequence[str], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True)
        timings.append(time.perf_counter() - started)
        if completed.returncode != 0:
            raise SystemExit(f"{command[0]} failed:\n{completed.stdout}{completed.stderr}")
    return statistics.median(timings)


def commands(paths: List[str], config: Path) -> Dict[str, List[str]]:
    return {
        "ik-ensure validate": [str(BIN / "ik-ensure"), "validate", *paths],
        "... --config (policy)": [str(BIN / "ik-ensure"), "validate", "--config", str(config), *paths],
        "check-jsonschema": [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), *paths],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per case (median; at least 5)")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "ik-ensure.yaml"
        config.write_text(CONFIG, encoding="utf-8")
        for count, target in ((1, 0.5), (500, 0.35)):
            paths = generate(Path(scratch) / f"n{count}", count)
            timed = {name: median_seconds(command, runs) for name, command in commands(paths, config).items()}
            reference = timed["check-jsonschema"]
            print(f"{count} file(s), median of {runs} runs:")
            for name, seconds in timed.items():
                print(f"  {name:<24} {seconds:7.3f} s   {seconds / reference:5.2f}x check-jsonschema")
            for name in ("ik-ensure validate", "... --config (policy)"):
                verdict = "met" if timed[name] / reference <= target else "MISSED"
                print(f"  target: {name} at most {target}x -> {verdict}")


if __name__ == "__main__":
    main()
