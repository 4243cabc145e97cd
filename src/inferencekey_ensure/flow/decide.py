"""The action's flow as pure decisions: given the inputs, the host's facts, the
validation result and the run's report, what to annotate, log, comment and summarise,
which outputs to set and whether the job fails.

Nothing here does I/O or knows a CI host's types: each host's adapter (GitHub:
``github/step.py``) reads its context into ``HostFacts``, carries out the ``Outcome``
(its comment API, its output file, its log commands) and adds what only it can know
(the URL of the comment it wrote, a warning when it could not write it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Tuple

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.domain.repo_config import CONFIG_FILE, is_policy_rule
from inferencekey_ensure.domain.spec import PROJECT_ENV
from inferencekey_ensure.engine import PREVIEW, RECONCILE, RunReport
from inferencekey_ensure.engine.projects import DeclaredProjects
from inferencekey_ensure.flow.annotations import TITLE, Annotation, run_annotations
from inferencekey_ensure.flow.drift_issue import DriftIssuePlan, drift_issue_plan
from inferencekey_ensure.flow.inputs import ActionInputs
from inferencekey_ensure.flow.outputs import step_outputs
from inferencekey_ensure.flow.review import (
    DIFFERS,
    MATCHED,
    RECONCILED_MARK,
    UNKNOWN,
    ReviewedPlan,
    ReviewLookup,
    ReviewVerdict,
    reviewed_record,
)
from inferencekey_ensure.report.escaping import table_code
from inferencekey_ensure.report.markdown import render_comment, render_summary
from inferencekey_ensure.report.markdown_guardrails import policy_problems
from inferencekey_ensure.report.markdown_review import review_note
from inferencekey_ensure.report.markdown_sections import Footer, safe_url
from inferencekey_ensure.report.markdown_validation import (
    FORK,
    NO_TOKEN,
    problems_table,
    render_validation_comment,
    render_validation_summary,
)
from inferencekey_ensure.report.plan_text import render_plan
from inferencekey_ensure.specset.load import LoadResult


@dataclass(frozen=True)
class HostFacts:
    """What the host says about this run, in its own terms nowhere below.

    ``change_request``: the run is for a pull (merge) request, whose preview may comment.
    ``merge_queue``: the run checks a merge queue's head commit (it plans, never writes).
    ``workspace``/``cwd``: the repository root and the folder the run works in, to
    make annotation paths relative to the root.
    """

    change_request: bool
    from_fork: bool
    footer: Footer
    workspace: Optional[str]
    cwd: str
    merge_queue: bool = False


@dataclass(frozen=True)
class CommentPlan:
    """The body the change request's comment should show; ``worth_reporting`` whether a
    change request without one should get one (under ``comment: on-change``)."""

    body: str
    worth_reporting: bool


@dataclass(frozen=True)
class Outcome:
    """Everything the adapter carries out, in order: log lines, annotations (most
    important first), the comment, the summary, the outputs, the job's result.

    ``projects``: the ``projects`` output, the projects the specs declare (none when the
    specs are invalid or a workload has no project, as ``ik-ensure projects`` lists none);
    ``changed_projects`` those of them the change request touches (all of them elsewhere);
    ``drift_issue`` what the drift issue should show (None: leave it alone).
    """

    failed: bool
    annotations: Tuple[Annotation, ...] = ()
    log_lines: Tuple[str, ...] = ()
    comment: Optional[CommentPlan] = None
    summary: Optional[str] = None
    report: Optional[RunReport] = None
    projects: Tuple[str, ...] = ()
    changed_projects: Tuple[str, ...] = ()
    drift_issue: Optional[DriftIssuePlan] = None

    def outputs(self, comment_url: Optional[str], drift_issue_url: Optional[str] = None) -> Dict[str, str]:
        return step_outputs(self.report, comment_url, self.projects, self.changed_projects, drift_issue_url)


def matrix_projects(declared: DeclaredProjects) -> Tuple[str, ...]:
    """The ``projects`` output: none while a workload has no project, which no matrix leg would cover."""
    return () if declared.unresolved else tuple(declared.projects)


def no_project_problems(declared: DeclaredProjects) -> List[Problem]:
    """A located error per workload with no project: a run that only validates still fails on it,
    as the plan would, so a matrix's first job never leaves a workload without a leg."""
    return [
        Problem(workload.location.path, workload.location.line, workload.location.column, "$",
                f'no project for workload "{workload.spec.slug}". Fix: set `project` in the spec or at the top '
                f"of its file, the action's `project` input, {PROJECT_ENV}, or `project` in {CONFIG_FILE}.", rule="project")
        for workload in declared.unresolved
    ]


