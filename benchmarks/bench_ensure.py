"""How much faster ``ik-ensure apply`` is than one ``ensure()`` per spec, at real latency.

Runs both against the local emulator with added per-request latency (50 ms by
default, a realistic round trip to a hosted control plane), for each spec count,
on a fresh project and then again (the no-change re-run CI does on every merge):

* ``apply``: the engine (one list per project, writes through the bounded pool);
* ``loop``: the official SDK's ``ManagementClient.ensure()`` once per spec, one
  after another, when ``inferencekey`` is importable; otherwise the same
  sequential algorithm over this project's client (list, then create or patch).

Prints requests sent and wall time, and the ratios. Targets: a no-change re-run
sends one request per project; a fresh apply of 100 specs takes at most 0.15x
the loop's wall time. Usage: ``python benchmarks/bench_ensure.py [--latency-ms 50]
[--sizes 20 100] [--parallelism 8]``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

from inferencekey_ensure.cli.connection import connector
from inferencekey_ensure.controlplane.client import ControlPlaneClient
from inferencekey_ensure.controlplane.settings import BASE_URL_ENV, TOKEN_ENV, resolve_settings
from inferencekey_ensure.domain.spec import DeclaredWorkload
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer, FaultConfig, TokenGrant
from inferencekey_ensure.engine import RECONCILE, RunRequest, run
from inferencekey_ensure.engine.listing import list_project
from inferencekey_ensure.plan.model import CREATE, UPDATE, Target
from inferencekey_ensure.plan.planner import plan_workload
from inferencekey_ensure.specset.load import load_workloads

PROJECT = "bench"
TOKEN = "ik_sdk_bench001_benchmarksecretvalue00"

Loop = Callable[[str, Sequence[DeclaredWorkload]], None]


def write_specs(folder: Path, count: int) -> None:
    workloads = [
        {
            "name": f"Bench workload {index}",
            "slug": f"Bench Workload {index}",
            "model": "meta-llama/Llama-3.1-8B-Instruct",
            "backend": "vllm",
            "command": "vllm serve meta-llama/Llama-3.1-8B-Instruct",
            "execution_policy": "fixed",
            "execution_policy_config": {"replicas": 1},
        }
        for index in range(count)
    ]
    document = {"project": PROJECT, "workloads": workloads}
    (folder / "bench.json").write_text(json.dumps(document), encoding="utf-8")


def start_emulator(latency_ms: int) -> EmulatorServer:
    config = EmulatorConfig(
        tokens={TOKEN: TokenGrant(PROJECT)},
        faults=FaultConfig(latency_ms=latency_ms),
        readiness_step_s=0,
    )
    return EmulatorServer(config).start()


def apply_once(url: str, folder: Path, parallelism: int) -> None:
    env = {TOKEN_ENV: TOKEN, BASE_URL_ENV: url}
    specs = load_workloads([str(folder)])
    report = run(RunRequest(mode=RECONCILE, env=env, parallelism=parallelism), specs, connector(None, env, None))
    if not report.succeeded:
        raise SystemExit(f"apply failed during the benchmark: {report.errors or report.workloads}")


def sdk_loop() -> Tuple[str, Loop]:
    """The official SDK, one ensure() per spec, when its wheel is importable here."""
    import inferencekey  # noqa: PLC0415 - optional: only this loop needs it

    def loop(url: str, declared: Sequence[DeclaredWorkload]) -> None:
        client = inferencekey.ManagementClient(base_url=url, sdk_token=TOKEN, project=PROJECT)
        for item in declared:
            client.ensure(inferencekey.WorkloadSpec(**item.spec.sdk_fields()))

    return "official SDK ensure() loop", loop


def client_loop() -> Tuple[str, Loop]:
    """The SDK's algorithm over this project's client: per spec, list then one write."""

    def loop(url: str, declared: Sequence[DeclaredWorkload]) -> None:
        with ControlPlaneClient(resolve_settings(url, {TOKEN_ENV: TOKEN})) as client:
            for item in declared:
                target = Target(item, PROJECT)
                planned = plan_workload(target, list_project(client, PROJECT), "reconcile")
                if planned.action == CREATE:
                    client.create_workload(PROJECT, dict(planned.payload or {}))
                elif planned.action == UPDATE and planned.live is not None:
                    client.patch_workload(planned.live.id, dict(planned.payload or {}))

    return "sequential loop over this client (SDK not importable)", loop


def choose_loop() -> Tuple[str, Loop]:
    try:
        return sdk_loop()
    except ImportError:
        return client_loop()


def timed(action: Callable[[], None], server: EmulatorServer) -> Tuple[int, float]:
    server.clear_request_log()
    started = time.perf_counter()
    action()
    return len(server.request_log), time.perf_counter() - started


def measure(count: int, latency_ms: int, parallelism: int, loop: Loop) -> List[Tuple[str, int, float, int, float]]:
    """Rows of (scenario, apply requests, apply seconds, loop requests, loop seconds)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        write_specs(folder, count)
        declared = load_workloads([str(folder)]).workloads
        ours, theirs = start_emulator(latency_ms), start_emulator(latency_ms)
        try:
            rows = []
            for scenario in ("fresh", "re-run"):
                ours_requests, ours_s = timed(lambda: apply_once(ours.url, folder, parallelism), ours)
                loop_requests, loop_s = timed(lambda: loop(theirs.url, declared), theirs)
                rows.append((scenario, ours_requests, ours_s, loop_requests, loop_s))
            return rows
        finally:
            ours.stop()
            theirs.stop()


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--parallelism", type=int, default=8)
    args = parser.parse_args(list(argv) or None)
    loop_name, loop = choose_loop()
    print(f"latency {args.latency_ms} ms per request, parallelism {args.parallelism}, "
          f"one project; loop = {loop_name}")
    header = ("specs", "scenario", "apply req", "apply s", "loop req", "loop s", "req ratio", "time ratio")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for count in args.sizes:
        for scenario, ours_req, ours_s, loop_req, loop_s in measure(
            count, args.latency_ms, args.parallelism, loop
        ):
            print(f"| {count} | {scenario} | {ours_req} | {ours_s:.2f} | {loop_req} | {loop_s:.2f} "
                  f"| {ours_req / loop_req:.3f} | {ours_s / loop_s:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
