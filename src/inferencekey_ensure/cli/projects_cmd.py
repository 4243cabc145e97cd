"""``ik-ensure projects [--json] [PATHS]``: the projects the spec files declare.

``--json`` prints one JSON array on one line, ready for a workflow's
``strategy.matrix`` through ``fromJSON``; an ``inferencekey/`` folder with no spec
yet lists none (``[]``). Exit codes: 0 listed, 1 invalid specs or a workload with
no project, 64 usage (a missing path; ``cli/exit_codes.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "projects", help="list the projects the spec files declare (a CI matrix)",
        description="List the projects the spec files declare, resolved as plan resolves them.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATHS",
                        help=f"spec files, folders or globs (default: {DEFAULT_SPEC_DIR}/)")
    parser.add_argument("--project", help="project for specs that name none "
                        "(default: INFERENCEKEY_PROJECT, else the config's `project`)")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="repository config (default: .ik-ensure.yaml here or in the nearest folder "
                        "above, up to the repository root)")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON array on one line (for fromJSON in a workflow matrix)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from inferencekey_ensure.domain.secrets import redact_text
    from inferencekey_ensure.domain.spec import fallback_project
    from inferencekey_ensure.engine.projects import declared_projects, no_project
    from inferencekey_ensure.loading.errors import NoSpecFiles, UsageError
    from inferencekey_ensure.report.validation_text import printable, problem_line
    from inferencekey_ensure.specset.config import load_config
    from inferencekey_ensure.specset.load import LoadResult, load_workloads

    try:
        loaded = load_workloads(list(args.paths), config=load_config(args.config),
                                fallback=fallback_project(args.project, os.environ))
    except UsageError as error:
        if not args.paths and isinstance(error, NoSpecFiles):
            # The default folder exists but holds no spec yet (right after `init`): no matrix legs.
            loaded = LoadResult()
        else:
            print(f"ik-ensure projects: error: {redact_text(str(error))}", file=sys.stderr)
            return exit_codes.USAGE
    for problem in loaded.problems:
        print(problem_line(problem), file=sys.stderr)
    if not loaded.ok:
        return exit_codes.FAILURE
    found = declared_projects(loaded.workloads, args.project, os.environ, loaded.config.project)
    if found.unresolved:
        for declared in found.unresolved:
            print(printable(redact_text(f"error: {no_project(declared)}")), file=sys.stderr)
        print(f"  fix: {found.fix}", file=sys.stderr)
        return exit_codes.FAILURE
    if args.json:
        print(json.dumps(found.projects, ensure_ascii=False))
    else:
        for project in found.projects:
            print(printable(project))
    return exit_codes.OK