def preview_blocked(inputs: ActionInputs, facts: HostFacts) -> Optional[str]:
    """Why no preview may run here, or None. A fork's PR never gets one, token or not."""
    if facts.change_request and facts.from_fork:
        return FORK
    if not inputs.sdk_token:
        return NO_TOKEN
    return None


def validation_outcome(
    inputs: ActionInputs, facts: HostFacts, loaded: LoadResult, reason: Optional[str],
    lookup: Optional[ReviewLookup] = None, declared: Optional[DeclaredProjects] = None,
) -> Outcome:
    """A run that stopped after validation: invalid specs, or ``reason`` (no token, a fork).

    ``lookup`` is the review of a reconcile whose specs are invalid: its PR hears that the
    reconcile failed, and its comment keeps the reviewed plan's record. ``declared``: the
    projects of the valid specs (with ``reason``, a workload with none is an error).
    """
    declared = declared or DeclaredProjects()
    if reason is not None and declared.unresolved:
        loaded = replace(loaded, problems=loaded.problems + no_project_problems(declared))
    annotations = run_annotations(loaded.problems, None, facts.workspace, facts.cwd)
    if reason is not None:
        why = "this job has no sdk-token" if reason == NO_TOKEN else "this pull request comes from a fork"
        annotations.append(Annotation(
            "notice", f"Specs validated; no preview ran because {why}. The job summary explains how to enable it.",
            title=f"{TITLE}: validate only",
        ))
    counts = (len(loaded.files), len(loaded.workloads))
    comment = None
    if reason is None and facts.change_request:
        # Invalid specs on a PR that could be previewed: an earlier drift comment must not go stale.
        # A policy violation is news for the PR even with no earlier comment: say it there.
        comment = CommentPlan(render_validation_comment(loaded.problems, *counts, inputs.comment_key, facts.footer),
                              worth_reporting=bool(policy_problems(loaded.problems)))
    elif reason is None and lookup is not None and lookup.change_request is not None:
        comment = CommentPlan(render_validation_comment(
            loaded.problems, *counts, inputs.comment_key, facts.footer,
            record=reviewed_record(lookup.reviewed) if lookup.reviewed is not None else "",
            title="reconcile failed" + _at(facts),
        ), worth_reporting=True)
    return Outcome(
        failed=not loaded.ok,
        annotations=tuple(annotations),
        comment=comment,
        summary=render_validation_summary(loaded.problems, *counts, reason),
        projects=matrix_projects(declared),
    )


def _at(facts: HostFacts) -> str:
    """`` at `abc1234` ``: the commit a reconcile ran on, as a code span nothing can break out of."""
    sha = facts.footer.short_sha
    return f" at {table_code(sha, 12)}" if sha else ""


def _run_link(facts: HostFacts) -> str:
    url = safe_url(facts.footer.run_url)
    return f" [Workflow run]({url})." if url else ""


def _review_lines(verdict: Optional[ReviewVerdict]) -> List[str]:
    if verdict is None:
        return []
    state = "refused" if verdict.refused else verdict.state
    return [f"reviewed plan: {state}: {verdict.why}"] + [f"  {line}" for line in verdict.differences + list(verdict.fix)]


def _review_summary(verdict: Optional[ReviewVerdict]) -> Optional[str]:
    """The summary's sentence on the review; every reconcile says whether the plan matched."""
    if verdict is None:
        return None
    if verdict.refused:
        return review_note("CAUTION", f"Refused: {verdict.why}. Nothing was applied.",
                           verdict.differences + list(verdict.fix))
    if verdict.state == MATCHED:
        return review_note("NOTE", f"Reviewed plan: {verdict.why} ({verdict.digest}).", [])
    if verdict.agrees:
        return review_note("NOTE", f"Reviewed plan: {verdict.why}.", [])
    sentence = f"Reviewed plan: {verdict.why}. Applied anyway: require-reviewed-plan is false."
    return review_note("WARNING", sentence, verdict.differences + list(verdict.fix))


