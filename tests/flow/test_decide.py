"""The action's decisions without any CI host: given inputs, facts and a report, the outcome."""

from __future__ import annotations

from typing import Any

from inferencekey_ensure.domain.drift import FieldDiff
from inferencekey_ensure.domain.spec import DeclaredWorkload, SourceLocation, WorkloadSpec
from inferencekey_ensure.engine.projects import declared_projects
from inferencekey_ensure.engine.results import STATUS_OK, RunReport, WorkloadResult
from inferencekey_ensure.flow.decide import HostFacts, run_outcome, validation_outcome
from inferencekey_ensure.flow.inputs import ActionInputs
from inferencekey_ensure.flow.review import DIFFERS, ReviewLookup, ReviewVerdict, read_record
from inferencekey_ensure.plan.model import EndpointRef, PlannedWorkload, Target
from inferencekey_ensure.report.markdown_sections import Footer
from inferencekey_ensure.report.markdown_validation import NO_TOKEN
from inferencekey_ensure.specset.load import LoadResult

FACTS = HostFacts(change_request=True, from_fork=False,
                  footer=Footer("0.1.0", "abc1234", None, "https://ci.example/runs/9"), workspace=None, cwd="/")


def report(mode: Any = "preview", action: Any = "update") -> RunReport:
    spec = WorkloadSpec(name="Bot", slug="bot", model="llama3:8b", backend="ollama")
    target = Target(DeclaredWorkload(spec, SourceLocation("inferencekey/a.yaml", 2, 3)), "acme")
    diffs = (FieldDiff("description", "Old", "New"),) if action == "update" else ()
    planned = PlannedWorkload(target, "bot", action, "reconcile", EndpointRef("acme", "bot"), diffs)
    return RunReport(mode, [WorkloadResult(planned, STATUS_OK, True, EndpointRef("acme", "bot"))])


def test_a_preview_comment_carries_the_plan_record_and_the_digest_output() -> None:
    outcome = run_outcome(ActionInputs(specs=("inferencekey/",)), FACTS, report())
    assert outcome.comment is not None and not outcome.failed
    reviewed = read_record(outcome.comment.body)
    assert reviewed is not None and reviewed.digest == outcome.report.plan_digest == outcome.outputs(None)["plan-digest"]


def test_under_the_requirement_a_preview_without_changes_is_worth_a_comment() -> None:
    unchanged = report(action="no-change")
    assert run_outcome(ActionInputs(specs=()), FACTS, unchanged).comment.worth_reporting is False  # type: ignore[union-attr]
    required = ActionInputs(specs=(), require_reviewed_plan=True)
    assert run_outcome(required, FACTS, unchanged).comment.worth_reporting is True  # type: ignore[union-attr]


def test_a_refused_reconcile_fails_annotates_first_and_comments_the_difference() -> None:
    inputs = ActionInputs(specs=(), mode="reconcile", require_reviewed_plan=True)
    judged = ReviewVerdict(DIFFERS, True, 7, "sha256:" + "1" * 64,
                           ["acme/bot: update, with different values"], "the plan changed since the review")
    outcome = run_outcome(inputs, FACTS, report(), ReviewLookup(7), judged)
    assert outcome.failed
    assert outcome.annotations[0].kind == "error" and outcome.annotations[0].message.startswith("Refused:")
    assert outcome.comment is not None and outcome.comment.worth_reporting
    assert "refused: the plan changed since the review" in outcome.comment.body
    assert "acme/bot: update, with different values" in outcome.comment.body
    assert "https://ci.example/runs/9" in outcome.comment.body
    assert "acme/bot: update, with different values" in "\n".join(outcome.log_lines)


def test_fail_on_drift_fails_a_preview_with_drift() -> None:
    outcome = run_outcome(ActionInputs(specs=(), fail_on_drift=True), FACTS, report())
    assert outcome.failed and outcome.annotations[-1].title == "ik-ensure: drift"


def _declared(slug: str, project: Any) -> DeclaredWorkload:
    spec = WorkloadSpec(name=slug, slug=slug, model="m/m", backend="vllm", project=project)
    return DeclaredWorkload(spec, SourceLocation(f"inferencekey/{slug}.yaml", 1, 1))


def test_a_validate_only_outcome_outputs_the_declared_projects_as_json() -> None:
    loaded = LoadResult(workloads=[_declared("a", "zeta"), _declared("b", "acme"), _declared("c", "zeta")],
                        files=["a", "b", "c"])
    outcome = validation_outcome(ActionInputs(specs=()), FACTS, loaded, NO_TOKEN, None,
                                 declared_projects(loaded.workloads, None, {}))
    assert not outcome.failed and outcome.outputs(None)["projects"] == '["acme", "zeta"]'


def test_a_validate_only_outcome_fails_on_a_workload_with_no_project_and_lists_none() -> None:
    loaded = LoadResult(workloads=[_declared("a", "acme"), _declared("orphan", None)], files=["a", "orphan"])
    outcome = validation_outcome(ActionInputs(specs=()), FACTS, loaded, NO_TOKEN, None,
                                 declared_projects(loaded.workloads, None, {}))
    assert outcome.failed and outcome.outputs(None)["projects"] == "[]"
    [error] = [annotation for annotation in outcome.annotations if annotation.kind == "error"]
    assert (error.file, error.line) == ("inferencekey/orphan.yaml", 1) and '"orphan"' in error.message
    fallback = declared_projects(loaded.workloads, None, {"INFERENCEKEY_PROJECT": "acme"})
    assert validation_outcome(ActionInputs(specs=()), FACTS, loaded, NO_TOKEN, None, fallback).outputs(None)[
        "projects"] == '["acme"]'
