"""``ik-ensure github-action``: what ``action.yml`` runs, a thin shell over the parts.

Mask the tokens, read the inputs, validate, then hand over to the host-neutral flow
(``flow.sequence``) with the GitHub adapter (``github.step``) as its host and the
control plane the settings name. Exit codes: 0 success, 1 invalid specs, failed
workloads, refused drift, a plan that is not the reviewed one (under
``require-reviewed-plan``) or (with ``fail-on-drift``) drift found, 64 an unusable input
(``cli/exit_codes.py``); anything unforeseen meets the last-resort handler of ``cli/main.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Mapping, Optional

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.cli.connection import connector
from inferencekey_ensure.controlplane.settings import TOKEN_ENV
from inferencekey_ensure.domain.spec import project_refusal
from inferencekey_ensure.engine.connector import Connector
from inferencekey_ensure.flow.annotations import TITLE, Annotation
from inferencekey_ensure.flow.inputs import ActionInputs
from inferencekey_ensure.flow.outputs import step_outputs
from inferencekey_ensure.flow.sequence import run_step
from inferencekey_ensure.github.context import context_from, read_event
from inferencekey_ensure.github.inputs import InputError, env_name, read_inputs
from inferencekey_ensure.github.log import WorkflowLog
from inferencekey_ensure.github.sarif_file import write_sarif
from inferencekey_ensure.github.step import GitHubStep
from inferencekey_ensure.loading.discovery import DEFAULT_SPEC_DIR, within
from inferencekey_ensure.loading.errors import ConfigNotFound, NoSpecFiles, UsageError
from inferencekey_ensure.report.validation_text import problem_line
from inferencekey_ensure.specset.config import load_config
from inferencekey_ensure.specset.prepare import PreparedRun, Wording, prepare_run
from inferencekey_ensure.specset.project_filter import UndeclaredProject


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "github-action",
        help="run as the GitHub Action (reads INPUT_* and GITHUB_* variables)",
        description="The entry point of the GitHub Action: inputs come from INPUT_* environment "
        "variables (set by action.yml), the run's context from GITHUB_* variables.",
    )
    parser.set_defaults(func=run_action)


ACTION_WORDING = Wording(only_project="input `only-project`", prune="input `prune`",
                        spec_root=f"a folder in input `specs`, e.g. {DEFAULT_SPEC_DIR}/")


def _validate(inputs: ActionInputs, env: Mapping[str, str], log: WorkflowLog,
              step: GitHubStep, workspace: str) -> Optional[PreparedRun]:
    """Load and check the specs once; the engine gets this very result.

    None when the default spec folder holds no spec yet: there is nothing to plan, and the
    projects are none (a matrix right after ``init`` skips its legs), as ``ik-ensure projects``.
    """
    with log.group("Validate specs"):
        try:
            prepared = prepare_run(inputs.specs, project=inputs.project, env=env, only_projects=inputs.only_projects,
                                   prune=inputs.prune, wording=ACTION_WORDING, config=load_config(inputs.config),
                                   root=workspace)
        except NoSpecFiles as error:
            # Only the default folder, and it holds no spec yet (right after `init`), not a mistaken path.
            if not error.default_folder_only:
                raise
            log.plain(f"no spec file in {DEFAULT_SPEC_DIR}/ yet")
            return None
        loaded = prepared.loaded
        for problem in loaded.problems:
            log.plain(problem_line(problem))
        log.plain(f"{len(loaded.files)} spec file(s), {len(loaded.workloads)} workload(s)")
        step.sarif_file = write_sarif(env, loaded.problems, inputs.comment_key)
    return prepared


def _run(env: Mapping[str, str], log: WorkflowLog) -> int:
    try:
        inputs = read_inputs(env)
    except InputError as error:
        log.annotate(Annotation("error", str(error), title=f"{TITLE}: bad input"))
        return exit_codes.USAGE
    refused = project_refusal(inputs.project, "input `project`", env)
    if refused:
        log.annotate(Annotation("error", refused, title=f"{TITLE}: bad input"))
        return exit_codes.USAGE
    # Spec files are read only inside the checked-out repository (see loading/discovery.py).
    workspace = env.get("GITHUB_WORKSPACE") or os.getcwd()
    if inputs.working_directory:
        if not within(inputs.working_directory, workspace):
            log.annotate(Annotation("error", f"input `working-directory` is outside the workspace {workspace}: "
                                    f"{inputs.working_directory}", title=f"{TITLE}: bad input"))
            return exit_codes.USAGE
        if not os.path.isdir(inputs.working_directory):
            log.annotate(Annotation("error", f"input `working-directory` is not a folder: {inputs.working_directory}", title=f"{TITLE}: bad input"))
            return exit_codes.USAGE
        os.chdir(inputs.working_directory)
    step = GitHubStep(env, log, inputs, context_from(env, read_event(env)))

    def connect(engine_env: Mapping[str, str]) -> Connector:
        return connector(inputs.base_url, engine_env, None)

    try:
        prepared = _validate(inputs, env, log, step, workspace)
        if prepared is None:
            log.annotate(Annotation("notice", f"No spec file in {DEFAULT_SPEC_DIR}/ yet: nothing to validate or plan.",
                                    title=f"{TITLE}: no specs yet"))
            step.finish(None, step_outputs(None, None))
            return exit_codes.OK
        if prepared.prune_refusal:
            log.annotate(Annotation("error", prepared.prune_refusal, title=f"{TITLE}: prune refused"))
            step.finish(None, step_outputs(None, None))
            return exit_codes.USAGE
        failed = run_step(inputs, step, prepared.loaded, env, connect)
    except UndeclaredProject as error:
        log.annotate(Annotation("error", str(error), title=f"{TITLE}: bad input"))
        step.finish(None, step_outputs(None, None))
        return exit_codes.USAGE
    except ConfigNotFound as error:
        log.annotate(Annotation("error", f"input `config`: {error}", title=f"{TITLE}: bad input"))
        step.finish(None, step_outputs(None, None))
        return exit_codes.USAGE
    except UsageError as error:
        log.annotate(Annotation("error", f"input `specs`: {error}", title=f"{TITLE}: bad input"))
        step.finish(None, step_outputs(None, None))
        return exit_codes.USAGE
    return exit_codes.FAILURE if failed else exit_codes.OK


def run_action(_args: argparse.Namespace) -> int:
    env = dict(os.environ)
    log = WorkflowLog(sys.stdout)
    # Before anything else can print: every way a token can arrive is masked.
    for name in (env_name("sdk-token"), env_name("github-token"), TOKEN_ENV):
        if env.get(name, "").strip():
            log.mask(env[name].strip())
    return _run(env, log)
