"""The renderings of a run: the format_version 1 JSON document, the human plan, and the
Markdown and outputs, all read from the one RunReport."""

from __future__ import annotations

import io
import json

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.engine import PREVIEW, RECONCILE
from inferencekey_ensure.engine.outcomes import settled_result
from inferencekey_ensure.engine.results import RunError, RunReport, UnmanagedResult
from inferencekey_ensure.flow.outputs import step_outputs
from inferencekey_ensure.plan.planner import build_plan
from inferencekey_ensure.report.markdown import render_comment, render_summary
from inferencekey_ensure.report.markdown_sections import Footer
from inferencekey_ensure.report.plan_json import report_to_json
from inferencekey_ensure.report.plan_text import drift_warnings, render_plan, use_colour
from support.engine import make_live, make_target

WORKLOAD_KEYS = ["file", "line", "column", "name", "project", "slug", "declared_slug", "action",
                 "on_drift", "diffs", "endpoint_ref", "exists", "status", "error", "notes", "spend"]


def preview_report(prune: bool = False, on_drift: str = "reconcile") -> RunReport:
    targets = [
        make_target(slug="Support Bot", line=3),
        make_target(slug="summarizer", name="Summarizer", model="new/model", line=9),
        make_target(slug="steady", line=15),
        make_target(slug="legacy", task_type="embedding", line=21),
    ]
    live = [
        make_live(id="w-2", slug="summarizer", name="Summarizer", model_name="old/model"),
        make_live(id="w-3", slug="steady"),
        make_live(id="w-4", slug="legacy"),
        make_live(id="w-9", slug="old-bot", name="Old bot"),
    ]
    plan = build_plan(targets, {"acme": live}, on_drift=on_drift, prune=prune)
    return RunReport(
        PREVIEW,
        workloads=[settled_result(planned, PREVIEW) for planned in plan.workloads],
        unmanaged=[UnmanagedResult(workload) for workload in plan.unmanaged],
    )


def test_the_json_document_has_the_documented_shape():
    document = report_to_json(preview_report())
    assert list(document) == ["format_version", "tool", "mode", "summary", "workloads", "unmanaged", "errors", "plan_digest",
                              "planned", "refused", "spend", "policy"]
    assert document["refused"] is None
    assert document["format_version"] == 1
    assert document["tool"] == {"name": "ik-ensure", "version": "0.1.0"}
    assert document["mode"] == "preview"
    assert document["summary"] == {"create": 1, "update": 1, "replace": 1, "no_change": 1,
                                   "drift_left": 0, "refused": 0, "prune": 0, "failed": 0,
                                   "unmanaged": 1, "changes": 3}
    first = document["workloads"][0]
    assert list(first) == WORKLOAD_KEYS
    assert (first["file"], first["line"], first["column"]) == ("inferencekey/app.yaml", 3, 3)
    assert (first["slug"], first["declared_slug"], first["action"]) == ("support-bot", "Support Bot", "create")
    assert first["endpoint_ref"] == {"project_slug": "acme", "workload_slug": "support-bot"}
    assert (first["exists"], first["status"], first["error"]) == (False, "ok", None)
    update = document["workloads"][1]
    assert update["diffs"] == [{"field": "model_name", "live": "old/model", "desired": "new/model"}]
    assert any("needs replacement" in note for note in document["workloads"][3]["notes"])
    assert document["unmanaged"] == [{"project": "acme", "slug": "old-bot", "name": "Old bot",
                                      "action": "none", "status": "ok", "error": None,
                                      "spend": {"before": {"basis": "uncapped", "hourly_usd": None},
                                                "after": {"basis": "uncapped", "hourly_usd": None}}}]
    assert document["errors"] == []
    json.dumps(document)


def test_prune_counts_as_a_change():
    summary = report_to_json(preview_report(prune=True))["summary"]
    assert (summary["prune"], summary["changes"]) == (1, 4)


def test_run_errors_and_invalid_specs_are_json_errors_with_their_fix_and_location():
    report = RunReport(
        RECONCILE,
        errors=[RunError("authentication failed: unknown token", project="acme", fix="Set the token.")],
        problems=[Problem("specs/a.yaml", 4, 5, "$.workloads[0].backend", "bad backend"),
                  Problem("specs/a.yaml", 9, 1, "$", "style", severity="warning", rule="style")],
    )
    assert report_to_json(report)["errors"] == [
        {"project": "acme", "message": "authentication failed: unknown token (fix: Set the token.)"},
        {"project": None, "message": "specs/a.yaml:4:5: $.workloads[0].backend: bad backend [schema]"},
    ]


