"""The schema checker and the schema's reference implementation agree.

Two independent judges of one document: this project's schema checker (what
``ik-ensure validate`` runs) and the ``jsonschema`` package on the same schema
file. A fixed corpus pins the known cases; a property test throws mixtures of good
and bad field values at both. (The runtime ``WorkloadSpec`` re-checks nothing, so
it is no third judge; the platform's cross-field rules are tested in
``test_platform_rules``.)
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inferencekey_ensure.domain.fields import NATIVE_BACKENDS
from inferencekey_ensure.validation.schema_checker import SchemaChecker
from support.validation import SCHEMA_PATH

from .corpus import INVALID_FILES, INVALID_WORKLOADS, VALID_FILES, VALID_WORKLOADS

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
OURS = SchemaChecker(SCHEMA)
REFERENCE = jsonschema.Draft202012Validator(SCHEMA)


@pytest.mark.parametrize("document", [doc for _, doc in VALID_WORKLOADS], ids=[name for name, _ in VALID_WORKLOADS])
def test_valid_workloads_pass_both_judges(document):
    assert OURS.is_valid(document)
    assert REFERENCE.is_valid(document)


@pytest.mark.parametrize("document", [doc for _, doc, _ in INVALID_WORKLOADS], ids=[name for name, _, _ in INVALID_WORKLOADS])
def test_invalid_workloads_fail_both_judges(document):
    assert not OURS.is_valid(document)
    assert not REFERENCE.is_valid(document)


@pytest.mark.parametrize("document", [doc for _, doc in VALID_FILES], ids=[name for name, _ in VALID_FILES])
def test_valid_file_documents_pass_both_schema_checkers(document):
    assert OURS.is_valid(document) and REFERENCE.is_valid(document)


@pytest.mark.parametrize("document", [doc for _, doc, _ in INVALID_FILES], ids=[name for name, _, _ in INVALID_FILES])
def test_invalid_file_documents_fail_both_schema_checkers(document):
    assert not OURS.is_valid(document) and not REFERENCE.is_valid(document)


def _error_paths(validator_errors) -> set:
    return {tuple(error.path) for error in validator_errors}


@pytest.mark.parametrize("document", [doc for _, doc, _ in INVALID_WORKLOADS], ids=[name for name, _, _ in INVALID_WORKLOADS])
def test_our_errors_sit_where_the_reference_implementation_puts_them(document):
    ours = {error.path[: len(error.path) - 1] if error.at_key else error.path for error in OURS.errors(document)}
    reference = {tuple(error.absolute_path) for error in REFERENCE.iter_errors(document)}
    assert ours <= reference | {path for error in REFERENCE.iter_errors(document) for path in _context_paths(error)}


def _context_paths(error) -> set:
    return {tuple(sub.absolute_path) for sub in error.context or ()} | {
        path for sub in error.context or () for path in _context_paths(sub)
    }


_STRINGS = st.sampled_from(["Chat", "  ", "", "a--b", "Support Bot", "ik_sdk_abcd1234_secretsecret", "ik_live_x", "x ik_sdk_a"])
_ODD = st.sampled_from([None, 0, 1, 2.0, 1.5, -1, True, [], {}, ["x"], {"k": "v"}])
_ANY = st.one_of(_STRINGS, _ODD)
_WORKERS = st.one_of(
    st.fixed_dictionaries({"source": st.sampled_from(["cloud", "private", "spot"])}, optional={
        "cloud_pool": st.one_of(_ANY, st.fixed_dictionaries({}, optional={
            "gpu_pool": st.one_of(_ANY, st.lists(_STRINGS, max_size=2)),
            "max_hourly_cost_usd": _ANY,
            "max_instances": _ANY,
            "allowed_cuda_versions": st.one_of(_ANY, st.lists(_STRINGS, max_size=2)),
        })),
        "private_worker_ids": st.one_of(_ANY, st.lists(_STRINGS, max_size=2)),
    }),
    _ANY,
)
_POLICY_CONFIG = st.one_of(
    _ANY,
    st.fixed_dictionaries({}, optional={
        "replicas": _ANY, "cron": _ANY, "window": _ANY, "min_workers": _ANY, "max_workers": _ANY,
        "max_hourly_cost_usd": _ANY, "workers": _WORKERS, "min_replicas": _ANY, "extra": _ANY,
    }),
)
_WORKLOADS = st.fixed_dictionaries(
    {},
    optional={
        "name": _ANY,
        "slug": st.one_of(_ANY, st.sampled_from(["chat", "---", "Bot 2"])),
        "model": _ANY,
        "backend": st.one_of(_ANY, st.sampled_from(list(NATIVE_BACKENDS) + ["kokoro-tts", "Vllm", "llama.cpp", "-x"])),
        "project": _ANY,
        "description": _ANY,
        "command": _ANY,
        "vllm_version": _ANY,
        "task_type": st.one_of(_ANY, st.sampled_from(["text2text", "omni", "embeddings"])),
        "config": st.one_of(_ANY, st.dictionaries(_STRINGS, _ANY, max_size=2)),
        "execution_policy": st.one_of(_ANY, st.sampled_from(["fixed", "scheduled", "autoscaling", "manual"])),
        "execution_policy_config": _POLICY_CONFIG,
        "worker_id": _ANY,
        "gpu_resource_id": _ANY,
        "on_drift": st.one_of(_ANY, st.sampled_from(["reconcile", "fail", "dry_run", "warn", "ignore", "never"])),
        "modle": _ANY,
    },
)
# Mostly-valid documents, so the property test also explores the accepting side.
_NEARLY_VALID = st.builds(
    lambda base, extra: {**base, **extra},
    st.fixed_dictionaries({
        "name": st.just("Chat"), "slug": st.just("chat"), "model": st.just("m"),
        "backend": st.sampled_from(list(NATIVE_BACKENDS) + ["kokoro-tts"]),
    }),
    st.fixed_dictionaries({}, optional={
        "execution_policy": st.sampled_from(["fixed", "scheduled", "autoscaling"]),
        "execution_policy_config": _POLICY_CONFIG,
        "config": st.dictionaries(_STRINGS, _ANY, max_size=2),
        "vllm_version": _ANY,
    }),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_WORKLOADS, _NEARLY_VALID))
def test_both_judges_agree_on_generated_workloads(document):
    verdict = REFERENCE.is_valid(document)
    assert OURS.is_valid(document) == verdict
