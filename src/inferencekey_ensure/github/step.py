"""The GitHub adapter of the action's flow: the runner's files, the log's workflow
commands, the pull-request comment and the commit-to-PR lookup.

It decides nothing about the run (``flow.decide`` does); it turns GitHub's context
into ``HostFacts``, and an ``Outcome`` into requests, lines and files. GitHub API
trouble only ever warns: the job's result is the plan's, except that a reconcile
under ``require-reviewed-plan`` that cannot read the reviewed plan applies nothing.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, Mapping, Optional, Sequence

from inferencekey_ensure import __version__
from inferencekey_ensure.engine.events import RunEvent
from inferencekey_ensure.flow.annotations import TITLE, Annotation
from inferencekey_ensure.flow.changed_projects import ChangedFiles
from inferencekey_ensure.flow.decide import CommentPlan, HostFacts, Outcome
from inferencekey_ensure.flow.drift_issue import DriftIssuePlan
from inferencekey_ensure.flow.inputs import ActionInputs
from inferencekey_ensure.flow.outputs import fit_plan_output
from inferencekey_ensure.flow.review import ReviewLookup, is_reconciled, read_record
from inferencekey_ensure.flow.sticky import COMMENT_NEVER
from inferencekey_ensure.github.base_commit import base_projects
from inferencekey_ensure.github.commands import prioritised
from inferencekey_ensure.github.comment_sync import find_our_comment, sync_comment
from inferencekey_ensure.github.comments_api import PERMISSION, CommentsApi, GitHubApiError, PullRequestRef
from inferencekey_ensure.github.context import GitHubContext
from inferencekey_ensure.github.drift_issue_sync import sync_drift_issue
from inferencekey_ensure.github.log import WorkflowLog
from inferencekey_ensure.github.outputs import append_summary, write_outputs, write_plan_file
from inferencekey_ensure.report.markdown import comment_marker
from inferencekey_ensure.report.markdown_sections import Footer

PERMISSIONS_NEEDED = ("The job's token may not read the pull request, which a re-run cannot change: "
                      "give the reconcile job these permissions (it lists the commit's pull requests, "
                      "reads our comment and reports back on it)")


PERMISSIONS_FIX = "permissions:\n  contents: read\n  pull-requests: write"


def comment_failure(error: GitHubApiError) -> Annotation:
    """The warning for a pull-request comment that could not be written; the run's result stands."""
    if error.kind == PERMISSION:
        message = (
            f"Could not write the pull-request comment ({error}). The job's token needs permission to "
            f"comment on pull requests; add this to the job (or workflow):\n{PERMISSIONS_FIX}\n"
            "The plan above and the job summary are complete; only the comment is missing."
        )
    else:
        message = (
            f"Could not write the pull-request comment: {error}. The plan above and the job summary "
            "are complete; the next run will bring the comment up to date."
        )
    return Annotation(kind="warning", message=message, title=f"{TITLE}: no PR comment")


ISSUE_PERMISSIONS_FIX = "permissions:\n  contents: read\n  issues: write"


def issue_failure(error: GitHubApiError) -> Annotation:
    """The warning for a drift issue that could not be kept; the run's result stands."""
    if error.kind == PERMISSION:
        message = (f"Could not keep the drift issue ({error}). The job's token needs permission to open and "
                   f"edit issues; add this to the job (or workflow):\n{ISSUE_PERMISSIONS_FIX}")
    else:
        message = f"Could not keep the drift issue: {error}. The next run will bring it up to date."
    return Annotation(kind="warning", message=message, title=f"{TITLE}: no drift issue")


def source_pull_request(pulls: Sequence[PullRequestRef], sha: str) -> Optional[int]:
    """The merged PR whose merge, squash or rebase produced ``sha``; else the latest merged PR
    holding it; None when the commit came from no merged PR (a direct push).

    An open PR that merely contains the commit does not count: nothing was merged
    through it, so its preview was not the review of what was pushed.
    """
    merged = [pull for pull in pulls if pull.merged]
    exact = [pull for pull in merged if pull.merge_commit_sha and pull.merge_commit_sha == sha]
    chosen = exact or sorted(merged, key=lambda pull: pull.number, reverse=True)
    return chosen[0].number if chosen else None


