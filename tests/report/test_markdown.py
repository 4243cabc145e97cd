"""What the PR comment and the job summary say, for the plans a user meets."""

from __future__ import annotations

from dataclasses import replace

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.engine.results import RunReport
from inferencekey_ensure.report.markdown import comment_marker, comment_size, render_comment, render_summary
from inferencekey_ensure.report.markdown_sections import Footer, safe_url
from inferencekey_ensure.report.markdown_validation import render_validation_comment
from support.markdown_checks import (
    fences_balanced,
    live_mentions,
    live_text,
    stray_html,
    table_cells,
    table_rows,
)
from support.plan_fixtures import plan, workload

INFO = Footer(
    tool_version="0.1.0",
    short_sha="abc1234",
    commit_url="https://github.com/acme/infra/commit/abc1234def",
    run_url="https://github.com/acme/infra/actions/runs/42",
)


def comment(document: RunReport, key: str = "default") -> str:
    return render_comment(document, comment_key=key, info=INFO)


def test_comment_starts_with_the_hidden_marker_for_its_key() -> None:
    body = comment(plan([workload()]), key="production")
    assert body.startswith("<!-- ik-ensure:comment-key=production -->\n")
    assert comment_marker("production") != comment_marker("staging")


def test_marker_cannot_be_closed_by_the_key() -> None:
    marker = comment_marker("x --> <b>@owner")
    assert marker.count("-->") == 1 and marker.endswith("-->")
    assert "<b>" not in marker


def test_headline_counts_creates_updates_unchanged_and_failed() -> None:
    body = comment(plan([workload("a", action="create"), workload("b"), workload("c", action="no-change")]))
    assert "### InferenceKey ensure \u00b7 preview" in body
    assert "1 to create \u00b7 1 to update \u00b7 1 unchanged \u00b7 0 failed" in body
    assert "2 changes" in body


def test_reconcile_headline_speaks_in_the_past_tense() -> None:
    body = comment(plan([workload("a", action="create")], mode="reconcile"))
    assert "1 change applied." in body
    assert "1 created" in body and "\u2795 created" in body


def test_drift_left_in_place_is_called_out_without_changes() -> None:
    body = comment(plan([workload("a", action="drift-left", on_drift="warn", status="left-drifted")]))
    assert "Drift left as it is" in body and "1 drift left as is" in body


def test_table_lists_workload_action_fields_and_endpoint_ref() -> None:
    body = comment(plan([workload("support-bot", name="Support bot")]))
    rows = table_rows(body)
    assert rows[0] == "| Workload | Action | Fields changed | EndpointRef |"
    cells = table_cells(rows[2])
    assert "Support bot" in cells[1] and "`inferencekey/chat.yaml:3`" in cells[1]
    assert "update" in cells[2]
    assert "`model`" in cells[3] and "model_name" not in cells[3]  # the spec's word, not the wire's
    assert "`acme/support-bot`" in cells[4]


def test_each_changed_workload_gets_a_collapsible_diff_with_live_minus_and_desired_plus() -> None:
    body = comment(plan([workload("support-bot"), workload("same", action="no-change")]))
    assert body.count("<details>") == 1
    assert "<summary><code>support-bot</code> \u00b7 update \u00b7 1 field</summary>" in body
    assert '```diff\n@@ model @@\n- "llama3:8b"\n+ "llama3:70b"\n```' in body


def test_a_policy_config_change_shows_the_policy_keys_that_changed() -> None:
    diffs = [{"field": "execution_policy_config", "live": {"replicas": 1, "x": 1}, "desired": {"replicas": 2, "x": 1}}]
    body = comment(plan([workload("scaled", diffs=diffs)]))
    assert '```diff\n@@ execution_policy_config.replicas @@\n- 1\n+ 2\n```' in body
    assert '"x"' not in body


def test_nested_values_diff_line_by_line_with_context() -> None:
    diffs = [{"field": "execution_policy_config", "live": None, "desired": {"replicas": 2, "x": 1}}]
    body = comment(plan([workload("scaled", diffs=diffs)]))
    assert '- null\n+ {\n+   "replicas": 2,\n+   "x": 1\n+ }' in body


def test_a_create_shows_only_the_desired_side_since_nothing_is_live() -> None:
    diffs = [{"field": "name", "live": None, "desired": "Bot"},
             {"field": "config", "live": None, "desired": {"command": "vllm serve m"}}]
    for mode in ("preview", "reconcile"):
        created = replace(workload("bot", action="create", diffs=diffs), exists=mode == "reconcile")
        body = comment(plan([created], mode=mode))
        assert '```diff\n@@ name @@\n+ "Bot"\n@@ command @@\n+ "vllm serve m"\n```' in body
        assert "- null" not in body


