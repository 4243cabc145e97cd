"""``ik-ensure github-action`` end to end in-process: emulator and fake GitHub on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, Iterator, List

import cmarkgfm
import httpx
import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.emulator import EmulatorConfig, EmulatorServer, FaultConfig
from support.action_harness import (
    GITHUB_TOKEN,
    PR_NUMBER,
    REPOSITORY,
    SDK_SECRET_TAIL,
    SDK_TOKEN,
    Runner,
    RunnerFiles,
    write_spec,
)
from support.fake_github import GRAPHQL, SECONDARY_RATE_LIMIT_MESSAGE, Account, FakeGitHub, Fault
from support.fleet import HEADLINE as FLEET_HEADLINE
from support.fleet import seed_fleet, write_fleet_specs

MARKER = "<!-- ik-ensure:comment-key=default -->"


@pytest.fixture()
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(readiness_step_s=0)) as server:
        yield server


@pytest.fixture()
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=GITHUB_TOKEN) as fake:
        yield fake


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write_spec(root)
    return root


@pytest.fixture()
def run_action(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path,
               emulator: EmulatorServer, github: FakeGitHub) -> Runner:
    return Runner(monkeypatch, capsys, workspace, RunnerFiles(tmp_path / "runner"), emulator, github)


def our_comments(github: FakeGitHub) -> List[Dict[str, object]]:
    return [c for c in github.comments_on(REPOSITORY, PR_NUMBER) if str(c["body"]).startswith(MARKER)]


def test_first_pr_preview_creates_one_comment_with_the_diff_and_endpoint_refs(run_action: Runner, github: FakeGitHub) -> None:
    result = run_action()
    assert result.code == 0, result.log
    comments = our_comments(github)
    assert len(comments) == 1
    body = str(comments[0]["body"])
    assert "1 to create" in body and "`acme/support-bot`" in body
    assert '+ "llama3:8b"' in body
    assert "commit [0123456]" in body and "actions/runs/4242" in body
    assert result.outputs["comment-url"] == comments[0]["html_url"]
    assert json.loads(result.outputs["endpoint-refs"]) == [
        {"project_slug": "acme", "workload_slug": "support-bot", "action": "create"}
    ]
    assert result.outputs["has-changes"] == "true" and result.outputs["changes"] == "1"
    assert result.outputs["project-slug"] == "acme" and result.outputs["workload-slug"] == "support-bot"
    assert json.loads(result.outputs["plan"])["format_version"] == 1
    assert Path(result.outputs["plan-file"]).read_text(encoding="utf-8") == result.outputs["plan"]
    assert "### InferenceKey ensure \u00b7 preview" in result.summary and "acme/support-bot" in result.summary
    assert "::notice file=inferencekey/chat.yaml,line=3" in result.log
    assert "::group::ik-ensure preview" in result.log


def test_a_second_push_edits_the_same_comment(run_action: Runner, github: FakeGitHub, workspace: Path,
                                               emulator: EmulatorServer) -> None:
    run_action()
    first = our_comments(github)[0]
    emulator.seed("acme", {"name": "Support bot", "slug": "support-bot", "model_name": "llama3:8b", "backend": "ollama",
                           "task_type": "text2text", "description": "Answers support tickets."})
    write_spec(workspace, model="llama3:70b")
    result = run_action()
    assert result.code == 0, result.log
    comments = our_comments(github)
    assert [c["id"] for c in comments] == [first["id"]]
    assert '- "llama3:8b"\n+ "llama3:70b"' in str(comments[0]["body"])
    assert len(github.requests_of("POST")) == 1 and len(github.requests_of("PATCH")) == 1
    assert "::warning file=inferencekey/chat.yaml,line=3" in result.log and "drifted from its spec (update): model\n" in result.log


def test_reconcile_changes_the_platform_and_the_next_preview_says_no_changes(run_action: Runner, github: FakeGitHub,
                                                                             emulator: EmulatorServer) -> None:
    run_action()
    applied = run_action(mode="reconcile")
    assert applied.code == 0, applied.log
    assert [w["slug"] for w in emulator.workloads("acme")] == ["support-bot"]
    assert "1 created" in applied.summary
    again = run_action()
    assert again.outputs["has-changes"] == "false" and again.outputs["changes"] == "0"
    body = str(our_comments(github)[0]["body"])
    assert "No changes" in body and len(our_comments(github)) == 1


def test_on_change_leaves_a_pr_without_drift_uncommented(run_action: Runner, github: FakeGitHub) -> None:
    run_action(mode="reconcile", comment="never")
    assert run_action().code == 0
    assert github.requests_of("POST") == []


def test_fork_pr_only_validates_and_explains(run_action: Runner, emulator: EmulatorServer, github: FakeGitHub) -> None:
    result = run_action(fork=True)
    assert result.code == 0, result.log
    assert emulator.request_log == [] and github.requests == []
    assert "comes from a fork" in result.summary and "1 spec file, 1 workload: all valid" in result.summary
    assert "::notice title=ik-ensure%3A validate only::" in result.log
    assert result.outputs["has-changes"] == "false" and result.outputs["endpoint-refs"] == "[]"


def test_no_sdk_token_only_validates_and_says_how_to_set_it_up(run_action: Runner, emulator: EmulatorServer) -> None:
    result = run_action(sdk_token=None, event_name="push")
    assert result.code == 0
    assert emulator.request_log == []
    assert "no InferenceKey SDK token" in result.summary
    # A preview reads with the read-only token the workflows name; the write token is the reconcile's.
    assert "`sdk-token: ${{ secrets.INFERENCEKEY_SDK_READ_TOKEN }}` in a preview" in result.summary


def test_invalid_specs_fail_with_located_annotations_and_no_request(run_action: Runner, workspace: Path,
                                                                    emulator: EmulatorServer) -> None:
    (workspace / "inferencekey" / "bad.yaml").write_text("name: x\nslug: x\nmodel: m\nbackend: 42\n")
    result = run_action()
    assert result.code == 1
    assert "::error file=inferencekey/bad.yaml,line=4" in result.log
    assert emulator.request_log == []
    assert "inferencekey/bad.yaml:4" in result.summary


def test_invalid_specs_replace_an_earlier_drift_comment_but_never_start_one(run_action: Runner, workspace: Path,
                                                                           github: FakeGitHub) -> None:
    (workspace / "inferencekey" / "bad.yaml").write_text("name: x\nslug: x\nmodel: m\nbackend: 42\n")
    assert run_action().code == 1
    assert github.requests_of("POST") == []
    (workspace / "inferencekey" / "bad.yaml").unlink()
    run_action()
    (workspace / "inferencekey" / "bad.yaml").write_text("name: x\nslug: x\nmodel: m\nbackend: 42\n")
    assert run_action().code == 1
    comments = our_comments(github)
    assert len(comments) == 1
    assert "No plan ran; fix the specs to see the drift." in str(comments[0]["body"])
    assert "`inferencekey/bad.yaml:4:" in str(comments[0]["body"])


def test_fail_on_drift_fails_a_preview_with_drift_and_passes_without(run_action: Runner) -> None:
    drifted = run_action(**{"fail_on_drift": "true"})
    assert drifted.code == 1 and "fail-on-drift is set" in drifted.log
    run_action(mode="reconcile")
    assert run_action(**{"fail_on_drift": "true"}).code == 0


def test_no_permission_to_comment_warns_with_the_permissions_fix_and_keeps_the_result(run_action: Runner,
                                                                                      github: FakeGitHub) -> None:
    github.read_only = True
    result = run_action()
    assert result.code == 0
    assert "::warning title=ik-ensure%3A no PR comment::" in result.log
    assert "permissions:%0A  contents: read%0A  pull-requests: write" in result.log
    assert result.outputs["has-changes"] == "true" and result.outputs["comment-url"] == ""


def test_a_reconcile_that_may_not_read_pull_requests_gives_the_permissions_fix_not_a_re_run(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer) -> None:
    github.fail(Fault("GET", 403, times=10, message="Resource not accessible by integration"))
    result = run_action(event_name="push", mode="reconcile")
    assert result.code == 0, result.log
    assert [w["slug"] for w in emulator.workloads("acme")] == ["support-bot"]
    assert "could not be read: " in result.summary and "Re-run this job" not in result.summary + result.log
    assert "permissions:\n  contents: read\n  pull-requests: write" in result.summary
    refused = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert refused.code == 1 and "Re-run this job" not in refused.summary + refused.log
    assert "permissions:%0A  contents: read%0A  pull-requests: write" in refused.log


def test_a_github_api_failure_warns_but_never_fails_the_job(run_action: Runner, github: FakeGitHub) -> None:
    github.fail(Fault("GET", 404, times=2, message="Not Found"))  # the PR's files, then its comments
    result = run_action()
    assert result.code == 0
    assert "Could not write the pull-request comment" in result.log
    assert "could not list the pull request's files" in result.log
    assert json.loads(result.outputs["changed-projects"]) == ["acme"]  # unknown: every project


def test_a_rate_limit_that_never_lifts_warns_and_the_result_still_follows_the_plan(run_action: Runner,
                                                                                  github: FakeGitHub) -> None:
    github.fail(Fault("GET", 403, times=100, headers={"Retry-After": "0"}, message=SECONDARY_RATE_LIMIT_MESSAGE))
    result = run_action(fail_on_drift="true")
    assert result.code == 1 and "fail-on-drift is set" in result.log
    assert "rate limited by GitHub (HTTP 403); gave up after 4 attempts" in result.log
    # Four tries at the PR's files, four at its comments; nothing posted.
    assert len(github.requests_of("GET")) == 8 and github.requests_of("POST") == []
    assert result.outputs["has-changes"] == "true"


def test_comment_never_writes_nothing_to_github_and_only_lists_the_prs_files(run_action: Runner,
                                                                             github: FakeGitHub) -> None:
    assert run_action(comment="never").code == 0
    assert [(request.method, request.path) for request in github.requests] == [("GET", f"/repos/{REPOSITORY}/pulls/7/files")]


def test_bad_inputs_are_usage_errors_naming_the_input(run_action: Runner) -> None:
    result = run_action(mode="deploy")
    assert result.code == exit_codes.USAGE
    assert "input `mode` must be one of preview, reconcile" in result.log


def test_a_missing_spec_path_is_a_usage_error(run_action: Runner) -> None:
    result = run_action(specs="nowhere/")
    assert result.code == exit_codes.USAGE and "input `specs`" in result.log
    assert result.outputs["has-changes"] == "false"


def test_tokens_are_masked_first_and_never_written_anywhere(run_action: Runner, github: FakeGitHub) -> None:
    result = run_action()
    first_lines = result.log.splitlines()[:2]
    assert first_lines == [f"::add-mask::{SDK_TOKEN}", f"::add-mask::{GITHUB_TOKEN}"]
    rest = "\n".join(result.log.splitlines()[2:])
    for text in (rest, result.summary, json.dumps(result.outputs), json.dumps(github.comments_on(REPOSITORY, PR_NUMBER))):
        assert SDK_SECRET_TAIL not in text and GITHUB_TOKEN not in text


def test_working_directory_resolves_specs_and_annotates_repository_paths(run_action: Runner, workspace: Path,
                                                                        tmp_path: Path) -> None:
    nested = workspace / "infra"
    write_spec(nested)
    result = run_action(working_directory="infra")
    assert result.code == 0, result.log
    assert "::notice file=infra/inferencekey/chat.yaml,line=3" in result.log


def test_two_comment_keys_keep_separate_comments(run_action: Runner, github: FakeGitHub) -> None:
    run_action(comment_key="staging")
    run_action(comment_key="production")
    bodies = [str(c["body"]) for c in github.comments_on(REPOSITORY, PR_NUMBER)]
    assert [b.splitlines()[0] for b in bodies] == [
        "<!-- ik-ensure:comment-key=staging -->",
        "<!-- ik-ensure:comment-key=production -->",
    ]


def test_a_planted_copy_of_our_marker_is_left_alone_and_our_own_comment_is_kept_up_to_date(
    run_action: Runner, github: FakeGitHub
) -> None:
    planted = github.seed(REPOSITORY, PR_NUMBER, f"{MARKER}\nLooks good, merge it!", author=Account("mallory"))
    first = run_action()
    assert first.code == 0, first.log
    second = run_action()
    assert second.code == 0, second.log
    comments = our_comments(github)
    assert comments[0] == planted and len(comments) == 2
    assert comments[1]["user"]["login"] == "github-actions[bot]" and "1 to create" in str(comments[1]["body"])
    assert first.outputs["comment-url"] == second.outputs["comment-url"] == comments[1]["html_url"]
    assert len(github.requests_of("POST")) == 1
    assert github.requests_of(GRAPHQL), "who wrote the marked comments must be asked, not assumed"


def test_reconcile_logs_each_write_as_it_completes(run_action: Runner) -> None:
    result = run_action(mode="reconcile")
    assert result.code == 0, result.log
    assert "applying 1 write(s); each is listed as it completes" in result.log
    assert "created acme/support-bot (" in result.log


def test_prune_over_a_spec_file_is_refused_before_any_request(run_action: Runner, emulator: EmulatorServer) -> None:
    result = run_action(mode="reconcile", prune="true", specs="inferencekey/chat.yaml")
    assert result.code == exit_codes.USAGE
    assert "input `prune` refused" in result.log and "project(s) acme" in result.log
    assert "inferencekey/chat.yaml (a file)" in result.log
    assert emulator.request_log == []


def test_prune_over_a_sub_folder_of_the_spec_root_is_refused_before_any_request(
        run_action: Runner, emulator: EmulatorServer, workspace: Path) -> None:
    (workspace / "inferencekey" / "team-a").mkdir()
    (workspace / "inferencekey" / "chat.yaml").rename(workspace / "inferencekey" / "team-a" / "chat.yaml")
    result = run_action(mode="reconcile", prune="true", specs="inferencekey/team-a/")
    assert result.code == exit_codes.USAGE
    assert "input `prune` refused" in result.log
    assert "inferencekey/team-a/ (a sub-folder of the spec root" in result.log
    assert emulator.request_log == []


def test_a_reconcile_that_changed_nothing_outputs_no_changes_and_counts_none(run_action: Runner, workspace: Path,
                                                                             emulator: EmulatorServer) -> None:
    run_action(mode="reconcile", comment="never")
    emulator.seed("acme", {"name": "Stray", "slug": "stray", "task_type": "text2text", "backend": "ollama",
                           "model_name": "llama3:8b"})
    spec = workspace / "inferencekey" / "chat.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "    task_type: embedding\n", encoding="utf-8")
    result = run_action(event_name="push", mode="reconcile", prune="true", comment="never")
    assert result.code == 1 and len(emulator.workloads("acme")) == 2
    assert (result.outputs["has-changes"], result.outputs["changes"]) == ("false", "0")
    assert "replaced" not in result.summary and "pruned" not in result.summary
    planned = json.loads(result.outputs["plan"])["planned"]
    assert (planned["replace"], planned["prune"]) == (1, 1)


def test_a_reconcile_refused_by_the_prune_limit_reads_as_a_reconcile_not_applied(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer) -> None:
    for index in range(4):
        emulator.seed("acme", {"name": f"Stray {index}", "slug": f"stray-{index}", "task_type": "text2text",
                               "backend": "ollama", "model_name": "llama3:8b"})
    run_action()
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    result = run_action(event_name="push", mode="reconcile", prune="true")
    assert result.code == 1 and len(emulator.workloads("acme")) == 4
    headline = result.summary.splitlines()[0]
    assert "reconcile" in headline and "preview" not in headline
    assert "Not applied" in result.summary and "this is a preview" not in result.summary
    assert "would have been deleted" in result.summary and "will be deleted" not in result.summary
    body = str(our_comments(github)[0]["body"])
    assert "will be deleted" not in body and "would have been deleted" in body
    document = json.loads(result.outputs["plan"])
    assert (document["mode"], document["refused"], result.outputs["changes"]) == ("reconcile", "prune-limit", "0")


def test_a_reconcile_refused_for_a_changed_plan_says_nothing_was_applied_not_preview(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer) -> None:
    run_action(mode="reconcile")
    run_action()  # the reviewed preview: no changes
    _edit_description(emulator, "Edited in the console.")
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert result.code == 1 and emulator.workloads("acme")[0]["description"] == "Edited in the console."
    assert "this is a preview" not in result.summary and "Not applied" in result.summary
    assert "preview" not in result.summary.splitlines()[0]
    assert json.loads(result.outputs["plan"])["refused"] == "plan-check"


def test_prune_limit_input_lets_more_deletions_through(run_action: Runner, emulator: EmulatorServer) -> None:
    for index in range(4):
        emulator.seed("acme", {"name": f"Stray {index}", "slug": f"stray-{index}", "task_type": "text2text",
                               "backend": "ollama", "model_name": "llama3:8b"})
    refused = run_action(mode="reconcile", prune="true")
    assert refused.code == 1
    assert "more than the limit of 3" in refused.log and "prune-limit: 4" in refused.log
    assert len(emulator.workloads("acme")) == 4
    applied = run_action(mode="reconcile", prune="true", prune_limit="4")
    assert applied.code == 0, applied.log
    assert [w["slug"] for w in emulator.workloads("acme")] == ["support-bot"]
    assert applied.log.count("deleted acme/stray-") == 4


# --- review then apply: the reviewed plan, the reconcile's check, the outcome on the PR ------------

MERGED_SHA = "f" * 40  # GITHUB_SHA of the runner's push event (action_harness)
RECORD_PREFIX = "<!-- ik-ensure:plan digest="


def _edit_description(emulator: EmulatorServer, text: str) -> None:
    [workload] = emulator.workloads("acme")
    response = httpx.patch(f"{emulator.url}/api/workloads/{workload['id']}", json={"description": text},
                           headers={"Authorization": f"Bearer {SDK_TOKEN}"})
    assert response.status_code == 200, response.text


def _writes(emulator: EmulatorServer) -> List[str]:
    return [f"{r.method} {r.path}" for r in emulator.request_log if r.method != "GET"]


def test_the_preview_keeps_its_plan_digest_in_the_comment_marker_and_sets_the_output(run_action: Runner,
                                                                                     github: FakeGitHub) -> None:
    result = run_action()
    body = str(our_comments(github)[0]["body"])
    digest = result.outputs["plan-digest"]
    assert digest.startswith("sha256:") and json.loads(result.outputs["plan"])["plan_digest"] == digest
    assert body.split("\n")[1].startswith(f"{RECORD_PREFIX}{digest} data=")


def test_a_reviewed_plan_is_applied_and_the_pr_comment_turns_to_reconciled(run_action: Runner, github: FakeGitHub,
                                                                           emulator: EmulatorServer) -> None:
    preview = run_action()
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert result.code == 0, result.log
    assert [w["slug"] for w in emulator.workloads("acme")] == ["support-bot"]
    [comment] = our_comments(github)
    body = str(comment["body"])
    assert "### InferenceKey ensure \u00b7 reconciled at `fffffff`" in body
    assert "`acme/support-bot`" in body and "actions/runs/4242" in body
    assert f"{RECORD_PREFIX}{preview.outputs['plan-digest']}" in body, "the reviewed record stays as it was"
    assert "reviewed plan: matched: the plan is the one reviewed on pull request #7" in result.log
    assert "Reviewed plan: the plan is the one reviewed on pull request" in result.summary
    assert result.outputs["comment-url"] == comment["html_url"]


def test_a_platform_edit_after_the_review_is_refused_with_the_difference_everywhere(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer) -> None:
    run_action(mode="reconcile")
    run_action()  # the reviewed preview: no changes
    _edit_description(emulator, "Edited in the console.")
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    emulator.clear_request_log()
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert result.code == 1
    assert _writes(emulator) == []
    assert emulator.workloads("acme")[0]["description"] == "Edited in the console."
    workload_line = "acme/support-bot: action was no-change at the review, is update now"
    field_line = ('description: unchanged in the reviewed plan; now live "Edited in the console.", '
                  'desired "Answers support tickets."')
    difference = f"{workload_line}\n  {field_line}"
    body = str(our_comments(github)[0]["body"])
    assert "refused: the plan changed since the review" in body and difference in body
    assert "Nothing was applied" in body and "actions/runs/4242" in body
    assert difference in result.summary and "Refused" in result.summary
    assert workload_line in result.log and field_line in result.log and "not the reviewed plan::Refused" in result.log


def test_a_commit_from_no_pull_request_is_refused_and_says_how_to_get_a_review(run_action: Runner,
                                                                              emulator: EmulatorServer,
                                                                              github: FakeGitHub) -> None:
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert result.code == 1
    assert emulator.workloads("acme") == [] and _writes(emulator) == []
    assert "came from no merged pull request" in result.summary
    assert "Merge changes through a pull request whose preview job runs ik-ensure" in result.summary
    assert github.requests_of("POST") == [] and github.requests_of("PATCH") == []


def test_an_open_pr_holding_the_commit_is_no_review(run_action: Runner, emulator: EmulatorServer,
                                                    github: FakeGitHub) -> None:
    run_action()
    github.open_pull_request_holds(REPOSITORY, PR_NUMBER, MERGED_SHA)
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert result.code == 1 and emulator.workloads("acme") == []
    assert "came from no merged pull request" in result.summary


def test_a_record_in_someone_elses_comment_is_no_review(run_action: Runner, emulator: EmulatorServer,
                                                        github: FakeGitHub) -> None:
    preview = run_action(comment="never")  # computes the plan, comments nothing
    forged = f"{MARKER}\n{RECORD_PREFIX}{preview.outputs['plan-digest']} data= -->\nLooks good."
    github.seed(REPOSITORY, PR_NUMBER, forged, author=Account("mallory"))
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert result.code == 1 and emulator.workloads("acme") == []
    assert "pull request #7 has no ik-ensure plan for comment-key default" in result.log
    assert "has no ik-ensure plan" in result.summary


def test_a_merged_pull_request_from_a_fork_is_never_reviewed_and_its_reconcile_says_how_to_get_one(
        run_action: Runner, emulator: EmulatorServer, github: FakeGitHub) -> None:
    assert run_action(fork=True).code == 0  # validation only: no preview, no record
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert result.code == 1 and emulator.workloads("acme") == []
    assert "pull request #7 has no ik-ensure plan for comment-key default" in result.log
    assert "a pull request from a fork never gets one" in result.log


def test_without_the_requirement_a_changed_plan_is_applied_and_the_summary_says_it_differed(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer) -> None:
    run_action(mode="reconcile")
    run_action()
    _edit_description(emulator, "Edited in the console.")
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    result = run_action(event_name="push", mode="reconcile")
    assert result.code == 0, result.log
    assert emulator.workloads("acme")[0]["description"] == "Answers support tickets."
    assert "the plan changed since the review on pull request #7" in result.log
    assert "the plan changed since the review on pull request" in result.summary
    assert "Applied anyway: require-reviewed-plan is false" in result.summary
    assert "reconciled at `fffffff`" in str(our_comments(github)[0]["body"])


def test_a_failed_reconcile_says_so_on_the_pr_with_the_errors(run_action: Runner, github: FakeGitHub,
                                                              emulator: EmulatorServer) -> None:
    run_action()
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    emulator.set_faults(FaultConfig(fail_every_n=1, fail_status=500))
    result = run_action(event_name="push", mode="reconcile")
    assert result.code == 1
    body = str(our_comments(github)[0]["body"])
    assert "reconcile failed at `fffffff`" in body and "actions/runs/4242" in body
    assert "project `acme`: api error (status 500)" in body


def test_a_reconcile_run_again_applies_nothing_and_the_pr_still_says_reconciled(run_action: Runner, github: FakeGitHub,
                                                                                emulator: EmulatorServer) -> None:
    run_action()
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    assert run_action(event_name="push", mode="reconcile", require_reviewed_plan="true").code == 0
    emulator.clear_request_log()
    again = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert again.code == 0, again.log
    assert _writes(emulator) == []
    body = str(our_comments(github)[0]["body"])
    assert "reconciled at `fffffff`" in body and "refused" not in body
    assert "reviewed plan: remainder: nothing is left to apply of the plan reviewed on pull request #7" in again.log
    assert "Reviewed plan: nothing is left to apply of the plan reviewed on pull request" in again.summary


def test_a_re_run_after_a_partial_failure_applies_the_rest_of_the_reviewed_plan(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer, workspace: Path) -> None:
    (workspace / "inferencekey" / "second.yaml").write_text(
        "project: acme\nname: Second\nslug: second\nmodel: mistral:7b\nbackend: ollama\n", encoding="utf-8")
    run_action()
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    # The one listing passes, the first of the two creates fails (500 is not retried), the second lands.
    emulator.set_faults(FaultConfig(fail_every_n=2, fail_status=500))
    failed = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true", wait="false")
    assert failed.code == 1 and len(emulator.workloads("acme")) == 1
    emulator.set_faults(FaultConfig())
    emulator.clear_request_log()
    rerun = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true", wait="false")
    assert rerun.code == 0, rerun.log
    assert sorted(w["slug"] for w in emulator.workloads("acme")) == ["second", "support-bot"]
    assert _writes(emulator) == ["POST /api/projects/acme/workloads"]
    assert "reviewed plan: remainder: the plan is what is left to apply of the one reviewed on pull request #7" in rerun.log
    assert "reconciled at `fffffff`" in str(our_comments(github)[0]["body"])


def test_a_re_run_that_would_delete_what_the_review_kept_is_refused(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer) -> None:
    run_action(mode="reconcile")
    emulator.seed("acme", {"name": "Stray", "slug": "stray", "task_type": "text2text", "backend": "ollama",
                           "model_name": "llama3:8b"})
    run_action()  # reviewed: no change, the stray workload kept
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    emulator.clear_request_log()
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true", prune="true")
    assert result.code == 1 and _writes(emulator) == []
    assert "unmanaged acme/stray: action was none at the review, is prune now" in result.log


def test_a_refused_re_run_never_turns_a_reconciled_pr_comment_into_a_refusal(
        run_action: Runner, github: FakeGitHub, emulator: EmulatorServer) -> None:
    run_action()
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    assert run_action(event_name="push", mode="reconcile", require_reviewed_plan="true").code == 0
    reconciled = str(our_comments(github)[0]["body"])
    _edit_description(emulator, "Edited in the console.")
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true")
    assert result.code == 1
    assert emulator.workloads("acme")[0]["description"] == "Edited in the console."
    assert str(our_comments(github)[0]["body"]) == reconciled
    assert "Refused" in result.summary and "still says it was reconciled" in result.summary


def test_under_the_requirement_a_preview_without_changes_still_records_its_plan(run_action: Runner,
                                                                               github: FakeGitHub) -> None:
    run_action(mode="reconcile", comment="never")
    result = run_action(require_reviewed_plan="true")
    assert result.code == 0
    assert str(our_comments(github)[0]["body"]).split("\n")[1].startswith(RECORD_PREFIX)


def test_the_requirement_cannot_go_without_the_comment(run_action: Runner) -> None:
    result = run_action(event_name="push", mode="reconcile", require_reviewed_plan="true", comment="never")
    assert result.code == exit_codes.USAGE and "require-reviewed-plan" in result.log


def test_invalid_specs_on_the_merged_commit_tell_the_pr_the_reconcile_failed(run_action: Runner, github: FakeGitHub,
                                                                             workspace: Path,
                                                                             emulator: EmulatorServer) -> None:
    preview = run_action()
    github.merge(REPOSITORY, PR_NUMBER, MERGED_SHA)
    (workspace / "inferencekey" / "broken.yaml").write_text("project: acme\nname: x\nslug: x\nbackend: nope\n")
    result = run_action(event_name="push", mode="reconcile")
    assert result.code == 1 and emulator.workloads("acme") == []
    body = str(our_comments(github)[0]["body"])
    assert "### InferenceKey ensure \u00b7 reconcile failed at `fffffff`" in body and "broken.yaml" in body
    assert f"{RECORD_PREFIX}{preview.outputs['plan-digest']}" in body


def _spec_in(workspace: Path, name: str, text: str) -> None:
    (workspace / "inferencekey" / name).write_text(text, encoding="utf-8")


def test_the_projects_output_lists_the_one_project_of_a_preview(run_action: Runner) -> None:
    result = run_action()
    assert result.code == 0, result.log
    assert result.outputs["projects"] == '["acme"]'


def test_a_validate_only_run_lists_every_project_sorted_without_a_platform_request(run_action: Runner, workspace: Path,
                                                                             emulator: EmulatorServer,
                                                                             github: FakeGitHub) -> None:
    _spec_in(workspace, "zeta.yaml", "project: zeta\nname: Z\nslug: z\nmodel: m/m\nbackend: vllm\n")
    _spec_in(workspace, "beta.yaml", "project: beta\nname: B\nslug: b\nmodel: m/m\nbackend: vllm\n")
    result = run_action(sdk_token=None, comment="never")
    assert result.code == 0, result.log
    assert json.loads(result.outputs["projects"]) == ["acme", "beta", "zeta"]
    # GitHub is only asked which files the pull request changes (none here, so no project).
    assert emulator.request_log == [] and [request.method for request in github.requests] == ["GET"]
    assert result.outputs["changed-projects"] == "[]"
    assert result.outputs["plan"] == "" and result.outputs["endpoint-refs"] == "[]"


def test_a_spec_naming_no_project_takes_the_project_input(run_action: Runner, workspace: Path) -> None:
    _spec_in(workspace, "chat.yaml", "name: Support bot\nslug: support-bot\nmodel: m/m\nbackend: vllm\n")
    result = run_action(sdk_token=None, project="fallback")
    assert result.code == 0, result.log
    assert result.outputs["projects"] == '["fallback"]'


def test_a_workload_with_no_project_fails_a_validate_only_run_located_and_lists_none(
        run_action: Runner, workspace: Path, emulator: EmulatorServer) -> None:
    _spec_in(workspace, "orphan.yaml", "name: Orphan\nslug: orphan\nmodel: m/m\nbackend: vllm\n")
    result = run_action(sdk_token=None)
    assert result.code == 1
    assert result.outputs["projects"] == "[]"
    assert "::error file=inferencekey/orphan.yaml,line=1" in result.log and 'no project for workload "orphan"' in result.log
    assert "`inferencekey/orphan.yaml:1:1`" in result.summary and "INFERENCEKEY\\_PROJECT" in result.summary
    assert emulator.request_log == []


@pytest.mark.parametrize("sdk_token", [None, SDK_TOKEN], ids=["validate-only", "with-token"])
def test_invalid_specs_list_no_projects(run_action: Runner, workspace: Path, sdk_token: str) -> None:
    _spec_in(workspace, "bad.yaml", "project: beta\nname: x\nslug: x\nmodel: m\nbackend: 42\n")
    result = run_action(sdk_token=sdk_token)
    assert result.code == 1 and result.outputs["projects"] == "[]"


def test_a_usage_error_still_sets_the_projects_output(run_action: Runner) -> None:
    result = run_action(specs="nowhere/")
    assert result.code == exit_codes.USAGE and result.outputs["projects"] == "[]"


@pytest.mark.parametrize("mode", ["preview", "reconcile"])
def test_a_spec_folder_with_no_spec_yet_lists_no_projects_and_requests_nothing(run_action: Runner, workspace: Path,
                                                                                 emulator: EmulatorServer,
                                                                                 github: FakeGitHub, mode: str) -> None:
    (workspace / "inferencekey" / "chat.yaml").unlink()
    (workspace / "inferencekey" / ".gitkeep").write_text("", encoding="utf-8")
    result = run_action(mode=mode, prune="true")
    assert result.code == 0, result.log
    assert result.outputs["projects"] == "[]" and result.outputs["plan"] == ""
    assert "No spec file in inferencekey/ yet" in result.log
    assert emulator.request_log == [] and github.requests == []


def test_another_folder_with_no_spec_is_still_a_usage_error(run_action: Runner, workspace: Path) -> None:
    (workspace / "empty").mkdir()
    result = run_action(specs="empty/")
    assert result.code == exit_codes.USAGE and "no spec files" in result.log and result.outputs["projects"] == "[]"


def _fleet(workspace: Path, emulator: EmulatorServer) -> None:
    (workspace / "inferencekey" / "chat.yaml").unlink()
    write_fleet_specs(workspace)
    seed_fleet(emulator)


def test_the_preview_comment_and_summary_give_the_fleets_spend_ceiling(run_action: Runner, github: FakeGitHub,
                                                                      workspace: Path, emulator: EmulatorServer) -> None:
    _fleet(workspace, emulator)
    result = run_action()
    assert result.code == 0, result.log
    for markdown in (str(our_comments(github)[0]["body"]), result.summary):
        rendered = cmarkgfm.github_flavored_markdown_to_html(markdown)  # GitHub's own renderer
        assert f"<strong>{FLEET_HEADLINE.replace('>', '&gt;')}</strong>" in rendered
        assert "<li>acme/chat: $6.00/h -&gt; $8.00/h</li>" in rendered
        assert "<li>acme/embed: not there -&gt; $10.00/h</li>" in rendered
        assert "<li>uncapped (no ceiling declared, not counted in the sum): acme/legacy</li>" in rendered
    assert json.loads(result.outputs["plan"])["spend"]["after_hourly_usd"] == 18.0


def test_a_preview_over_max_spend_increase_fails_after_commenting_by_how_much(run_action: Runner, github: FakeGitHub,
                                                                              workspace: Path,
                                                                              emulator: EmulatorServer) -> None:
    _fleet(workspace, emulator)
    result = run_action(max_spend_increase="5")
    assert result.code == 1
    body = str(our_comments(github)[0]["body"])
    assert "rises by $12.00/h" in body and "$7.00/h above the spend limit (max-spend-increase $5.00/h)" in body


def test_a_reconcile_over_max_spend_increase_writes_nothing(run_action: Runner, workspace: Path,
                                                            emulator: EmulatorServer) -> None:
    _fleet(workspace, emulator)
    emulator.clear_request_log()
    result = run_action(event_name="push", mode="reconcile", max_spend_increase="5")
    assert result.code == 1
    assert [request.method for request in emulator.request_log if request.method != "GET"] == []
    assert json.loads(result.outputs["plan"])["refused"] == "spend-limit"


def test_a_mandatory_policy_violation_fails_the_preview_after_a_policy_section(run_action: Runner, github: FakeGitHub,
                                                                              workspace: Path,
                                                                              emulator: EmulatorServer) -> None:
    (workspace / ".ik-ensure.yaml").write_text(
        "policy:\n  allowed_backends: [vllm]\n  require_fields: [on_drift]\n  advisory: [require_fields]\n",
        encoding="utf-8")
    result = run_action()
    assert result.code == 1 and emulator.workloads("acme") == []
    body = str(our_comments(github)[0]["body"])
    assert "#### Policy" in body and "policy/allowed_backends" in body and "policy/require_fields" in body
    assert "#### Policy" in result.summary
    assert "::error file=inferencekey/chat.yaml,line=6,col=14" in result.log


def test_an_advisory_policy_violation_warns_in_the_policy_section_and_the_preview_passes(
        run_action: Runner, github: FakeGitHub, workspace: Path) -> None:
    (workspace / ".ik-ensure.yaml").write_text("policy:\n  forbid_uncapped: true\n  advisory: [forbid_uncapped]\n",
                                               encoding="utf-8")
    result = run_action()
    assert result.code == 0, result.log
    body = str(our_comments(github)[0]["body"])
    assert "#### Policy" in body and "advisory only" in body and "policy/forbid_uncapped" in body
    assert json.loads(result.outputs["plan"])["policy"][0]["rule"] == "policy/forbid_uncapped"


def test_every_run_that_validated_writes_sarif_and_names_it_in_sarif_file(run_action: Runner, workspace: Path) -> None:
    (workspace / "inferencekey" / "chat.yaml").write_text("name: x\nslug: x\nmodel: m\nbackend: vllm\nmodle: y\n",
                                                          encoding="utf-8")
    result = run_action(sdk_token="")
    document = json.loads(Path(result.outputs["sarif-file"]).read_text(encoding="utf-8"))
    [finding] = [r for r in document["runs"][0]["results"] if r["ruleId"] == "schema"]
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "inferencekey/chat.yaml"
    assert location["region"] == {"startLine": 5, "startColumn": 1}


def test_a_missing_config_file_is_an_input_error(run_action: Runner) -> None:
    result = run_action(config="nope.yaml")
    assert result.code == exit_codes.USAGE and "input `config`: config file not found: nope.yaml" in result.log
