"""Annotation priorities, repository-relative paths, and a log no text can command."""

from __future__ import annotations

import io

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.flow.annotations import Annotation, repository_path, run_annotations
from inferencekey_ensure.github.commands import plain_line, prioritised
from inferencekey_ensure.github.comments_api import PERMISSION, SERVER, GitHubApiError
from inferencekey_ensure.github.log import WorkflowLog
from inferencekey_ensure.github.step import comment_failure
from support.plan_fixtures import plan, workload


def test_paths_are_made_relative_to_the_workspace() -> None:
    assert repository_path("inferencekey/a.yaml", "/w", "/w/infra") == "infra/inferencekey/a.yaml"
    assert repository_path("inferencekey/a.yaml", "/w", "/w") == "inferencekey/a.yaml"
    assert repository_path("inferencekey/a.yaml", None, "/elsewhere") == "inferencekey/a.yaml"
    assert repository_path("../outside.yaml", "/w", "/w") == "../outside.yaml"


def test_spec_errors_come_before_failed_workloads_and_drift_before_spec_warnings() -> None:
    problems = [Problem("a.yaml", 1, 1, "$.x", "warned", severity="warning"), Problem("b.yaml", 2, 1, "$.y", "broken")]
    doc = plan([
        workload("drifted", file="c.yaml", line=5),
        workload("failing", action="create", status="failed", error="boom", file="d.yaml"),
        workload("same", action="no-change"),
    ])
    annotations = run_annotations(problems, doc, None, "/w")
    assert [(a.kind, a.file) for a in annotations] == [
        ("error", "b.yaml"), ("error", "d.yaml"), ("warning", "c.yaml"), ("warning", "a.yaml"),
    ]
    assert annotations[2].message.endswith("acme/drifted drifted from its spec (update): model")
    assert annotations[2].line == 5


def test_more_than_ten_drifted_workloads_keep_the_spec_errors_visible() -> None:
    doc = plan([workload(f"w{i}") for i in range(15)])
    problems = [Problem("bad.yaml", 1, 1, "$", "broken")]
    shown, hidden = prioritised(run_annotations(problems, doc, None, "/w"))
    assert shown[0].file == "bad.yaml" and hidden == 5


def test_reconciled_workloads_are_reported_as_done() -> None:
    doc = plan([workload("w"), workload("n", action="create")], mode="reconcile")
    messages = [a.message for a in run_annotations([], doc, None, "/w")]
    assert messages == ["acme/w was reconciled (update): model", "acme/n was created"]


def test_comment_failure_wording_names_the_permission_fix_only_for_403() -> None:
    denied = comment_failure(GitHubApiError("HTTP 403: Resource not accessible by integration", kind=PERMISSION, status=403))
    assert "permissions:\n  contents: read\n  pull-requests: write" in denied.message
    outage = comment_failure(GitHubApiError("GitHub failed (HTTP 503)", kind=SERVER, status=503))
    assert "permissions:" not in outage.message and "next run" in outage.message


def test_plain_log_lines_cannot_be_commands_and_are_redacted() -> None:
    stream = io.StringIO()
    log = WorkflowLog(stream, ["s3cr3t-value"])
    log.plain("ok\n::add-mask::x\n  ::error::y\nuses s3cr3t-value and ik_sdk_abcd1234_TailTailTail99")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "ok"
    assert not any(line.lstrip().startswith("::") for line in lines)
    assert "s3cr3t-value" not in stream.getvalue() and "TailTailTail99" not in stream.getvalue()


def test_plain_lines_keep_ordinary_text() -> None:
    assert plain_line("a :: b") == "a :: b"


def test_masking_emits_the_command_and_redacts_afterwards() -> None:
    stream = io.StringIO()
    log = WorkflowLog(stream)
    log.mask("odd-token-without-shape")
    log.plain("token odd-token-without-shape")
    assert stream.getvalue().splitlines()[0] == "::add-mask::odd-token-without-shape"
    assert "odd-token-without-shape" not in stream.getvalue().splitlines()[1]


def test_the_step_log_shows_bidi_controls_as_visible_escapes() -> None:
    stream = io.StringIO()
    log = WorkflowLog(stream)
    log.plain("model: \u202eexe.txt\u202c")
    log.annotate(Annotation("warning", "drift in \u2066x\u2069", title="\u202eeltit"))
    assert stream.getvalue() == (
        "model: <U+202E>exe.txt<U+202C>\n"
        "::warning title=<U+202E>eltit::drift in <U+2066>x<U+2069>\n"
    )


def test_a_workload_of_a_project_that_could_not_be_listed_is_annotated_with_the_reason() -> None:
    doc = plan([workload("w", action="unknown", status="failed")],
               errors=[{"message": "network error: could not connect to https://api.example", "project": "acme"}])
    message = run_annotations([], doc, None, "/w")[0].message
    assert "no detail" not in message
    assert message == "acme/w: failed: network error: could not connect to https://api.example"
