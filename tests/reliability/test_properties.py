"""Properties over random valid specs and random live states.

Most run on the pure planner against a small model of the platform (a create stores
its body, a PATCH sets the fields it names): hundreds of examples in a second or
two. A few run end to end (engine, client, loopback emulator), and, where the
official SDK is importable, against its ``ensure()`` for the same writes.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.domain.spec import DeclaredWorkload, SourceLocation, WorkloadSpec
from inferencekey_ensure.domain.wire import normalise_live
from inferencekey_ensure.emulator import ANY_PROJECT, TokenGrant
from inferencekey_ensure.engine import PREVIEW, RECONCILE, RunReport
from inferencekey_ensure.engine.outcomes import settled_result
from inferencekey_ensure.engine.results import UnmanagedResult
from inferencekey_ensure.plan.model import CREATE, NO_CHANGE, REPLACE, UPDATE, Plan, Target
from inferencekey_ensure.plan.planner import build_plan
from inferencekey_ensure.report.markdown import COMMENT_LIMIT, comment_size, render_comment
from inferencekey_ensure.report.markdown_sections import Footer
from support.markdown_checks import fences_balanced, live_mentions, stray_html
from support.strategies import on_drift_values, platform_states, spec_sets

from .harness import TOKEN, engine_apply, normalised, start_emulator

pytestmark = pytest.mark.slow

try:
    import inferencekey
except ImportError:  # the official SDK wheel exists for x86_64 Linux only
    inferencekey = None

# The suite's own profile: bounded so CI stays fast, raised locally with
# IK_RELIABILITY_EXAMPLES=5000 for a deeper search. Deadlines are off (shared machine).
EXAMPLES = int(os.environ.get("IK_RELIABILITY_EXAMPLES", "200"))
PURE = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
END_TO_END = settings(PURE, max_examples=max(10, EXAMPLES // 5))

PROJECT = "acme"
# The reference page's compared fields, in the SDK's order.
SDK_ORDER = ("name", "backend", "model_name", "description", "config", "worker_id",
             "gpu_resource_id", "execution_policy", "execution_policy_config")


def _json(value: Any) -> str:
    """JSON text with sorted keys: equal exactly when the JSON values are equal
    (``1``, ``1.0`` and ``true`` stay apart; key order does not matter)."""
    return json.dumps(value, sort_keys=True)


def _targets(specs: List[Dict[str, Any]], on_drift: Any = None) -> List[Target]:
    targets = []
    for line, fields in enumerate(specs, start=1):
        if on_drift is not None:
            fields = {**fields, "on_drift": on_drift}
        declared = DeclaredWorkload(WorkloadSpec(**fields), SourceLocation("specs.yaml", line, 3))
        targets.append(Target(declared, PROJECT))
    return targets


def _plan(targets: List[Target], state: Dict[str, Dict[str, Any]]) -> Plan:
    live = [normalise_live({"id": f"id-{slug}", **item}) for slug, item in state.items()]
    return build_plan(targets, {PROJECT: live}, on_drift="reconcile", prune=False)


def _reconciled(state: Dict[str, Dict[str, Any]], plan: Plan) -> Dict[str, Dict[str, Any]]:
    """The platform model after reconcile sent the plan's writes."""
    after = copy.deepcopy(state)
    for planned in plan.workloads:
        if planned.action == CREATE:
            after[planned.slug] = copy.deepcopy(dict(planned.payload))
        elif planned.action == UPDATE:
            after[planned.slug].update(copy.deepcopy(dict(planned.payload)))
    return after


