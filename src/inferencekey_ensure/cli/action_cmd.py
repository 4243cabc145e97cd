"""``ik-ensure github-action``: what ``action.yml`` runs, a thin shell over the parts.

Order matters and is fixed: mask the tokens, read the inputs, validate, then
either explain why no preview can run (no token, a fork) or plan/apply; then the
PR comment, annotations, job summary and outputs. GitHub API trouble only ever
warns: the job's result is the plan's. Exit codes: 0 success, 1 invalid specs,
failed workloads, refused drift or (with ``fail-on-drift``) drift found, 2 an
unusable input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from inferencekey_ensure import __version__
from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.connection import connector
from inferencekey_ensure.controlplane.settings import TOKEN_ENV
from inferencekey_ensure.engine import PREVIEW, RunReport, RunRequest, run
from inferencekey_ensure.engine.projects import fallback_project
from inferencekey_ensure.github.annotations import comment_failure, run_annotations
from inferencekey_ensure.github.commands import Annotation, prioritised
from inferencekey_ensure.github.comment_sync import sync_comment
from inferencekey_ensure.github.comments_api import CommentsApi, GitHubApiError
from inferencekey_ensure.github.context import GitHubContext, context_from, read_event
from inferencekey_ensure.github.inputs import ActionInputs, InputError, env_name, read_inputs
from inferencekey_ensure.github.log import WorkflowLog
from inferencekey_ensure.github.outputs import action_outputs, append_summary, write_outputs
from inferencekey_ensure.github.sticky import NEVER
from inferencekey_ensure.loading.discovery import describe_paths
from inferencekey_ensure.loading.errors import UsageError
from inferencekey_ensure.specset.project_filter import only_declared
from inferencekey_ensure.specset.load import LoadResult, load_workloads
from inferencekey_ensure.specset.prune_scope import projects_of, prune_refusal
from inferencekey_ensure.report.markdown import comment_marker, render_comment, render_summary
from inferencekey_ensure.report.markdown_sections import Footer
from inferencekey_ensure.report.markdown_validation import (
    FORK,
    NO_TOKEN,
    problems_table,
    render_validation_comment,
    render_validation_summary,
)
from inferencekey_ensure.report.plan_text import render_plan
from inferencekey_ensure.report.validation_text import problem_line
from inferencekey_ensure.diagnostics.problem import Problem

TITLE = "ik-ensure"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "github-action",
        help="run as the GitHub Action (reads INPUT_* and GITHUB_* variables)",
        description="The entry point of the GitHub Action: inputs come from INPUT_* environment "
        "variables (set by action.yml), the run's context from GITHUB_* variables.",
    )
    parser.set_defaults(func=run_action)


class _Step:
    """One action run: the log, the runner's files, and where the specs live."""

    def __init__(self, env: Mapping[str, str], log: WorkflowLog, inputs: ActionInputs, context: GitHubContext) -> None:
        self.env = env
        self.log = log
        self.inputs = inputs
        self.context = context
        self.cwd = os.getcwd()
        self.footer = Footer(__version__, context.short_sha, context.commit_url, context.run_url)

    def annotate(self, problems: List[Problem], report: Optional[RunReport]) -> None:
        shown, hidden = prioritised(run_annotations(problems, report, self.env.get("GITHUB_WORKSPACE"), self.cwd))
        for annotation in shown:
            self.log.annotate(annotation)
        if hidden:
            self.log.plain(f"{hidden} more annotation(s) not shown by GitHub; the job summary lists everything.")

    def finish(self, summary: Optional[str], outputs: Dict[str, str]) -> None:
        summary_path = self.env.get("GITHUB_STEP_SUMMARY")
        if summary_path and summary:
            append_summary(Path(summary_path), self.log.redact(summary))
        output_path = self.env.get("GITHUB_OUTPUT")
        if output_path:
            write_outputs(Path(output_path), {name: self.log.redact(value) for name, value in outputs.items()})

    def validate(self) -> LoadResult:
        with self.log.group("Validate specs"):
            loaded = load_workloads(list(self.inputs.specs))
            if self.inputs.only_projects:
                loaded = only_declared(loaded, self.inputs.only_projects,
                                       fallback_project(self.inputs.project, self.env))
            for problem in loaded.problems:
                self.log.plain(problem_line(problem))
            self.log.plain(f"{len(loaded.files)} spec file(s), {len(loaded.workloads)} workload(s)")
        return loaded

    def validation_only(self, loaded: LoadResult, reason: Optional[str]) -> int:
        self.annotate(loaded.problems, None)
        if reason is not None:
            why = "this job has no sdk-token" if reason == NO_TOKEN else "this pull request comes from a fork"
            self.log.annotate(Annotation(
                "notice", f"Specs validated; no preview ran because {why}. The job summary explains how to enable it.",
                title=f"{TITLE}: validate only",
            ))
        counts = (len(loaded.files), len(loaded.workloads))
        if reason is None:
            # Invalid specs on a PR that could be previewed: an earlier drift comment must not go stale.
            self.comment(render_validation_comment(loaded.problems, *counts, self.inputs.comment_key, self.footer),
                         worth_reporting=False)
        self.finish(render_validation_summary(loaded.problems, *counts, reason), action_outputs(None, None))
        return exit_codes.OK if loaded.ok else exit_codes.FAILURE

    def engine_env(self) -> Dict[str, str]:
        engine_env = dict(self.env)
        engine_env[TOKEN_ENV] = self.inputs.sdk_token or ""
        return engine_env

    def request(self) -> RunRequest:
        return RunRequest(
            mode=self.inputs.mode,
            on_drift=self.inputs.on_drift,
            prune=self.inputs.prune,
            prune_limit=self.inputs.prune_limit,
            project=self.inputs.project,
            env=self.engine_env(),
            wait=self.inputs.wait,
            wait_timeout_s=self.inputs.wait_timeout_s,
            on_event=self.log.event,
        )

    def comment(self, body: str, worth_reporting: bool) -> Optional[str]:
        """Bring the sticky comment up to date with ``body``; the URL, or None. Never raises."""
        context, inputs = self.context, self.inputs
        if not context.is_pull_request or inputs.comment == NEVER or context.pr_number is None:
            return None
        if not inputs.github_token:
            self.log.annotate(Annotation("warning", "No github-token: the pull-request comment was skipped.", title=f"{TITLE}: no PR comment"))
            return None
        with self.log.group("Pull-request comment"):
            try:
                with CommentsApi(context.api_url, inputs.github_token, context.repository,
                                graphql_url=context.graphql_url) as api:
                    result = sync_comment(api, context.pr_number, comment_marker(inputs.comment_key),
                                          self.log.redact(body), inputs.comment, worth_reporting)
            except GitHubApiError as error:
                self.log.annotate(comment_failure(error))
                return None
            except Exception as error:  # noqa: BLE001 - GitHub trouble warns, never fails the job
                self.log.annotate(comment_failure(GitHubApiError(f"{type(error).__name__}: {error}", kind="client")))
                return None
            self.log.plain(f"comment {result.outcome}: {result.reason} {result.url or ''}".rstrip())
        return result.url

    def plan(self, loaded: LoadResult) -> int:
        """Plans (or applies) the specs ``validate`` already loaded: they are not read twice."""
        with self.log.group(f"ik-ensure {self.inputs.mode}"):
            report = run(self.request(), loaded, connector(self.inputs.base_url, self.engine_env(), None))
            self.log.plain(render_plan(report, colour=False))
        self.annotate(report.problems, report)
        comment_url = self.comment(render_comment(report, comment_key=self.inputs.comment_key, info=self.footer),
                                   report.worth_reporting)
        warnings = [problem for problem in report.problems if not problem.is_error]
        summary = render_summary(report, info=self.footer, preamble=problems_table(warnings) or None)
        self.finish(summary, action_outputs(report, comment_url))
        if not report.succeeded:
            return exit_codes.FAILURE
        if self.inputs.fail_on_drift and self.inputs.mode == PREVIEW and report.drift_found:
            self.log.annotate(Annotation(
                "error", "Drift found and fail-on-drift is set: the platform does not match the specs (see the job summary).",
                title=f"{TITLE}: drift",
            ))
            return exit_codes.FAILURE
        return exit_codes.OK


