"""The order of one action run, for any CI host: validate -> (explain why no preview can
run) or (look up the review, plan, apply what may be applied) -> decide -> carry out.

The host (``Host``) does every piece of I/O: its log, its change-request comments,
its output files. The engine is reached through the ``Connector`` the composition
root chose. What to do at each point is ``flow.decide``'s.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, ContextManager, Dict, FrozenSet, Mapping, Optional, Protocol, Set, Tuple

from inferencekey_ensure.controlplane.settings import TOKEN_ENV
from inferencekey_ensure.domain.spec import fallback_project
from inferencekey_ensure.engine import PREVIEW, RECONCILE, RunRequest, run
from inferencekey_ensure.engine.connector import Connector
from inferencekey_ensure.engine.events import RunEvent
from inferencekey_ensure.engine.projects import DeclaredProjects, declared_projects
from inferencekey_ensure.flow.changed_projects import ChangedFiles, changed_projects, repo_path, spec_path_matcher
from inferencekey_ensure.flow.decide import (
    HostFacts,
    Outcome,
    matrix_projects,
    preview_blocked,
    queue_outcome,
    queue_without_plan,
    run_outcome,
    validation_outcome,
)
from inferencekey_ensure.flow.inputs import ActionInputs
from inferencekey_ensure.flow.review import ReviewLookup, verdict
from inferencekey_ensure.flow.sticky import COMMENT_NEVER
from inferencekey_ensure.plan.digest import DigestCheck
from inferencekey_ensure.specset.load import LoadResult


class Host(Protocol):
    """What a CI host's adapter offers the flow."""

    facts: HostFacts

    def plain(self, line: str) -> None: ...

    def event(self, event: RunEvent) -> None: ...

    def group(self, title: str) -> ContextManager[None]: ...

    def find_review(self) -> ReviewLookup: ...

    def changed_files(self) -> Optional[ChangedFiles]: ...

    def base_projects(self, path: str, fallback: Optional[str]) -> Optional[FrozenSet[str]]: ...

    def carry_out(self, outcome: Outcome) -> None: ...


def engine_env(inputs: ActionInputs, env: Mapping[str, str]) -> Dict[str, str]:
    """The environment the engine reads settings from, with the input's SDK token in it."""
    merged = dict(env)
    merged[TOKEN_ENV] = inputs.sdk_token or ""
    return merged


def _request(inputs: ActionInputs, env: Mapping[str, str], host: Host, check: Optional[DigestCheck]) -> RunRequest:
    request = RunRequest(
        mode=inputs.mode,
        on_drift=inputs.on_drift,
        prune=inputs.prune,
        project=inputs.project,
        env=engine_env(inputs, env),
        wait=inputs.wait,
        wait_timeout_s=inputs.wait_timeout_s,
        prune_limit=inputs.prune_limit,
        on_event=host.event,
        max_spend_increase=inputs.max_spend_increase,
    )
    return replace(request, may_write=check) if check is not None else request


def _looks_up_review(inputs: ActionInputs, facts: HostFacts) -> bool:
    """A reconcile asks which PR it came from when it must check the review or may report back there;
    a merge queue's check asks for the queued PR's review when it must compare with it."""
    if facts.merge_queue:
        return inputs.require_reviewed_plan
    return inputs.mode == RECONCILE and (
        inputs.require_reviewed_plan or (bool(inputs.github_token) and inputs.comment != COMMENT_NEVER)
    )


def touched_projects(inputs: ActionInputs, host: Host, loaded: LoadResult, env: Mapping[str, str],
                     projects: Tuple[str, ...]) -> Tuple[str, ...]:
    """The ``changed-projects`` output: on a change request those its files touch, else ``projects``.

    A fork's change request only ever validates, so its legs may as well be every project:
    the host is not asked (as for anything else on a fork).
    """
    if not host.facts.change_request or host.facts.from_fork or not projects:
        return projects
    fallback = fallback_project(inputs.project, env, loaded.config.project)
    where = (host.facts.cwd, host.facts.workspace)
    current: Dict[str, Set[str]] = {repo_path(path, *where): set() for path in loaded.files}
    for workload in loaded.workloads:
        project = workload.project(fallback)
        current.setdefault(repo_path(workload.location.path, *where), set()).update([project] if project else [])
    is_spec = spec_path_matcher([repo_path(raw, *where) for raw in inputs.specs])
    config_paths = [repo_path(loaded.config.path, *where)] if loaded.config.path else []
    return changed_projects(projects, host.changed_files(), current, is_spec,
                            lambda path: host.base_projects(path, fallback), config_paths)


def run_step(
    inputs: ActionInputs,
    host: Host,
    loaded: LoadResult,
    env: Mapping[str, str],
    connect: Callable[[Mapping[str, str]], Connector],
) -> bool:
    """Run the action over the already validated ``loaded``; True when the job fails.

    ``connect`` makes the engine's connector from the engine's environment.
    """
    if host.facts.merge_queue:
        # The queue's head commit is checked, never applied: it is not merged yet.
        inputs = replace(inputs, mode=PREVIEW)
    # Resolved as the engine resolves them: the `project` input, the environment, the config.
    declared = (declared_projects(loaded.workloads, inputs.project, env, loaded.config.project)
                if loaded.ok else DeclaredProjects())
    blocked = preview_blocked(inputs, host.facts)
    if blocked is not None or not loaded.ok:
        lookup = (host.find_review() if blocked is None and _looks_up_review(inputs, host.facts)
                  and not host.facts.merge_queue else None)
        outcome = validation_outcome(inputs, host.facts, loaded, blocked, lookup, declared)
        if host.facts.merge_queue and inputs.require_reviewed_plan and blocked is not None:
            outcome = queue_without_plan(outcome)
        host.carry_out(replace(outcome, changed_projects=touched_projects(inputs, host, loaded, env, outcome.projects)))
        return outcome.failed
    lookup = host.find_review() if _looks_up_review(inputs, host.facts) else None
    check = lookup.check(inputs.require_reviewed_plan) if lookup is not None else None
    with host.group(f"ik-ensure {inputs.mode}"):
        report = run(_request(inputs, env, host, check), loaded, connect(engine_env(inputs, env)))
        if host.facts.merge_queue and check is not None and report.plan_digest is not None:
            check.see(report.canonical_plan)  # a preview never writes, so judge the plan it made
        judged = (verdict(lookup, check, inputs.require_reviewed_plan, host.facts.footer.short_sha, inputs.comment_key)
                  if lookup is not None and check is not None else None)
        decided = (queue_outcome(inputs, host.facts, report, lookup, judged) if host.facts.merge_queue
                   else run_outcome(inputs, host.facts, report, lookup, judged))
        outcome = replace(decided, projects=matrix_projects(declared))
        for line in outcome.log_lines:
            host.plain(line)
    host.carry_out(replace(outcome, changed_projects=touched_projects(inputs, host, loaded, env, outcome.projects)))
    return outcome.failed
