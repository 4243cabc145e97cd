"""``ik-ensure import --project P``: write a spec file for each live workload.

Exit codes: 0 imported (files left alone are reported, not failures), 1 the
platform could not be read, a ``--slug`` names no workload, or an imported file
does not validate; 64 usage (``cli/exit_codes.py``). Nothing is written before the listing succeeded.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR

DEFAULT_OUT = DEFAULT_SPEC_DIR


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import", help="write spec files for the workloads a project already runs",
        description="Read the live workloads of a project and write one spec file per workload "
        "(DIR/<slug>.yaml) that plan finds nothing to change in. Sends only GET requests.",
    )
    parser.add_argument("--project", required=True, help="the project to read")
    parser.add_argument("--out", default=DEFAULT_OUT, metavar="DIR",
                        help=f"folder for the spec files (default: {DEFAULT_OUT}/)")
    parser.add_argument("--slug", action="append", default=[], metavar="S",
                        help="import only this workload (repeatable; default: all)")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument("--base-url", help="control plane URL (default: INFERENCEKEY_BASE_URL, "
                        "else https://api.inferencekey.com)")
    parser.add_argument("--local", action="store_true",
                        help="read the in-process local control plane (.inferencekey/local-state.json); "
                        "no token, no network")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from inferencekey_ensure.cli.connection import connector
    from inferencekey_ensure.controlplane.settings import TOKEN_ENV
    from inferencekey_ensure.domain.secrets import redact_text
    from inferencekey_ensure.emulator import LOCAL_STATE_PATH
    from inferencekey_ensure.onboarding.file_writes import write_files
    from inferencekey_ensure.onboarding.import_plan import plan_import
    from inferencekey_ensure.onboarding.live_source import LiveReadError, read_live_workloads
    from inferencekey_ensure.onboarding.spec_files import select_slugs
    from inferencekey_ensure.report.validation_text import printable, problem_line
    from inferencekey_ensure.specset.load import load_workloads

    def emit(line: str, stream: Any = sys.stderr) -> None:
        print(printable(redact_text(line, [os.environ.get(TOKEN_ENV)])), file=stream)

    if args.local and args.base_url:
        emit("ik-ensure import: error: --local and --base-url exclude each other")
        return exit_codes.USAGE
    project = args.project.strip()
    if not project:
        emit("ik-ensure import: error: --project must not be blank")
        return exit_codes.USAGE
    local_state = Path(LOCAL_STATE_PATH) if args.local else None
    try:
        live = read_live_workloads(project, connector(args.base_url, os.environ, local_state))
    except LiveReadError as error:
        emit(f"ik-ensure import: error: project {project}: {error.message}")
        if error.fix:
            emit(f"  fix: {error.fix}")
        return exit_codes.FAILURE
    selected, missing = select_slugs(live, args.slug)
    if missing:
        for slug in missing:
            emit(f'ik-ensure import: error: project {project} has no workload with slug "{slug}"')
        return exit_codes.FAILURE
    plan = plan_import(selected, project, Path(args.out))
    outcome = write_files(plan.files, force=args.force)
    for path in outcome.written:
        emit(f"wrote {path}", sys.stdout)
        for note in plan.notes[path]:
            emit(f"warning: {path}: {note}")
    for path in outcome.left_alone:
        emit(f"left alone {path}: it exists (--force overwrites it)", sys.stdout)
    for reason in plan.refused:
        emit(f"ik-ensure import: error: {reason}")
    if not selected:
        emit(f"project {project} has no workloads: nothing to import", sys.stdout)
    if not outcome.written:
        return exit_codes.FAILURE if plan.refused else exit_codes.OK
    # Check what was written with the validator a commit runs: a live value the
    # schema refuses must surface now, located, not on the first plan.
    checked = load_workloads([str(path) for path in outcome.written])
    for problem in checked.problems:
        emit(problem_line(problem))
    failed = bool(plan.refused) or not checked.ok or bool(plan.incomplete.intersection(outcome.written))
    return exit_codes.FAILURE if failed else exit_codes.OK