def test_a_preview_shows_its_deletions_first_and_plainly():
    text = render_plan(preview_report(prune=True))
    deletions = text.index("DELETIONS: 1 workload(s) will be deleted by --prune")
    assert text.index('  - acme/old-bot "Old bot"') > deletions
    assert deletions < text.index("+ acme/support-bot  will be created")


def test_the_text_plan_shows_minus_live_and_plus_desired_and_the_endpoint_table():
    text = render_plan(preview_report(prune=True))
    assert "+ acme/support-bot  will be created  inferencekey/app.yaml:3:3" in text
    assert '    - model: "old/model"\n    + model: "new/model"' in text  # the spec's word, not model_name
    assert "= acme/steady  no change" in text
    assert "! acme/legacy  needs replacement" in text
    assert '    + task_type: "embedding"  (cannot be changed in place)' in text
    assert "acme/old-bot \"Old bot\"  will be deleted (--prune, listed above)" in text
    assert "Summary: 1 to create, 1 to update, 1 needing replacement, 1 unchanged" in text
    assert "/endpoint/acme/support-bot/v1/" in text
    assert "\033[" not in text


def test_colour_only_on_a_terminal_and_never_with_no_color():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_colour(Tty(), {})
    assert not use_colour(Tty(), {"NO_COLOR": ""})
    assert not use_colour(Tty(), {"NO_COLOR": "1"})
    assert not use_colour(io.StringIO(), {})
    assert "\033[32m" in render_plan(preview_report(), colour=True)


def test_warn_prints_a_warning_the_sdk_never_prints():
    warnings = drift_warnings(preview_report(on_drift="warn"))
    assert warnings == [
        "warning: acme/summarizer (inferencekey/app.yaml:9:3) drifted from spec: model; "
        "on_drift=warn left it in place",
        "warning: acme/legacy (inferencekey/app.yaml:21:3) drifted from spec: task_type; "
        "on_drift=warn left it in place",
    ]
    assert drift_warnings(preview_report(on_drift="ignore")) == []


def test_a_dry_run_workload_that_does_not_exist_reads_as_not_created():
    plan = build_plan([make_target(on_drift="dry_run")], {"acme": []}, on_drift="reconcile", prune=False)
    report = RunReport(PREVIEW, workloads=[settled_result(plan.workloads[0], PREVIEW)])
    text = render_plan(report)
    assert "? acme/support-bot  missing, not created (on_drift=dry_run)" in text
    assert '    + name: "Support bot"' in text and "    - name:" not in text
    assert "does not exist yet" in text


def test_one_report_feeds_the_text_the_markdown_the_json_and_the_outputs_alike():
    report = preview_report(prune=True)
    report = RunReport(report.mode, report.workloads, report.unmanaged,
                       errors=[RunError("could not list", project="beta", fix="Re-run.")])
    document = report_to_json(report)
    text = render_plan(report)
    comment = render_comment(report, comment_key="default", info=Footer("0.1.0"))
    summary = render_summary(report, info=Footer("0.1.0"))
    outputs = step_outputs(report, "https://example.invalid/c/1")
    # The outputs carry exactly the JSON document, not a re-reading of it.
    assert json.loads(outputs["plan"]) == document
    assert outputs["changes"] == str(document["summary"]["changes"]) == str(report.changes)
    assert json.loads(outputs["endpoint-refs"]) == [
        {**item["endpoint_ref"], "action": item["action"]} for item in document["workloads"]
    ]
    counts = document["summary"]
    assert f"{counts['create']} to create" in text and f"{counts['create']} to create" in comment
    assert f"{counts['no_change']} unchanged" in text and f"{counts['no_change']} unchanged" in summary
    for item in document["workloads"]:
        assert f"{item['project']}/{item['slug']}" in text
        assert f"{item['project']}/{item['slug']}" in comment
    # The run error reads the same everywhere, fix included.
    message = document["errors"][0]["message"]
    assert message == "could not list (fix: Re-run.)"
    assert message in comment and message in summary
    assert "error: project beta: could not list" in text


def _reconcile_heading(on_drift: str) -> str:
    plan = build_plan([make_target()], {"acme": [make_live(name="Old")]}, on_drift=on_drift, prune=False)
    report = RunReport(RECONCILE, workloads=[settled_result(planned, RECONCILE) for planned in plan.workloads])
    return render_plan(report).splitlines()[0]


def test_the_apply_heading_names_what_the_chosen_on_drift_does():
    assert _reconcile_heading("reconcile").startswith("Apply (drift is patched): 1 workload(s)")
    assert _reconcile_heading("fail").startswith("Apply (on_drift=fail: drift fails the run, nothing is patched)")
    assert _reconcile_heading("warn").startswith("Apply (on_drift=warn: drift is reported, nothing is patched)")
    assert "reconcile" not in _reconcile_heading("warn")
