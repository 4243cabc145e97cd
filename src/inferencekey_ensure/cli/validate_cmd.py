"""``ik-ensure validate [PATHS...]``: check spec files, offline, at commit time.

Exit codes (``cli/exit_codes.py``): 0 valid (warnings allowed unless ``--strict``), 1
invalid; a run that could not check anything (a missing path, a bad flag) is a usage
error, raised as ``UsageError`` to the last-resort handler of ``cli/main.py``.
Everything beyond argument parsing is imported when the command runs, so other
subcommands do not pay for it and this one pays for nothing else.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, List, Optional, Tuple

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR

FORMATS = ("text", "json", "github", "sarif")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check spec files against the JSON Schema and the spec rules (offline)",
        description=(
            "Check InferenceKey workload spec files: every problem in every file, each as "
            "path:line:col: <json path>: <message>. No network, no token."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=f"spec files, folders (searched for *.yaml, *.yml, *.json) or globs; default: {DEFAULT_SPEC_DIR}/; "
        f"a named .ik-ensure.yaml is checked as the config, with {DEFAULT_SPEC_DIR}/ under it",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: github when GITHUB_ACTIONS=true, else text)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="repository config (default: .ik-ensure.yaml here or in the nearest folder "
                        "above, up to the repository root)")
    parser.add_argument("--project", default=None,
                        help="project for specs that name none, as plan takes it (default: "
                        "INFERENCEKEY_PROJECT, else `project` in the config)")
    parser.add_argument("--only-project", action="append", default=[], metavar="P",
                        help="check only the files holding specs of project P (repeatable)")
    parser.add_argument("--siblings", action="store_true",
                        help="also read the other spec files of each named file's spec root (its nearest folder "
                             "named inferencekey) and fail a slug the named files share with them, or a project "
                             "ceiling their workloads take over the limit with them; the pre-commit hook sets it, "
                             "since pre-commit names only the staged files")
    parser.set_defaults(func=run)


def _format(requested: Any) -> str:
    if requested:
        return str(requested)
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _repository_place() -> Tuple[str, str]:
    """The working directory relative to the repository root, and the root (``""``: not in a
    repository): SARIF names files from the root."""
    from pathlib import Path

    from inferencekey_ensure.loading.config_file import repository_root

    root = repository_root()
    here = Path.cwd().resolve()
    if root is None:
        return "", ""
    return ("" if root == here else here.relative_to(root).as_posix()), root.as_posix()


def _split_config(paths: List[str]) -> Tuple[Optional[str], List[str]]:
    """A named ``.ik-ensure.yaml`` (the hook passes a staged one) and the spec paths to check.

    A config is not a spec file: it is checked as the run's config, and since its policy
    governs every spec, the default spec folder is checked under it too (when there is one)."""
    from inferencekey_ensure.domain.repo_config import CONFIG_FILE

    configs = [path for path in paths if os.path.basename(path) == CONFIG_FILE]
    specs = [path for path in paths if os.path.basename(path) != CONFIG_FILE]
    if configs and os.path.isdir(DEFAULT_SPEC_DIR):
        specs.append(DEFAULT_SPEC_DIR)
    return (configs[-1] if configs else None), specs


def run(args: argparse.Namespace) -> int:
    from inferencekey_ensure.domain.spec import fallback_project
    from inferencekey_ensure.specset.config import load_config
    from inferencekey_ensure.specset.validate import ValidationRun, validate_paths

    explicit = fallback_project(args.project, os.environ)
    named_config, paths = _split_config(args.paths)
    config = load_config(args.config or named_config)
    if named_config is not None and not paths:
        result = ValidationRun(config=config.config, problems=list(config.problems))
    else:
        result = validate_paths(paths, config=config, fallback=explicit, warn_unresolved=True, siblings=args.siblings)
    if args.only_project:
        from inferencekey_ensure.specset.project_filter import only_found, requested_projects

        result = only_found(result, requested_projects(args.only_project), explicit or result.config.project)
    output_format = _format(args.format)
    if output_format == "json":
        from inferencekey_ensure.report.validation_json import render_json as render
    elif output_format == "sarif":
        from functools import partial

        from inferencekey_ensure.report.validation_sarif import render_sarif

        prefix, root = _repository_place()
        render = partial(render_sarif, uri_prefix=prefix, root=root)
    elif output_format == "github":
        from inferencekey_ensure.github.validation_report import render_github as render
    else:
        from inferencekey_ensure.report.validation_text import render_text as render
    sys.stdout.write(render(result, args.strict))
    sys.stdout.flush()
    failed = result.errors > 0 or (args.strict and result.warnings > 0)
    return exit_codes.FAILURE if failed else exit_codes.OK