def _reconcile_comment(
    inputs: ActionInputs, facts: HostFacts, report: RunReport, lookup: ReviewLookup, verdict: Optional[ReviewVerdict]
) -> Optional[CommentPlan]:
    """The change request's comment after a reconcile: reconciled, failed or refused; None to leave it.

    It keeps the reviewed plan's record as it was: a reconcile never records a plan as reviewed.
    A refusal never replaces a "reconciled" outcome (a later run of the job, after the platform
    moved, is refused in the job alone): that pull request's changes were applied.
    """
    refused = verdict is not None and verdict.refused
    if refused and lookup.reconciled:
        return None
    record = reviewed_record(lookup.reviewed) if lookup.reviewed is not None else ""
    sha = facts.footer.short_sha
    at = _at(facts)
    if verdict is not None and refused:
        title = ("refused: the plan changed since the review" if verdict.state == DIFFERS
                 else "refused: no reviewed plan")
        lead = review_note("CAUTION", f"{verdict.why}. Nothing was applied" + (f" at {sha}." if sha else "."),
                           verdict.differences)
        link = _run_link(facts).strip()
        lead += f"\n\n{link}" if link else ""
    elif report.succeeded:
        title = f"reconciled{at}"
        record = "\n".join(line for line in (record, RECONCILED_MARK) if line)
        lead = ("The platform now matches the specs; the table lists every workload and its EndpointRef."
                + _run_link(facts))
        if verdict is not None and not verdict.agrees:
            lead += "\n\n" + review_note("WARNING", f"{verdict.why}. Applied anyway: require-reviewed-plan is false.",
                                         verdict.differences)
    else:
        title = f"reconcile failed{at}"
        lead = ("Nothing of the plan was applied: the reconcile refused it; the notices below say why."
                if report.refused else
                "Some of the plan could not be applied; the table and the notices below say what.") + _run_link(facts)
    body = render_comment(report, comment_key=inputs.comment_key, info=facts.footer, record=record,
                          title=title, lead=lead)
    return CommentPlan(body, worth_reporting=report.worth_reporting or refused)


def run_outcome(
    inputs: ActionInputs,
    facts: HostFacts,
    report: RunReport,
    lookup: Optional[ReviewLookup] = None,
    verdict: Optional[ReviewVerdict] = None,
) -> Outcome:
    """A run that planned (and, in reconcile, applied what it was allowed to).

    ``lookup`` is what the host found about the review (reconcile only); ``verdict``
    how the plan compared with it (None when no plan was made or none was looked up).
    """
    annotations = run_annotations(report.problems, report, facts.workspace, facts.cwd)
    failed = not report.succeeded
    if verdict is not None and verdict.refused:
        fix = "".join(f"\n{line}" for line in verdict.fix)
        annotations.insert(0, Annotation("error", f"Refused: {verdict.why}. Nothing was applied.{fix}",
                                         title=f"{TITLE}: not the reviewed plan"))
        failed = True
    if inputs.fail_on_drift and inputs.mode == PREVIEW and report.drift_found and report.succeeded:
        annotations.append(Annotation(
            "error", "Drift found and fail-on-drift is set: the platform does not match the specs (see the job summary).",
            title=f"{TITLE}: drift",
        ))
        failed = True
    if inputs.mode == RECONCILE:
        comment = _reconcile_comment(inputs, facts, report, lookup, verdict) if lookup is not None else None
    else:
        record = (reviewed_record(ReviewedPlan(report.plan_digest, report.canonical_plan))
                  if report.plan_digest is not None else "")
        comment = CommentPlan(
            render_comment(report, comment_key=inputs.comment_key, info=facts.footer, record=record),
            # Under require-reviewed-plan every plan is kept on the PR, changes or not, so it can be reconciled.
            worth_reporting=report.worth_reporting or inputs.require_reviewed_plan,
        )
    # Policy warnings have their own section in the comment and the summary.
    warnings: List[Problem] = [problem for problem in report.problems
                               if not problem.is_error and not is_policy_rule(problem.rule)]
    kept = (review_note("NOTE", f"Pull request #{lookup.change_request}'s comment still says it was reconciled: "
                                "this refusal is reported in this job only.", [])
            if lookup is not None and lookup.reconciled and verdict is not None and verdict.refused else None)
    preamble = "\n\n".join(block for block in (_review_summary(verdict), kept, problems_table(warnings)) if block)
    return Outcome(
        failed=failed,
        annotations=tuple(annotations),
        log_lines=tuple([render_plan(report, colour=False)] + _review_lines(verdict)),
        comment=comment,
        summary=render_summary(report, info=facts.footer, preamble=preamble or None),
        report=report,
        # The drift issue is a scheduled run's: a change request reports in its comment.
        drift_issue=(drift_issue_plan(report, inputs.comment_key, facts.footer)
                     if inputs.drift_issue and not (facts.change_request or facts.merge_queue) else None),
    )


