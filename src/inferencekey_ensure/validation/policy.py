"""The repository policy over the declared workloads: the one implementation that ``validate``
(so the pre-commit hook), ``plan``, ``apply`` and the action all run, through
``specset/validate.py``.

Each violation is a problem at the offending value (the backend, the model, the gpu_pool
entry, the cap) with the rule id ``policy/<key>``; a rule named in ``advisory`` warns,
every other fails. The project ceiling is a whole-run check, like slug collisions: a
project's workloads may sit in several files.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Dict, List, Optional, Sequence, Tuple

from inferencekey_ensure.diagnostics.problem import ERROR, WARNING, PathPart, Problem, json_path
from inferencekey_ensure.diagnostics.wording import show_value
from inferencekey_ensure.domain.repo_config import Policy, rule_id
from inferencekey_ensure.domain.spec import resolve_project
from inferencekey_ensure.domain.spend import ceiling_of, usd
from inferencekey_ensure.loading.nodes import SequenceNode, node_at
from inferencekey_ensure.validation.file_check import FoundWorkload

# Where a workload's gpu_pool lists are, in both shapes of the config.
_GPU_POOLS: Tuple[Tuple[str, ...], ...] = (
    ("execution_policy_config", "workers", "cloud_pool", "gpu_pool"),
    ("execution_policy_config", "gpu_pool"),
)
_CAP_PATH = ("execution_policy_config", "max_hourly_cost_usd")


class _Found:
    """The problems of one run, each with the severity its rule has under ``policy``."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.problems: List[Problem] = []

    def add(self, rule: str, workload: FoundWorkload, path: Sequence[PathPart], message: str) -> None:
        node = node_at(workload.node, path) or workload.node
        severity = WARNING if self.policy.is_advisory(rule) else ERROR
        where = workload.json_path + json_path(path)[1:]
        self.problems.append(Problem(workload.display, node.line, node.column, where, message, severity, rule_id(rule)))


def _string(workload: FoundWorkload, name: str) -> Optional[str]:
    value = workload.fields.get(name)
    return value if isinstance(value, str) else None


def _workload_rules(found: _Found, workload: FoundWorkload) -> None:
    policy = found.policy
    backend = _string(workload, "backend")
    if policy.allowed_backends is not None and backend is not None and backend not in policy.allowed_backends:
        found.add("allowed_backends", workload, ("backend",),
                  f"backend {show_value(backend)} is not allowed here (allowed: {', '.join(policy.allowed_backends)})")
    model = _string(workload, "model")
    if policy.allowed_models is not None and model is not None and not any(
        fnmatchcase(model, pattern) for pattern in policy.allowed_models
    ):
        found.add("allowed_models", workload, ("model",),
                  f"model {show_value(model)} matches none of the allowed patterns ({', '.join(policy.allowed_models)})")
    if policy.allowed_gpus is not None:
        for pool_path in _GPU_POOLS:
            pool = node_at(workload.node, pool_path)
            if not isinstance(pool, SequenceNode):
                continue
            for index, entry in enumerate(pool.items):
                if isinstance(entry.value, str) and entry.value not in policy.allowed_gpus:
                    found.add("allowed_gpus", workload, (*pool_path, index),
                              f"GPU {show_value(entry.value)} is not allowed here (allowed: {', '.join(policy.allowed_gpus)})")
    ceiling = ceiling_of(workload.fields)
    limit = policy.max_workload_hourly_usd
    if limit is not None and ceiling.hourly_usd is not None and ceiling.hourly_usd > limit:
        found.add("max_workload_hourly_usd", workload, _CAP_PATH,
                  f"spend ceiling {usd(ceiling.hourly_usd)}/h is above the workload limit of {usd(limit)}/h")
    for name in policy.require_fields:
        if name not in workload.fields:
            found.add("require_fields", workload, (),
                      f"missing field '{name}', which the repository policy requires")
    if policy.forbid_uncapped and not ceiling.capped:
        where: Tuple[str, ...] = ("execution_policy",) if "execution_policy" in workload.fields else ()
        found.add("forbid_uncapped", workload, where,
                  "no spend ceiling: the policy forbids uncapped workloads (use autoscaling with "
                  "execution_policy_config.max_hourly_cost_usd, or private workers)")


def _project_ceilings(
    found: _Found, workloads: Sequence[FoundWorkload], fallback: Optional[str], context: Sequence[FoundWorkload],
) -> None:
    """A problem at the first of ``workloads`` at which its project's running sum is over the limit.

    ``context`` (the sibling files of a hook run) is counted first and gets no problem: the
    staged workload that takes, or keeps, its project over the limit is the one reported,
    with the project's whole sum, as a run over the whole spec root reports it."""
    limit = found.policy.max_project_hourly_usd
    if limit is None:
        return
    counted: List[Tuple[bool, FoundWorkload, Optional[str], float]] = []
    for index, workload in enumerate([*context, *workloads]):
        hourly = ceiling_of(workload.fields).hourly_usd
        if hourly is not None:
            project = resolve_project(workload.fields.get("project"), workload.file_project, fallback)
            counted.append((index >= len(context), workload, project, hourly))
    totals: Dict[Optional[str], float] = {}
    for _, _, project, hourly in counted:
        totals[project] = totals.get(project, 0.0) + hourly
    running: Dict[Optional[str], float] = {}
    over: Dict[Optional[str], bool] = {}
    for reported, workload, project, hourly in counted:
        running[project] = running.get(project, 0.0) + hourly
        if reported and running[project] > limit and not over.get(project):
            over[project] = True
            named = f"project {show_value(project)}" if project else "the default project"
            found.add("max_project_hourly_usd", workload, _CAP_PATH,
                      f"{named}: spend ceilings sum to {usd(totals[project])}/h, above the project limit of "
                      f"{usd(limit)}/h; this workload's ceiling takes it over")


def policy_problems(
    workloads: Sequence[FoundWorkload], policy: Policy, fallback: Optional[str],
    context: Sequence[FoundWorkload] = (),
) -> List[Problem]:
    """Every violation of ``policy`` by ``workloads``; ``fallback`` is the project of workloads naming
    none. ``context`` counts toward the project ceilings only (see ``_project_ceilings``)."""
    found = _Found(policy)
    for workload in workloads:
        _workload_rules(found, workload)
    _project_ceilings(found, workloads, fallback, context)
    return found.problems
