"""``ik-ensure init``: add the CI workflows, the pre-commit hook and ``inferencekey/``.

Exit codes: 0 set up (or already set up: nothing changed), 1 the existing specs or
pre-commit config could not be read safely, or a spec names no project (the
workflows would have no job for it; nothing is written), 64 usage (not a git
repository root).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Optional

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR

DEFAULT_BRANCH = "main"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "init", help=f"add the preview/reconcile/drift workflows, the pre-commit hook and {DEFAULT_SPEC_DIR}/",
        description="Set a repository up for InferenceKey specs: .github/workflows/ (preview on "
        "pull requests, reconcile on push to the default branch, a nightly drift check kept in an "
        "issue), the inferencekey-validate "
        f"pre-commit hook and the {DEFAULT_SPEC_DIR}/ folder. Never overwrites anything.",
    )
    parser.add_argument("--dir", default=".", help="the repository root (default: the current folder)")
    parser.add_argument("--branch", help="the default branch reconcile runs on "
                        "(default: origin's HEAD, else the checked-out branch, else main)")
    parser.add_argument("--matrix", action="store_true",
                        help="one job per project even if the specs name only one so far")
    parser.set_defaults(func=run)


def _git_branch(root: Path) -> Optional[str]:
    """origin's default branch, else the checked-out one; None outside git or on a detached HEAD."""
    for ref, strip in (("refs/remotes/origin/HEAD", "origin/"), ("HEAD", "")):
        try:
            found = subprocess.run(["git", "-C", str(root), "symbolic-ref", "--quiet", "--short", ref],
                                   capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        name = found.stdout.strip()
        if found.returncode == 0 and name:
            return name[len(strip):] if strip and name.startswith(strip) else name
    return None


def _read(path: Path) -> Optional[str]:
    """The text with its line endings as they are (a CRLF file stays CRLF)."""
    if not path.is_file():
        return None
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def run(args: argparse.Namespace) -> int:
    from inferencekey_ensure.domain.secrets import redact_text
    from inferencekey_ensure.engine.projects import declared_projects, no_project
    from inferencekey_ensure.loading.errors import UsageError
    from inferencekey_ensure.onboarding.file_writes import PendingFile, write_files
    from inferencekey_ensure.onboarding.precommit_config import ConfigEditError
    from inferencekey_ensure.onboarding.scaffold import (
        PRE_COMMIT_CONFIG,
        SPEC_DIR,
        RepositoryState,
        plan_scaffold,
    )
    from inferencekey_ensure.onboarding.workflow_templates import DRIFT_FILE, PREVIEW_FILE, RECONCILE_FILE, WORKFLOW_DIR
    from inferencekey_ensure.report.validation_text import printable, problem_line
    from inferencekey_ensure.specset.load import load_workloads

    root = Path(args.dir)
    if not (root / ".git").exists():
        print(f"ik-ensure init: error: {printable(str(root))} is not the root of a git repository "
              "(run it there, or pass --dir)", file=sys.stderr)
        return exit_codes.USAGE
    projects: List[str] = []
    if (root / SPEC_DIR).is_dir():
        try:
            loaded = load_workloads([str(root / SPEC_DIR)])
        except UsageError:  # no spec files yet: nothing to read projects from
            loaded = None
        if loaded is not None and not loaded.ok:
            for problem in loaded.problems:
                print(problem_line(problem), file=sys.stderr)
            print("ik-ensure init: error: fix the spec files first (init reads their projects); "
                  "nothing was written", file=sys.stderr)
            return exit_codes.FAILURE
        if loaded is not None:
            # As the workflow's projects job will resolve them: no --project, no environment.
            declared = declared_projects(loaded.workloads, None, {})
            if declared.unresolved:
                for workload in declared.unresolved:
                    print(no_project(workload), file=sys.stderr)
                print("ik-ensure init: error: set `project` in the spec or at the top of its file: the "
                      "workflows init writes resolve projects from the specs alone (no --project, no "
                      "INFERENCEKEY_PROJECT), so these workloads would belong to no job; nothing was written",
                      file=sys.stderr)
                return exit_codes.FAILURE
            projects = declared.projects
    try:
        pre_commit_text = _read(root / PRE_COMMIT_CONFIG)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"ik-ensure init: error: {PRE_COMMIT_CONFIG}: {exc}; nothing was written", file=sys.stderr)
        return exit_codes.FAILURE
    candidates = [WORKFLOW_DIR / PREVIEW_FILE, WORKFLOW_DIR / RECONCILE_FILE, WORKFLOW_DIR / DRIFT_FILE]
    state = RepositoryState(
        existing=[path for path in candidates if (root / path).exists()],
        pre_commit_text=pre_commit_text,
        spec_dir_exists=(root / SPEC_DIR).exists(),
        projects=projects,
        branch=args.branch or _git_branch(root) or DEFAULT_BRANCH,
    )
    try:
        scaffold = plan_scaffold(state, matrix=args.matrix)
    except ConfigEditError as exc:
        print(f"ik-ensure init: error: {PRE_COMMIT_CONFIG}: {redact_text(str(exc))}", file=sys.stderr)
        return exit_codes.FAILURE
    outcome = write_files([PendingFile(root / f.path, f.text) for f in scaffold.create])
    for path in outcome.written:
        print(f"created {printable(os.path.relpath(path, root))}")
    if scaffold.pre_commit_text is not None:
        # open(): Path.write_text takes no newline before Python 3.10; the file's own line endings are kept.
        with open(root / PRE_COMMIT_CONFIG, "w", encoding="utf-8", newline="") as handle:
            handle.write(scaffold.pre_commit_text)
        print(f"added the inferencekey-validate hook to {PRE_COMMIT_CONFIG}")
    for reason in scaffold.kept:
        print(f"left alone {printable(reason)}")
    for path in outcome.left_alone:
        print(f"left alone {printable(os.path.relpath(path, root))}: it exists")
    if not outcome.written and scaffold.pre_commit_text is None:
        print("nothing to do: this repository is already set up")
    elif scaffold.matrix:
        print(f"the workflows run one job per project ({', '.join(projects) or 'none yet'}); "
              "give each project an environment inferencekey-<project> (INFERENCEKEY_SDK_TOKEN) "
              "and inferencekey-preview-<project> (INFERENCEKEY_SDK_READ_TOKEN)")
    else:
        print("next: add the secret INFERENCEKEY_SDK_READ_TOKEN (read-only) to the repository and "
              "INFERENCEKEY_SDK_TOKEN to a protected environment named inferencekey")
    return exit_codes.OK
