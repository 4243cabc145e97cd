"""The order of one action run, for any CI host: validate -> (explain why no preview can
run) or (look up the review, plan, apply what may be applied) -> decide -> carry out.

The host (``Host``) does every piece of I/O: its log, its change-request comments,
its output files. The engine is reached through the ``Connector`` the composition
root chose. What to do at each point is ``flow.decide``'s.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, ContextManager, Dict, Mapping, Optional, Protocol

from inferencekey_ensure.controlplane.settings import TOKEN_ENV
from inferencekey_ensure.engine import RECONCILE, RunRequest, run
from inferencekey_ensure.engine.connector import Connector
from inferencekey_ensure.engine.events import RunEvent
from inferencekey_ensure.engine.projects import DeclaredProjects, declared_projects
from inferencekey_ensure.flow.decide import (
    HostFacts,
    Outcome,
    matrix_projects,
    preview_blocked,
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


def _looks_up_review(inputs: ActionInputs) -> bool:
    """A reconcile asks which PR it came from when it must check the review or may report back there."""
    return inputs.mode == RECONCILE and (
        inputs.require_reviewed_plan or (bool(inputs.github_token) and inputs.comment != COMMENT_NEVER)
    )


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
    # Resolved as the engine resolves them: the `project` input, the environment, the config.
    declared = (declared_projects(loaded.workloads, inputs.project, env, loaded.config.project)
                if loaded.ok else DeclaredProjects())
    blocked = preview_blocked(inputs, host.facts)
    if blocked is not None or not loaded.ok:
        lookup = host.find_review() if blocked is None and _looks_up_review(inputs) else None
        outcome = validation_outcome(inputs, host.facts, loaded, blocked, lookup, declared)
        host.carry_out(outcome)
        return outcome.failed
    lookup = host.find_review() if _looks_up_review(inputs) else None
    check = lookup.check(inputs.require_reviewed_plan) if lookup is not None else None
    with host.group(f"ik-ensure {inputs.mode}"):
        report = run(_request(inputs, env, host, check), loaded, connect(engine_env(inputs, env)))
        judged = (verdict(lookup, check, inputs.require_reviewed_plan, host.facts.footer.short_sha, inputs.comment_key)
                  if lookup is not None and check is not None else None)
        outcome = replace(run_outcome(inputs, host.facts, report, lookup, judged), projects=matrix_projects(declared))
        for line in outcome.log_lines:
            host.plain(line)
    host.carry_out(outcome)
    return outcome.failed