def _state(live: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    return {item["slug"]: item for item in live}


def _task_type_differs(fields: Dict[str, Any], live: Dict[str, Any]) -> bool:
    """A declared task_type the live one does not match; an undeclared one is never compared."""
    return "task_type" in fields and live.get("task_type", "text2text") != fields["task_type"]


specs_and_states = spec_sets().flatmap(lambda specs: st.tuples(st.just(specs), platform_states(specs)))
# For the pure planner: also live states whose policy kind and config came from different specs.
specs_and_any_states = spec_sets().flatmap(
    lambda specs: st.tuples(st.just(specs), platform_states(specs, policy_apart=True)))


@PURE
@given(specs_and_any_states, on_drift_values)
def test_after_apply_a_plan_shows_no_changes(example: Tuple[Any, Any], on_drift: str):
    specs, live = example
    targets = _targets(specs, on_drift)
    before = _state(live)
    after = _reconciled(before, _plan(targets, before))
    replan = _plan(targets, after)
    for fields, planned in zip(specs, replan.workloads):
        if planned.slug not in before:
            # created whatever on_drift says, except dry_run, which creates nothing
            assert (planned.slug in after) == (on_drift != "dry_run")
            assert planned.action == NO_CHANGE or on_drift == "dry_run"
        elif on_drift == "reconcile":
            assert planned.action in (NO_CHANGE, REPLACE), (planned.action, planned.diffs)
            assert (planned.action == REPLACE) == _task_type_differs(fields, after[planned.slug])
        else:
            assert after[planned.slug] == before[planned.slug]


@PURE
@given(specs_and_any_states)
def test_apply_twice_is_apply_once_and_the_second_sends_nothing(example: Tuple[Any, Any]):
    specs, live = example
    targets = _targets(specs)
    once = _reconciled(_state(live), _plan(targets, _state(live)))
    second = _plan(targets, once)
    assert all(planned.payload is None for planned in second.workloads)
    assert _reconciled(once, second) == once


def _compared(spec: WorkloadSpec) -> Dict[str, Any]:
    """field -> desired value, for the fields the SDK's rules compare for ``spec``."""
    compared: Dict[str, Any] = {"name": spec.name, "backend": spec.backend, "model_name": spec.model}
    if spec.description is not None:
        compared["description"] = spec.description
    if spec.command is not None:
        compared["config"] = {"command": spec.command,
                              **({"vllm_version": spec.vllm_version} if spec.vllm_version else {})}
    for name in ("worker_id", "gpu_resource_id", "execution_policy", "execution_policy_config"):
        if getattr(spec, name) is not None:
            compared[name] = getattr(spec, name)
    return compared


@PURE
@given(specs_and_any_states)
def test_the_plan_lists_exactly_the_compared_fields_that_differ(example: Tuple[Any, Any]):
    specs, live = example
    state = _state(live)
    for planned in _plan(_targets(specs), state).workloads:
        if planned.live is None:
            continue
        spec, current = planned.declared.spec, state[planned.slug]
        compared = _compared(spec)
        kind_switch = "execution_policy" in compared and compared["execution_policy"] != current.get("execution_policy")
        listed = [diff.field for diff in planned.diffs]
        differing = [name for name in SDK_ORDER if name in compared
                     and (_json(current.get(name)) != _json(compared[name])
                          or (name == "execution_policy_config" and kind_switch))]
        assert listed == differing
        for diff in planned.diffs:
            assert _json(diff.desired) == _json(compared[diff.field])
            assert _json(diff.live) == _json(current.get(diff.field))
        if planned.payload is not None:
            assert list(planned.payload) == listed
        assert (planned.replacement is not None) == _task_type_differs(dict(spec.declared), current)


@settings(PURE, max_examples=max(10, EXAMPLES // 4))
@given(specs_and_any_states, on_drift_values)
def test_the_comment_for_a_real_plan_stays_within_the_limit_with_balanced_fences(example, on_drift):
    """The GitHub tests render synthetic run reports; these are the engine's own, with the
    value types real diffs carry (numbers, 2 vs 2.0, booleans, lists, nested configs)."""
    specs, live = example
    plan = _plan(_targets(specs, on_drift), _state(live))
    report = RunReport(PREVIEW, workloads=[settled_result(p, PREVIEW) for p in plan.workloads],
                       unmanaged=[UnmanagedResult(u) for u in plan.unmanaged])
    body = render_comment(report, comment_key="default",
                          info=Footer("0.1.0", "abc1234"))
    assert comment_size(body) <= COMMENT_LIMIT
    assert fences_balanced(body) and stray_html(body) == [] and live_mentions(body) == []
    for planned in plan.workloads:
        assert f"{PROJECT}/{planned.slug}" in body


REFERENCE_SLUGS = [
    ("Gemma 4 26B (llama.cpp / GGUF) on R9700", "gemma-4-26b-llama-cpp-gguf-on-r9700"),
    ("  Mixed_Case--Slug  ", "mixed-case-slug"),
    ("a__b..c", "a-b-c"),
    ("---", ""),
]


@pytest.mark.parametrize("raw, canonical", REFERENCE_SLUGS)
def test_canonical_slug_matches_the_reference_page(raw: str, canonical: str):
    assert canonical_slug(raw) == canonical


@PURE
@given(st.text())
def test_canonical_slug_is_idempotent_and_always_platform_shaped(raw: str):
    once = canonical_slug(raw)
    assert canonical_slug(once) == once
    assert once == "" or all(part and part.isascii() and part.isalnum() and part == part.lower()
                             for part in once.split("-"))
    assert (once == "") == (not any(ch.isascii() and ch.isalnum() for ch in raw))


# ---------------------------------------------------------------------------
# End to end: the real engine and client against the loopback emulator.

@pytest.fixture(scope="module")
def shared_emulator():
    """One emulator for every example, each example in a project of its own."""
    server = start_emulator(tokens={TOKEN: TokenGrant(ANY_PROJECT)})
    yield server
    server.stop()


_projects = itertools.count(1)


def _write(folder: Path, project: str, specs: List[Dict[str, Any]]) -> Path:
    (folder / "specs.json").write_text(json.dumps({"project": project, "workloads": specs}),
                                       encoding="utf-8")
    return folder


def _writes_since(server: Any, start: int) -> List[Any]:
    return [request for request in server.request_log[start:] if request.method != "GET"]


@END_TO_END
@given(specs_and_states)
def test_end_to_end_apply_converges_and_a_second_apply_writes_nothing(shared_emulator, example):
    specs, live = example
    project = f"e2e-{next(_projects)}"
    for item in live:
        shared_emulator.seed(project, item)
    with tempfile.TemporaryDirectory() as scratch:
        folder = _write(Path(scratch), project, specs)
        first = engine_apply(shared_emulator, folder)
        once = normalised(shared_emulator, project)
        replacing = {slug for slug, item in once.items()
                     if any(canonical_slug(f["slug"]) == slug and _task_type_differs(f, item) for f in specs)}
        assert {r.planned.slug for r in first.workloads if r.status != "ok"} == replacing
        preview = engine_apply(shared_emulator, folder, mode=PREVIEW)
        assert {r.action for r in preview.workloads} <= {NO_CHANGE, REPLACE}
        assert {r.planned.slug for r in preview.workloads if r.action == REPLACE} == replacing
        mark = len(shared_emulator.request_log)
        engine_apply(shared_emulator, folder, mode=RECONCILE)
        assert _writes_since(shared_emulator, mark) == []
        assert normalised(shared_emulator, project) == once



def _writes_by_slug(server: Any, project: str) -> List[Tuple[str, str, str]]:
    slugs = {workload["id"]: workload["slug"] for workload in server.workloads(project)}
    project_path = f"/api/projects/{project}/workloads"
    found = []
    for request in server.request_log:
        if request.method == "POST" and request.path == project_path:
            found.append(("POST", request.json()["slug"], _json(request.json())))
        elif request.method == "PATCH" and request.path.rsplit("/", 1)[-1] in slugs:
            found.append(("PATCH", slugs[request.path.rsplit("/", 1)[-1]], _json(request.json())))
    return sorted(found)


@pytest.mark.skipif(inferencekey is None, reason="the official SDK (inferencekey) is not importable here")
@END_TO_END
@given(specs_and_states)
def test_apply_sends_the_writes_the_official_sdk_sends(shared_emulator, example):
    """Where the task_type matches (the SDK silently ignores a changed one, apply refuses it)."""
    specs, live = example
    wanted = {canonical_slug(f["slug"]): f.get("task_type", "text2text") for f in specs}
    live = [{**item, "task_type": wanted.get(item["slug"], item.get("task_type", "text2text"))}
            for item in live]
    sdk_project, our_project = f"sdk-{next(_projects)}", f"ours-{next(_projects)}"
    for item in live:
        shared_emulator.seed(sdk_project, item)
        shared_emulator.seed(our_project, item)
    client = inferencekey.ManagementClient(base_url=shared_emulator.url, sdk_token=TOKEN,
                                           project=sdk_project)
    for fields in specs:
        client.ensure(inferencekey.WorkloadSpec(**WorkloadSpec(**fields).sdk_fields()),
                      on_drift="reconcile")
    with tempfile.TemporaryDirectory() as scratch:
        report = engine_apply(shared_emulator, _write(Path(scratch), our_project, specs))
    assert report.succeeded
    assert _writes_by_slug(shared_emulator, our_project) == _writes_by_slug(shared_emulator, sdk_project)
    assert normalised(shared_emulator, our_project) == normalised(shared_emulator, sdk_project)