def test_no_changes_state_says_the_platform_matches() -> None:
    body = comment(plan([workload("a", action="no-change"), workload("b", action="no-change")]))
    assert "No changes" in body and "matches the specs (2 workloads)" in body
    assert "<details>" not in body


def test_replacement_needed_and_unmanaged_notices() -> None:
    document = plan(
        [workload("embedder", action="replace", notes=["task_type changes from text2text to embedding"])],
        unmanaged=[{"project": "acme", "slug": "old-bot", "name": "Old bot", "action": "none", "status": "ok", "error": None}],
    )
    body = comment(document)
    assert "**Replacement needed** for 1 workload(s)" in body
    assert "task\\_type changes from text2text to embedding" in body
    assert "1 unmanaged workload(s)" in body and "`acme/old-bot` (Old bot)" in body
    assert "Set `prune: true` to delete them." in body


def test_pruned_unmanaged_workloads_are_marked() -> None:
    document = plan([], unmanaged=[{"project": "acme", "slug": "old", "name": "", "action": "prune", "status": "ok", "error": None}])
    body = comment(document)
    assert "`acme/old` \u00b7 to be pruned" in body and "prune: true" not in body


def test_failures_and_run_errors_are_shown() -> None:
    document = plan(
        [workload("broken", action="create", status="failed", error="permission denied [scope_insufficient]: nope")],
        errors=[{"project": "acme", "message": "listing workloads failed: HTTP 503"}],
    )
    body = comment(document)
    assert "Something failed" in body
    assert "failed: permission denied \\[scope\\_insufficient\\]: nope" in body
    assert "1 run error(s)" in body and "listing workloads failed: HTTP 503" in body


def test_footer_has_short_sha_and_run_link() -> None:
    body = comment(plan([workload()]))
    assert body.rstrip().endswith(
        "<sub>ik-ensure 0.1.0 \u00b7 commit [abc1234](https://github.com/acme/infra/commit/abc1234def)"
        " \u00b7 [workflow run](https://github.com/acme/infra/actions/runs/42)</sub>"
    )


def test_footer_links_only_to_http_urls_and_cannot_be_broken_out_of() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://ghes.example/a b)(c") == "https://ghes.example/a%20b%29%28c"


def test_hostile_spec_values_cannot_break_out() -> None:
    hostile = "x | y\n\n</details>\n```\n<img src=x onerror=alert(1)> @octocat ````"
    document = plan(
        [
            workload(
                "evil",
                name=hostile,
                file=f"inferencekey/{hostile}.yaml",
                diffs=[{"field": "description", "live": hostile, "desired": {"cmd": "`" * 9 + hostile}}],
                notes=[hostile],
                status="failed",
                error=hostile,
            )
        ],
        unmanaged=[{"project": hostile, "slug": hostile, "name": hostile, "action": "none", "status": "ok", "error": None}],
        errors=[{"project": hostile, "message": hostile}],
    )
    for body in (comment(document), render_summary(document, info=INFO)):
        assert fences_balanced(body)
        assert stray_html(body) == []
        assert live_mentions(body) == []
        assert all(len(table_cells(row)) == 6 for row in table_rows(body))
        assert live_text(body).count("<details>") == live_text(body).count("</details>") == 1


def test_summary_has_no_marker_and_takes_a_preamble() -> None:
    body = render_summary(plan([workload()]), info=INFO, preamble="**2 warnings**")
    assert "ik-ensure:comment-key" not in body
    assert body.index("### InferenceKey ensure") < body.index("**2 warnings**") < body.index("| Workload |")


def test_the_invalid_specs_comment_lists_few_problems_and_stays_small() -> None:
    problems = [Problem(f"inferencekey/{i}|x.yaml", i, 1, "$.backend", "@owner <b>" + "x" * 2000) for i in range(1000)]
    body = render_validation_comment(problems, 1000, 0, "production", INFO)
    assert body.startswith("<!-- ik-ensure:comment-key=production -->")
    assert comment_size(body) < 40_000
    assert "1000 errors" in body and "980 more in the step log" in body
    assert stray_html(body) == [] and live_mentions(body) == []
    assert all(len(table_cells(row)) == 6 for row in table_rows(body))


def test_a_reconcile_run_under_on_drift_fail_or_warn_says_so_in_its_heading() -> None:
    body = comment(plan([workload("a", action="drift-refused", on_drift="fail", status="failed")], mode="reconcile"))
    assert "### InferenceKey ensure \u00b7 reconcile (on\\_drift=fail: drift fails the run, nothing is patched)" in body
    warned = comment(plan([workload("a", action="drift-left", on_drift="warn", status="left-drifted")], mode="reconcile"))
    assert "(on\\_drift=warn: drift is reported, nothing is patched)" in warned