class GitHubStep:
    """One action run on GitHub: the log, the runner's files, the API; the ``Host`` of ``flow.sequence``."""

    def __init__(self, env: Mapping[str, str], log: WorkflowLog, inputs: ActionInputs, context: GitHubContext) -> None:
        self.env = env
        self.log = log
        self.inputs = inputs
        self.context = context
        self.facts = HostFacts(
            change_request=context.is_pull_request,
            from_fork=context.from_fork,
            footer=Footer(__version__, context.short_sha, context.commit_url, context.run_url),
            workspace=env.get("GITHUB_WORKSPACE"),
            cwd=os.getcwd(),
            merge_queue=context.is_merge_group,
        )
        # The PR a reconcile reports to: the one its commit came from (found by ``find_review``).
        self._source_pr: Optional[int] = None
        # The SARIF file of this run's validation, once written (the ``sarif-file`` output).
        self.sarif_file: Optional[str] = None

    def plain(self, line: str) -> None:
        self.log.plain(line)

    def event(self, event: RunEvent) -> None:
        self.log.event(event)

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        with self.log.group(title):
            yield

    def _api(self) -> CommentsApi:
        return CommentsApi(self.context.api_url, self.inputs.github_token or "", self.context.repository,
                           graphql_url=self.context.graphql_url)

    def find_review(self) -> ReviewLookup:
        """The merged PR this commit came from (in a merge queue: the queued PR) and the plan our
        comment there keeps. Never raises."""
        if not self.inputs.github_token:
            return ReviewLookup(error="this job has no github-token to read the pull request with",
                                fix="Set the action's `github-token` input (its default, the job's "
                                    "`${{ github.token }}`, will do)")
        with self.log.group("Reviewed plan"):
            try:
                with self._api() as api:
                    number = (self.context.pr_number if self.context.is_merge_group
                              else source_pull_request(api.pulls_for_commit(self.context.sha), self.context.sha))
                    if number is None and self.context.is_merge_group:
                        return ReviewLookup(error="the merge group's head_ref names no pull request",
                                            fix="Check that the workflow runs on `merge_group` events")
                    if number is None:
                        self.log.plain(f"commit {self.context.short_sha} came from no merged pull request")
                        return ReviewLookup()
                    ours = find_our_comment(api, number, comment_marker(self.inputs.comment_key))
            except Exception as error:  # noqa: BLE001 - GitHub trouble is reported, never a traceback
                message = str(error) if isinstance(error, GitHubApiError) else f"{type(error).__name__}: {error}"
                self.log.plain(f"could not read the reviewed plan: {self.log.redact(message)}")
                if isinstance(error, GitHubApiError) and error.kind == PERMISSION:
                    # A re-run cannot grant a permission: say which block the job needs.
                    return ReviewLookup(error=self.log.redact(message), fix=PERMISSIONS_NEEDED,
                                        fix_lines=tuple(PERMISSIONS_FIX.splitlines()))
                return ReviewLookup(error=self.log.redact(message))
            self._source_pr = number
            reviewed = read_record(ours.body) if ours is not None else None
            self.log.plain(f"pull request #{number}: " + (f"reviewed plan {reviewed.digest}" if reviewed
                                                           else "no reviewed plan in our comment"))
            return ReviewLookup(change_request=number, reviewed=reviewed,
                                reconciled=ours is not None and is_reconciled(ours.body))

    def changed_files(self) -> Optional[ChangedFiles]:
        """The PR's changed files; None (so every project counts as changed) when GitHub cannot say."""
        number = self.context.pr_number
        if number is None or not self.inputs.github_token:
            self.log.plain("changed-projects: no github-token to list the pull request's files; every project counts")
            return None
        try:
            with self._api() as api:
                files = api.pull_request_files(number)
        except Exception as error:  # noqa: BLE001 - GitHub trouble widens the answer, never fails the job
            message = str(error) if isinstance(error, GitHubApiError) else f"{type(error).__name__}: {error}"
            self.log.plain(f"changed-projects: could not list the pull request's files ({self.log.redact(message)}); "
                           "every project counts (the job needs `pull-requests: read`)")
            return None
        self.log.plain(f"changed-projects: pull request #{number} changes {len(files.files)} file(s)"
                       + ("" if files.complete else ", GitHub's limit: every project counts"))
        return files

    def base_projects(self, path: str, fallback: Optional[str]) -> Optional[FrozenSet[str]]:
        """What ``path`` declared in the PR's base commit; None when the checkout does not hold it."""
        found = base_projects(self.env.get("GITHUB_WORKSPACE") or os.getcwd(), self.context.base_sha, path, fallback)
        if found is None:
            self.log.plain(f"changed-projects: {path} cannot be read in the base commit (a shallow checkout?); "
                           "every project counts")
        return found

    def comment_target(self) -> Optional[int]:
        """The PR to comment on: this run's PR, or the one a reconciled commit came from."""
        if self.context.is_pull_request:
            return self.context.pr_number
        return self._source_pr

    def carry_out(self, outcome: Outcome) -> None:
        """Annotations, then the comment, then the job summary and the outputs."""
        shown, hidden = prioritised(outcome.annotations)
        for annotation in shown:
            self.log.annotate(annotation)
        if hidden:
            self.log.plain(f"{hidden} more annotation(s) not shown by GitHub; the job summary lists everything.")
        comment_url = self._comment(outcome.comment) if outcome.comment is not None else None
        issue_url = self._drift_issue(outcome.drift_issue) if outcome.drift_issue is not None else None
        self.finish(outcome.summary, outcome.outputs(comment_url, issue_url))

    def finish(self, summary: Optional[str], outputs: Dict[str, str]) -> None:
        outputs = {**outputs, "sarif-file": self.sarif_file or ""}
        summary_path = self.env.get("GITHUB_STEP_SUMMARY")
        if summary_path and summary:
            append_summary(Path(summary_path), self.log.redact(summary))
        output_path = self.env.get("GITHUB_OUTPUT")
        if output_path:
            redacted = {name: self.log.redact(value) for name, value in outputs.items()}
            if redacted.get("plan"):
                redacted = fit_plan_output(redacted, write_plan_file(self.env.get("RUNNER_TEMP"), redacted["plan"]))
            write_outputs(Path(output_path), redacted)

    def _drift_issue(self, plan: DriftIssuePlan) -> Optional[str]:
        """Bring the drift issue up to date with ``plan``; its URL, or None. Never raises."""
        if not self.inputs.github_token:
            self.log.annotate(Annotation("warning", "No github-token: the drift issue was not kept.",
                                         title=f"{TITLE}: no drift issue"))
            return None
        with self.log.group("Drift issue"):
            try:
                with self._api() as api:
                    redacted = replace(plan, title=self.log.redact(plan.title), body=self.log.redact(plan.body),
                                       close_comment=self.log.redact(plan.close_comment))
                    result = sync_drift_issue(api, redacted, self.inputs.github_token)
            except Exception as error:  # noqa: BLE001 - GitHub trouble warns, never fails the job
                failure = error if isinstance(error, GitHubApiError) else GitHubApiError(
                    f"{type(error).__name__}: {error}", kind="client")
                self.log.annotate(issue_failure(failure))
                return None
            self.log.plain(f"drift issue: {result.outcome}: {result.reason} {result.url or ''}".rstrip())
        return result.url

    def _comment(self, plan: CommentPlan) -> Optional[str]:
        """Bring the sticky comment up to date with ``plan``; the URL, or None. Never raises."""
        number, inputs = self.comment_target(), self.inputs
        if number is None or inputs.comment == COMMENT_NEVER:
            return None
        if not inputs.github_token:
            self.log.annotate(Annotation("warning", "No github-token: the pull-request comment was skipped.",
                                         title=f"{TITLE}: no PR comment"))
            return None
        with self.log.group("Pull-request comment"):
            try:
                with self._api() as api:
                    result = sync_comment(api, number, comment_marker(inputs.comment_key),
                                          self.log.redact(plan.body), inputs.comment, plan.worth_reporting)
            except GitHubApiError as error:
                self.log.annotate(comment_failure(error))
                return None
            except Exception as error:  # noqa: BLE001 - GitHub trouble warns, never fails the job
                self.log.annotate(comment_failure(GitHubApiError(f"{type(error).__name__}: {error}", kind="client")))
                return None
            self.log.plain(f"comment {result.outcome}: {result.reason} {result.url or ''}".rstrip())
        return result.url
