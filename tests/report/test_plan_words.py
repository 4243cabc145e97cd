"""The plan in the spec's words: the text plan, the PR comment and the job summary name
fields as the spec does, say where a workload stands truthfully, and put an error first.

The plan JSON keeps the wire's names (docs/plan-json.md documents them)."""

from __future__ import annotations

from dataclasses import replace

from inferencekey_ensure.domain.drift import FieldDiff, in_spec_words
from inferencekey_ensure.engine import PREVIEW, RECONCILE
from inferencekey_ensure.engine.outcomes import settled_result
from inferencekey_ensure.engine.results import FAILED, RunError, RunReport, UnmanagedResult
from inferencekey_ensure.plan.planner import build_plan
from inferencekey_ensure.report.markdown import render_comment, render_summary
from inferencekey_ensure.report.markdown_sections import Footer
from inferencekey_ensure.report.plan_json import report_to_json
from inferencekey_ensure.report.plan_text import render_plan
from support.engine import make_live, make_target

from .github_render import render_like_github

INFO = Footer(tool_version="0.1.0")
COMMAND = "vllm serve Qwen/Qwen2.5-7B-Instruct"


def _report(targets, live, mode=PREVIEW, on_drift="reconcile", prune=False) -> RunReport:
    plan = build_plan(targets, {"acme": live}, on_drift=on_drift, prune=prune)
    return RunReport(mode, workloads=[settled_result(planned, mode) for planned in plan.workloads],
                     unmanaged=[UnmanagedResult(workload) for workload in plan.unmanaged])


def _model_change() -> RunReport:
    target = make_target(backend="vllm", model="Qwen/Qwen3-8B", command=COMMAND, vllm_version="0.11.0")
    live = make_live(backend="vllm", model_name="Qwen/Qwen2.5-7B-Instruct",
                     config={"command": COMMAND, "vllm_version": "0.10.1"})
    return _report([target], [live])


def test_a_model_change_reads_model_and_the_changed_config_key_by_its_spec_name():
    text = render_plan(_model_change())
    assert '    - model: "Qwen/Qwen2.5-7B-Instruct"\n    + model: "Qwen/Qwen3-8B"\n' in text
    assert '    - vllm_version: "0.10.1"\n    + vllm_version: "0.11.0"\n' in text
    assert "model_name" not in text and "config" not in text
    assert "command:" not in text  # unchanged, so not shown


def test_the_plan_json_keeps_the_wire_names_it_documents():
    diffs = report_to_json(_model_change())["workloads"][0]["diffs"]
    assert [diff["field"] for diff in diffs] == ["model_name", "config"]


def test_the_comment_and_the_summary_name_the_spec_fields_in_table_and_diff():
    for body in (render_comment(_model_change(), comment_key="default", info=INFO),
                 render_summary(_model_change(), info=INFO)):
        assert "`model`, `vllm_version`" in body
        assert '@@ model @@\n- "Qwen/Qwen2.5-7B-Instruct"\n+ "Qwen/Qwen3-8B"' in body
        assert "model_name" not in body and "@@ config @@" not in body
        html = render_like_github(body).html
        assert "<code>model</code>, <code>vllm_version</code>" in html


def test_a_create_shows_what_the_spec_says_and_not_the_task_type_it_left_to_its_default():
    text = render_plan(_report([make_target(command="ollama run x")], []))
    assert "task_type" not in text
    assert '    + model: "' in text and '    + command: "ollama run x"' in text
    declared = render_plan(_report([make_target(task_type="embedding")], []))
    assert '    + task_type: "embedding"' in declared


def test_a_workload_to_be_created_is_not_created_yet_rather_than_ok_and_not_existing():
    text = render_plan(_report([make_target()], []))
    assert "STATUS" not in text and "EXISTS" not in text
    table = text[text.index("EndpointRefs:"):]
    assert "not created yet" in table and " ok " not in table


def test_a_missing_workload_under_dry_run_is_not_left_drifted():
    report = _report([make_target(on_drift="dry_run")], [])
    workload = report_to_json(report)["workloads"][0]
    assert (workload["action"], workload["status"], workload["exists"]) == ("drift-left", "ok", False)
    text = render_plan(report)
    assert "missing, not created (on_drift=dry_run)" in text and "drift left in place" not in text
    assert "not created yet" in text[text.index("EndpointRefs:"):]
    body = render_comment(report, comment_key="default", info=INFO)
    assert "not created yet (`on_drift: dry_run`)" in body and "drift left" not in body.split("| Workload |")[1]


def test_a_failed_write_says_which_write_failed():
    report = _report([make_target()], [], mode=RECONCILE)
    failed = replace(report.workloads[0], status=FAILED, error="api error: 500 boom")
    text = render_plan(replace(report, workloads=[failed]))
    assert "create FAILED" in text and "created - FAILED" not in text
    assert "    error: api error: 500 boom" in text
    assert "failed" in text[text.index("EndpointRefs:"):]


def test_an_error_before_planning_is_said_once_without_an_empty_plan():
    stopped = RunReport(PREVIEW, errors=[RunError("configuration error: INFERENCEKEY_SDK_TOKEN is not set",
                                                   fix="Export INFERENCEKEY_SDK_TOKEN.")])
    assert render_plan(stopped) == ("error: configuration error: INFERENCEKEY_SDK_TOKEN is not set\n"
                                    "  fix: Export INFERENCEKEY_SDK_TOKEN.\n")
    body = render_comment(stopped, comment_key="default", info=INFO)
    assert "Stopped before planning" in body
    assert "0 to create" not in body and "| Workload |" not in body
    assert body.count("is not set") == 1
    rendered = render_like_github(body)
    assert "<table>" not in rendered.html and "INFERENCEKEY_SDK_TOKEN is not set" in rendered.html


def _over_the_prune_limit() -> RunReport:
    live = [make_live(id=f"w-{i}", slug=f"old-{i}") for i in range(6)]
    report = _report([make_target(slug="keep")], live, prune=True)
    refusal = RunError("--prune would delete 6 workloads, more than the limit of 3; apply refuses and writes nothing",
                       fix="re-run with --prune-limit 6")
    return replace(report, errors=[refusal])


def test_the_refusal_stands_above_the_deletions_it_refuses():
    text = render_plan(_over_the_prune_limit())
    assert text.index("apply refuses") < text.index("DELETIONS: 6 workload(s) will be deleted")
    for body in (render_comment(_over_the_prune_limit(), comment_key="default", info=INFO),
                 render_summary(_over_the_prune_limit(), info=INFO)):
        assert body.index("apply refuses") < body.index("6 workload(s) will be deleted")
        html = render_like_github(body).html
        assert html.index("apply refuses") < html.index("6 workload(s) will be deleted")


def test_policy_config_diffs_name_the_keys_that_changed_and_a_carried_config_whole():
    changed = in_spec_words([FieldDiff("execution_policy_config", {"replicas": 1, "x": 1}, {"replicas": 2, "x": 1})], {})
    assert changed == [FieldDiff("execution_policy_config.replicas", 1, 2)]
    carried = FieldDiff("execution_policy_config", {"replicas": 1}, {"replicas": 1})
    assert in_spec_words([carried], {}) == [carried]


def test_a_config_with_keys_no_spec_field_names_is_shown_whole():
    diff = FieldDiff("config", {"command": "a", "env": {"X": "1"}}, {"command": "b"})
    assert in_spec_words([diff], {"command": "b"}) == [diff]