def prune_scope_refusal(inputs: ActionInputs, loaded: LoadResult, env: Mapping[str, str]) -> Optional[str]:
    """Input ``prune`` over spec files that are only part of the set (``specset/prune_scope.py``)."""
    if not inputs.prune:
        return None
    projects = projects_of(loaded.workloads, fallback_project(inputs.project, env))
    return prune_refusal(describe_paths(inputs.specs), None, "a folder in input `specs`, e.g. inferencekey/", projects,
                         "input `prune`")


def _preview_blocked(inputs: ActionInputs, context: GitHubContext) -> Optional[str]:
    """Why no preview may run here, or None. A fork's PR never gets one, token or not."""
    if context.is_pull_request and context.from_fork:
        return FORK
    if not inputs.sdk_token:
        return NO_TOKEN
    return None


def _run(env: Mapping[str, str], log: WorkflowLog) -> int:
    try:
        inputs = read_inputs(env)
    except InputError as error:
        log.annotate(Annotation("error", str(error), title=f"{TITLE}: bad input"))
        return exit_codes.USAGE
    if inputs.working_directory:
        if not os.path.isdir(inputs.working_directory):
            log.annotate(Annotation("error", f"input `working-directory` is not a folder: {inputs.working_directory}", title=f"{TITLE}: bad input"))
            return exit_codes.USAGE
        os.chdir(inputs.working_directory)
    step = _Step(env, log, inputs, context_from(env, read_event(env)))
    try:
        loaded = step.validate()
        refusal = prune_scope_refusal(inputs, loaded, env)
        if refusal:
            log.annotate(Annotation("error", refusal, title=f"{TITLE}: prune refused"))
            step.finish(None, action_outputs(None, None))
            return exit_codes.USAGE
        blocked = _preview_blocked(inputs, step.context)
        if blocked is not None or not loaded.ok:
            return step.validation_only(loaded, blocked)
        return step.plan(loaded)
    except UsageError as error:
        log.annotate(Annotation("error", f"input `specs`: {error}", title=f"{TITLE}: bad input"))
        step.finish(None, action_outputs(None, None))
        return exit_codes.USAGE


def run_action(_args: argparse.Namespace) -> int:
    env = dict(os.environ)
    log = WorkflowLog(sys.stdout)
    # Before anything else can print: every way a token can arrive is masked.
    for name in (env_name("sdk-token"), env_name("github-token"), TOKEN_ENV):
        if env.get(name, "").strip():
            log.mask(env[name].strip())
    try:
        return _run(env, log)
    except Exception as error:  # noqa: BLE001 - one redacted line, never a traceback
        log.annotate(Annotation("error", f"internal error: {type(error).__name__}: {error}", title=TITLE))
        return exit_codes.FAILURE
