"""``ik-ensure plan`` (preview) and ``ik-ensure apply`` (reconcile).

Exit codes (``cli/exit_codes.py``). plan: 0 ok, 1 error; with ``--detailed-exitcode``
2 changes pending. apply: 0 every workload ok, 1 any failed or refused. Both: 64 usage
(bad flag, missing path). Every failure is one located or categorised message with the
token redacted, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping, Optional

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.argtypes import plan_digest_arg, positive_int, positive_seconds, usd_per_hour
from inferencekey_ensure.cli.connection import connector
from inferencekey_ensure.cli.progress import progress_printer
from inferencekey_ensure.controlplane.readiness import DEFAULT_WAIT_TIMEOUT_S
from inferencekey_ensure.controlplane.settings import TOKEN_ENV
from inferencekey_ensure.domain.fields import DEFAULT_ON_DRIFT, ON_DRIFT_VALUES
from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.emulator import LOCAL_STATE_PATH
from inferencekey_ensure.engine import PREVIEW, RECONCILE, RunReport, RunRequest, run
from inferencekey_ensure.engine.events import EventSink
from inferencekey_ensure.engine.request import DEFAULT_PARALLELISM, DEFAULT_PRUNE_LIMIT, RunMode
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR
from inferencekey_ensure.loading.errors import UsageError
from inferencekey_ensure.plan.digest import DigestCheck
from inferencekey_ensure.report.plan_json import report_to_json
from inferencekey_ensure.report.plan_text import drift_warnings, render_plan, use_colour
from inferencekey_ensure.report.validation_text import problem_line
from inferencekey_ensure.specset.config import load_config
from inferencekey_ensure.specset.prepare import Wording, prepare_run
from inferencekey_ensure.specset.project_filter import requested_projects

CLI_WORDING = Wording(only_project="--only-project", prune="--prune", spec_root=f"{DEFAULT_SPEC_DIR}/")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATHS",
                        help=f"spec files, folders or globs (default: {DEFAULT_SPEC_DIR}/)")
    parser.add_argument("--project", help="project for specs that name none "
                        "(spec and file `project` win; default: INFERENCEKEY_PROJECT, else the config's `project`)")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="repository config (default: .ik-ensure.yaml here or in the nearest folder "
                        "above, up to the repository root)")
    parser.add_argument("--base-url", help="control plane URL (default: INFERENCEKEY_BASE_URL, "
                        "else https://api.inferencekey.com)")
    parser.add_argument("--on-drift", choices=ON_DRIFT_VALUES, default=DEFAULT_ON_DRIFT,
                        help="what to do with drift when a spec sets no on_drift of its own "
                        "(default: reconcile)")
    parser.add_argument("--prune", action="store_true",
                        help="delete workloads no spec declares (only apply deletes); needs the "
                        f"whole spec root (default {DEFAULT_SPEC_DIR}/), never single files or a sub-folder")
    parser.add_argument("--prune-limit", type=positive_int, default=None,
                        metavar="N", help="with --prune: delete at most N workloads in one run, "
                        f"else refuse before any write (default {DEFAULT_PRUNE_LIMIT})")
    parser.add_argument("--json", action="store_true",
                        help="print the plan JSON document (format_version 1) instead of text")
    parser.add_argument("--only-project", action="append", default=[], metavar="P",
                        help="plan only the specs of project P (repeatable): nothing is requested "
                        "for the others")
    parser.add_argument("--max-spend-increase", type=usd_per_hour, default=None, metavar="USD",
                        help="fail when the plan raises the spend ceiling by more than USD an hour "
                        "(apply: refuse before any write); a workload added or changed to uncapped always does")
    parser.add_argument("--local", action="store_true",
                        help=f"use the in-process local control plane ({LOCAL_STATE_PATH}); "
                        "no token, no network")


def register(subparsers: Any) -> None:
    plan = subparsers.add_parser(
        "plan", help="preview what apply would change (sends no write)",
        description="Preview the drift between the spec files and the platform. "
        "Sends only GET requests.",
    )
    _add_common(plan)
    plan.add_argument("--detailed-exitcode", action="store_true",
                      help="exit 0 when nothing would change, 2 when changes are pending, 1 on error")
    plan.set_defaults(func=run_plan)

    apply = subparsers.add_parser(
        "apply", help="make the platform match the spec files",
        description="Create and update workloads so the platform matches the spec files.",
    )
    _add_common(apply)
    apply.add_argument("--wait", action="store_true",
                       help="wait until every created or updated workload is ready")
    apply.add_argument("--wait-timeout", type=positive_seconds, default=None, metavar="S",
                       help="with --wait: seconds to wait per workload (default 600)")
    apply.add_argument("--parallelism", type=positive_int, default=DEFAULT_PARALLELISM,
                       metavar="N", help=f"concurrent writes at most (default {DEFAULT_PARALLELISM})")
    apply.add_argument("--expect-digest", type=plan_digest_arg, default=None, metavar="D",
                       help="apply only if the plan's digest (plan --json: plan_digest) is D; "
                       "otherwise write nothing and exit 1")
    apply.set_defaults(func=run_apply)


def _request(args: argparse.Namespace, mode: RunMode, env: Mapping[str, str],
             on_event: EventSink, check: Optional[DigestCheck]) -> RunRequest:
    wait_timeout = getattr(args, "wait_timeout", None)
    request = RunRequest(
        mode=mode,
        on_drift=args.on_drift,
        prune=args.prune,
        prune_limit=args.prune_limit if args.prune_limit is not None else DEFAULT_PRUNE_LIMIT,
        project=args.project,
        env=env,
        wait=getattr(args, "wait", False),
        wait_timeout_s=wait_timeout if wait_timeout is not None else DEFAULT_WAIT_TIMEOUT_S,
        parallelism=getattr(args, "parallelism", DEFAULT_PARALLELISM),
        on_event=on_event,
        max_spend_increase=args.max_spend_increase,
    )
    return replace(request, may_write=check) if check is not None else request


def _usage_problem(args: argparse.Namespace) -> Optional[str]:
    if args.local and args.base_url:
        return "--local and --base-url exclude each other"
    if args.prune_limit is not None and not args.prune:
        return "--prune-limit needs --prune"
    if getattr(args, "wait_timeout", None) is not None and not args.wait:
        return "--wait-timeout needs --wait"
    return None


def _print_problems(report: RunReport) -> None:
    for problem in report.problems:
        print(problem_line(problem), file=sys.stderr)


def _emit(report: RunReport, as_json: bool, env: Mapping[str, str]) -> None:
    _print_problems(report)
    for warning in drift_warnings(report):
        print(warning, file=sys.stderr)
    if as_json:
        print(json.dumps(report_to_json(report), indent=2, ensure_ascii=False))
    elif report.workloads or report.errors or not report.problems:
        sys.stdout.write(render_plan(report, colour=use_colour(sys.stdout, env)))


def _execute(args: argparse.Namespace, mode: RunMode, check: Optional[DigestCheck] = None) -> Optional[RunReport]:
    """The report, or None after printing a usage error."""
    env = dict(os.environ)
    problem = _usage_problem(args)
    if problem:
        print(f"ik-ensure {args.command}: error: {problem}", file=sys.stderr)
        return None
    try:
        prepared = prepare_run(args.paths, project=args.project, env=env,
                               only_projects=requested_projects(args.only_project), prune=args.prune,
                               wording=CLI_WORDING, config=load_config(args.config))
    except UsageError as exc:
        print(f"ik-ensure {args.command}: error: {redact_text(str(exc))}", file=sys.stderr)
        return None
    if prepared.prune_refusal:
        print(f"ik-ensure {args.command}: error: {redact_text(prepared.prune_refusal)}", file=sys.stderr)
        return None
    specs = prepared.loaded
    local_state = Path(LOCAL_STATE_PATH) if args.local else None
    printer = progress_printer(sys.stderr, env, TOKEN_ENV)
    try:
        report = run(_request(args, mode, env, printer, check), specs,
                     connector(args.base_url, env, local_state))
    finally:
        printer.close()
    _emit(report, args.json, env)
    return report


def run_plan(args: argparse.Namespace) -> int:
    report = _execute(args, PREVIEW)
    if report is None:
        return exit_codes.USAGE
    if report.has_errors:
        return exit_codes.FAILURE
    if args.detailed_exitcode and report.summary()["changes"]:
        return exit_codes.CHANGES_PENDING
    return exit_codes.OK


def run_apply(args: argparse.Namespace) -> int:
    check = DigestCheck(args.expect_digest) if args.expect_digest else None
    report = _execute(args, RECONCILE, check)
    if report is None:
        return exit_codes.USAGE
    if check is not None and check.refused:
        print(f"ik-ensure apply: refused: the plan's digest is {check.digest}, not the expected "
              f"{check.expected}; nothing was written (run plan --json to see the plan "
              "now)", file=sys.stderr)
        return exit_codes.FAILURE
    return exit_codes.OK if report.succeeded else exit_codes.FAILURE