def queue_outcome(
    inputs: ActionInputs, facts: HostFacts, report: RunReport, lookup: Optional[ReviewLookup],
    verdict: Optional[ReviewVerdict],
) -> Outcome:
    """A merge queue's check of its head commit: the preview, and (with ``require-reviewed-plan``)
    whether its plan is the one reviewed on the queued pull request.

    A plan that is not stops the entry (the check fails, so the queue drops it before anything
    merges); the pull request's comment says so and keeps the reviewed record as it was, so the
    entry is stopped again until a new preview records a new plan. A plan that is leaves the
    comment alone. No plan (no lookup, or the run ended before planning) stops nothing by itself.
    """
    planned = run_outcome(inputs, facts, report)
    if lookup is None or verdict is None:
        return replace(planned, comment=None)
    planned = replace(planned, log_lines=planned.log_lines + tuple(_review_lines(verdict)))
    warnings = problems_table([problem for problem in report.problems if not problem.is_error])
    if not verdict.refused:
        note = review_note("NOTE", f"Merge queue: {verdict.why}.", [])
        return replace(planned, comment=None, summary=render_summary(
            report, info=facts.footer, preamble="\n\n".join(block for block in (note, warnings) if block)))
    stopped = ("the plan changed since the review" if verdict.state == DIFFERS else "no reviewed plan")
    note = review_note("CAUTION", f"Merge queue entry stopped: {verdict.why}. Nothing merges until the plan "
                                  "is reviewed again.", verdict.differences + list(verdict.fix))
    lead = review_note("CAUTION", f"{verdict.why}. The merge queue dropped this pull request's entry{_at(facts)}; "
                                  "nothing was merged or applied.", verdict.differences)
    lead += _run_link(facts)
    # When GitHub could not be asked, what the comment holds is unknown: it is left as it is.
    comment = None if verdict.state == UNKNOWN else CommentPlan(render_comment(
        report, comment_key=inputs.comment_key, info=facts.footer,
        record=reviewed_record(lookup.reviewed) if lookup.reviewed is not None else "",
        title=f"merge queue entry stopped: {stopped}", lead=lead,
    ), worth_reporting=True)
    annotation = Annotation("error", f"Merge queue entry stopped: {verdict.why}. Nothing was merged or applied.",
                            title=f"{TITLE}: not the reviewed plan")
    return replace(planned, failed=True, annotations=(annotation,) + planned.annotations, comment=comment,
                   summary=render_summary(report, info=facts.footer,
                                          preamble="\n\n".join(block for block in (note, warnings) if block)))


def queue_without_plan(outcome: Outcome) -> Outcome:
    """A merge queue's check under ``require-reviewed-plan`` that could make no plan (no sdk-token):
    nothing shows the entry is the reviewed plan, so it is stopped."""
    stop = Annotation("error", "Merge queue entry stopped: no plan could be made to compare with the reviewed one "
                               "(this job has no sdk-token).", title=f"{TITLE}: not the reviewed plan")
    return replace(outcome, failed=True, annotations=(stop,) + outcome.annotations)
