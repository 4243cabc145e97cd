"""Hypothesis strategies: valid specs, and live workloads that drift from them at random.

A live workload is built from the wire body of a spec (the one it should match, or
another one) with fields mixed in from a second random spec, so every live state is
one the platform could hold: each field valid on its own, and the policy kind and its
config always travelling together, as the platform keeps them.
"""

from __future__ import annotations

from typing import Any, Dict, List

from hypothesis import strategies as st

from inferencekey_ensure.domain.fields import NATIVE_BACKENDS, ON_DRIFT_VALUES, TASK_TYPES
from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import create_body

# Far (edit distance > 1) from every native backend, so no did-you-mean rule fires.
CUSTOM_BACKENDS = ("kokoro-tts", "whisper-server", "acme-engine-2")
OPTIONAL_FIELDS = ("description", "command", "vllm_version", "task_type", "worker_id",
                   "gpu_resource_id", "config")

# Cheap draws: small pools plus a little free Unicode text where any string goes.
# Nothing drawn may look like a credential or an environment-variable reference
# (`$A`, `${A}`, `%A%`): validate refuses both (other suites cover them), and these
# strategies make only specs it accepts.
_free_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="$%"), max_size=8)
non_blank = st.one_of(
    st.sampled_from(["Chat", "Support bot", "Émbed ✓", "x", " padded ", "Line\nbreak", "0"]),
    _free_text.filter(lambda text: text.strip() != "" and not text.startswith("ik_")),
)
identifiers = st.sampled_from(["wk_1", "wk_2", "gpu_a", "gpu_b", "node7"])
_slugs = st.builds(
    lambda words, separator: separator.join(words),
    st.lists(st.sampled_from(["Chat", "bot", "EU", "v2", "gemma", "7B", "x"]), min_size=1, max_size=3),
    st.sampled_from(["-", " ", "_", " / ", "--", "."]),
)

_policies = st.one_of(
    st.builds(lambda n: ("fixed", {"replicas": n}), st.sampled_from([1, 2, 3, 2.0])),
    st.builds(lambda key, value: ("scheduled", {key: value}), st.sampled_from(["cron", "window"]),
              st.sampled_from(["0 8 * * 1-5", "Mon-Fri 08-18"])),
    st.builds(
        # Cloud by default, so the Manager needs the cost cap.
        lambda low, extra, cost: ("autoscaling", {
            "min_workers": low, "max_workers": max(low + extra, 1), "max_hourly_cost_usd": cost}),
        st.integers(0, 2), st.integers(0, 2), st.sampled_from([0.5, 2, 7.25])),
    st.builds(lambda ids: ("autoscaling", {"workers": {"source": "private", "private_worker_ids": ids}}),
              st.lists(identifiers, min_size=1, max_size=2)),
)
_json = st.recursive(
    st.none() | st.booleans() | st.sampled_from([0, 1, 1.0, 0.5, "", "text"]),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(identifiers, inner, max_size=2),
    max_leaves=4,
)
_optional = {
    "description": st.one_of(st.just(""), non_blank),
    "command": st.sampled_from(["vllm serve --port 8000", "python -m server", "run"]),
    "vllm_version": st.sampled_from(["0.10.1", "0.9.2"]),
    "task_type": st.sampled_from(TASK_TYPES),
    "worker_id": identifiers,
    "gpu_resource_id": identifiers,
    "config": st.dictionaries(identifiers, _json, max_size=2),
}


@st.composite
def spec_fields(draw: Any, slug: Any = None) -> Dict[str, Any]:
    """The fields of one valid spec (no ``project``: the tests choose it)."""
    fields: Dict[str, Any] = {
        "name": draw(non_blank),
        "slug": slug if slug is not None else draw(_slugs),
        "model": draw(non_blank),
        "backend": draw(st.sampled_from(NATIVE_BACKENDS + CUSTOM_BACKENDS)),
    }
    for name in draw(st.lists(st.sampled_from(OPTIONAL_FIELDS), unique=True, max_size=4)):
        fields[name] = draw(_optional[name])
    if fields["backend"] == "llamacpp" and "command" in fields:
        fields["command"] = "llama-server -m /models/model.gguf"
    if fields["backend"] in ("ollama", "sglang"):
        fields.pop("command", None)
    if fields["backend"] not in ("vllm", "vllm-omni"):
        fields.pop("vllm_version", None)
    if draw(st.booleans()):
        fields["execution_policy"], fields["execution_policy_config"] = draw(_policies)
    WorkloadSpec(**fields)  # the strategy only makes specs the model accepts
    return fields


@st.composite
def spec_sets(draw: Any, max_size: int = 4) -> List[Dict[str, Any]]:
    """Specs of one project, their canonical slugs all different."""
    return draw(st.lists(spec_fields(), min_size=1, max_size=max_size,
                         unique_by=lambda fields: canonical_slug(fields["slug"])))


POLICY_TOGETHER = (("execution_policy", "execution_policy_config"),)
POLICY_APART = (("execution_policy",), ("execution_policy_config",))


@st.composite
def live_for(draw: Any, spec: Dict[str, Any], policy_apart: bool = False) -> Dict[str, Any]:
    """A workload holding the spec's slug: the spec's own body with fields of another mixed in.

    ``policy_apart`` lets the kind and its config come from different specs: states the
    platform would refuse to hold, which only the pure planner is given (they are how a
    kind switch with an unchanged config is reached).
    """
    own = create_body(WorkloadSpec(**spec))
    other = create_body(WorkloadSpec(**draw(spec_fields(slug=spec["slug"]))))
    groups = [("name",), ("backend",), ("model_name",), ("description",), ("config",), ("task_type",),
              ("worker_id",), ("gpu_resource_id",), *(POLICY_APART if policy_apart else POLICY_TOGETHER)]
    live = {"slug": own["slug"]}
    for group, from_other in zip(groups, draw(st.lists(st.booleans(), min_size=len(groups),
                                                       max_size=len(groups)))):
        source = other if from_other else own
        live.update({name: source[name] for name in group if name in source})
    return live


@st.composite
def platform_states(draw: Any, specs: List[Dict[str, Any]], policy_apart: bool = False) -> List[Dict[str, Any]]:
    """Live workloads for some of ``specs`` (the rest are missing), plus maybe an unmanaged one."""
    live = [draw(live_for(spec, policy_apart)) for spec in specs if draw(st.booleans())]
    taken = {canonical_slug(spec["slug"]) for spec in specs}
    if draw(st.booleans()):
        body = create_body(WorkloadSpec(**draw(spec_fields(slug="unmanaged-by-hand"))))
        if body["slug"] not in taken:
            live.append(body)
    return live


on_drift_values = st.sampled_from(ON_DRIFT_VALUES)
