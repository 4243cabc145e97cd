"""The set-up step's environment: per job by default; cached only when asked, verified, replaced atomically.

Each test runs the real set-up step (``python -I action/launch.py
inferencekey_ensure.action_env``) as a runner would, which downloads the pinned
uv and the locked wheels from the tests' loopback package index (the
``index-url`` input, as a private mirror is given).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from inferencekey_ensure.action_env.envkey import environment_key
from inferencekey_ensure.action_env.interpreter import Interpreter
from inferencekey_ensure.action_env.verify import site_packages
from support.package_index import PackageIndex, action_wheels, altered

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = ROOT / "action" / "launch.py"


@pytest.fixture(autouse=True)
def _mirror(package_index: PackageIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every job of this module installs from the loopback index (``Job`` copies the environment)."""
    monkeypatch.setenv("INPUT_INDEX_URL", package_index.simple_url)


class Job:
    def __init__(self, root: Path, name: str, cache: bool) -> None:
        self.temp = root / name / "temp"
        self.temp.mkdir(parents=True)
        self.output = self.temp / "output"
        self.output.write_text("")
        self.env = {**os.environ, "RUNNER_TEMP": str(self.temp), "RUNNER_TOOL_CACHE": str(root / "tool-cache"),
                    "GITHUB_OUTPUT": str(self.output), "INPUT_CACHE_ENVIRONMENT": "true" if cache else ""}

    def start(self) -> "subprocess.Popen[str]":
        return subprocess.Popen([sys.executable, "-I", str(LAUNCH), "inferencekey_ensure.action_env"], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish(self, process: "subprocess.Popen[str]") -> str:
        out, _ = process.communicate(timeout=600)
        assert process.returncode == 0, out
        return out

    def run(self) -> str:
        return self.finish(self.start())

    @property
    def outputs(self) -> Dict[str, str]:
        return dict(line.split("=", 1) for line in self.output.read_text().splitlines())

    @property
    def environment(self) -> Path:
        return Path(self.outputs["python"]).parents[1]


def imports_work(job: Job) -> None:
    code = "import httpx, yaml; print('ok')"
    done = subprocess.run([job.outputs["python"], "-I", "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def cache_entries(root: Path) -> List[str]:
    return sorted(os.listdir(root / "tool-cache" / "ik-ensure"))


def test_by_default_each_job_builds_its_own_environment_under_runner_temp(tmp_path: Path) -> None:
    first, second = Job(tmp_path, "one", cache=False), Job(tmp_path, "two", cache=False)
    assert "for this job" in first.run() and "for this job" in second.run()
    assert first.environment.parent == first.temp and second.environment.parent == second.temp
    assert not (tmp_path / "tool-cache" / "ik-ensure").exists()
    imports_work(first)


def test_a_cached_environment_is_reused_by_a_later_job_once_it_verifies(tmp_path: Path) -> None:
    first, second = Job(tmp_path, "one", cache=True), Job(tmp_path, "two", cache=True)
    assert "(cold: installed with" in first.run()
    assert "(warm: verified and reused" in second.run()
    assert second.environment == first.environment
    imports_work(second)


@pytest.mark.parametrize("tamper,problem", [
    ("pth", "foreign .pth file ik-planted.pth"),
    ("module", "yaml/__init__.py differs from its RECORD hash"),
])
def test_a_tampered_cache_is_replaced_and_the_old_folder_left_for_jobs_still_using_it(
        tmp_path: Path, tamper: str, problem: str) -> None:
    first = Job(tmp_path, "one", cache=True)
    first.run()
    planted = site_packages(first.environment)
    if tamper == "pth":
        (planted / "ik-planted.pth").write_text("import os; os.environ['PLANTED'] = '1'\n")
    else:
        with open(planted / "yaml" / "__init__.py", "a") as module:
            module.write("\nPLANTED = True\n")
    second = Job(tmp_path, "two", cache=True)
    out = second.run()
    assert "::warning title=ik-ensure did not trust its cached environment::" in out and problem in out
    assert "(cold: installed with" in out
    assert second.environment != first.environment and first.environment.is_dir()
    link = tmp_path / "tool-cache" / "ik-ensure" / second.environment.name.rsplit(".", 1)[0]
    assert os.path.realpath(link) == str(second.environment)
    assert "(warm: verified and reused" in Job(tmp_path, "three", cache=True).run()


def test_two_jobs_building_at_once_each_run_from_a_complete_environment(tmp_path: Path) -> None:
    jobs = [Job(tmp_path, "one", cache=True), Job(tmp_path, "two", cache=True)]
    processes = [job.start() for job in jobs]
    outs = [job.finish(process) for job, process in zip(jobs, processes)]
    for job, out in zip(jobs, outs):
        assert "ik-ensure ready" in out
        imports_work(job)
    environments = {job.environment for job in jobs}
    entries = cache_entries(tmp_path)
    links = [entry for entry in entries if (tmp_path / "tool-cache" / "ik-ensure" / entry).is_symlink()]
    assert len(links) == 1 and all(environment.is_dir() for environment in environments)
    assert "(warm: verified and reused" in Job(tmp_path, "three", cache=True).run()


def test_a_cache_environment_value_that_is_not_a_flag_fails_the_step(tmp_path: Path) -> None:
    job = Job(tmp_path, "one", cache=True)
    job.env["INPUT_CACHE_ENVIRONMENT"] = "maybe"
    process = job.start()
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert out.startswith("::error title=ik-ensure input::input `cache-environment` must be true or false; got 'maybe'")


def test_a_folder_planted_where_the_cache_link_goes_is_neither_used_nor_removed(tmp_path: Path) -> None:
    key = environment_key(ROOT, Interpreter.current())
    planted = tmp_path / "tool-cache" / "ik-ensure" / key
    (planted / "bin").mkdir(parents=True)
    (planted / "bin" / "python").write_text("#!/bin/sh\necho planted\n")
    job = Job(tmp_path, "one", cache=True)
    out = job.run()
    assert "could not be replaced" in out and "uncached" in out
    assert job.environment != planted and planted.is_dir() and not planted.is_symlink()
    imports_work(job)


def test_a_mirror_serving_a_tampered_wheel_stops_the_set_up_naming_the_hash_and_nothing_runs(tmp_path: Path) -> None:
    files = action_wheels()
    tampered = next(file for file in files if file.project == "pyyaml")
    with PackageIndex(files, tampered={tampered.filename: altered(tampered)}) as mirror:
        job = Job(tmp_path, "one", cache=False)
        job.env["INPUT_INDEX_URL"] = mirror.simple_url
        process = job.start()
        out, _ = process.communicate(timeout=600)
    assert process.returncode == 1, out
    assert "::error title=ik-ensure refused a file from the package index::" in out
    assert tampered.sha256 in out and "nothing ran" in out
    assert job.output.read_text() == ""
    assert tampered.filename in mirror.served()
