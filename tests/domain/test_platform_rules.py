"""The Manager's cross-field rules, held on both sides: ``validate`` and the emulator.

Each refused case must be an error of ``validate`` located at the offending node
and a 400 of the emulator (what ``plan --local`` / ``apply --local`` run against),
with the same words; each accepted case must pass both. The rules themselves live
once, in ``domain.platform_rules``.
"""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import create_body
from inferencekey_ensure.emulator.validation import BodyError, validated_create, validated_patch
from support.validation import check

BASE: Dict[str, Any] = {"name": "Chat", "slug": "chat", "model": "m/m", "backend": "vllm"}
CLOUD_POOL = {"source": "cloud", "cloud_pool": {"gpu_pool": ["NVIDIA L4"]}}
PRIVATE = {"source": "private", "private_worker_ids": ["wrk_1"]}

REFUSED = [
    ("autoscaling with no config", {"execution_policy": "autoscaling"},
     "$.execution_policy", "the smallest config it accepts: `execution_policy_config: {max_hourly_cost_usd: 5.0}`"),
    ("cloud by default without a cap", {"execution_policy": "autoscaling", "execution_policy_config": {"max_workers": 3}},
     "$.execution_policy_config", "cloud autoscaling (no `workers` (cloud is the default placement)) needs max_hourly_cost_usd above 0"),
    ("cloud source without a cap", {"execution_policy": "autoscaling", "execution_policy_config": {"workers": CLOUD_POOL}},
     "$.execution_policy_config", "cloud autoscaling (`workers.source: cloud`) needs max_hourly_cost_usd above 0"),
    ("cloud source without a pool", {"execution_policy": "autoscaling",
                                     "execution_policy_config": {"max_hourly_cost_usd": 2, "workers": {"source": "cloud"}}},
     "$.execution_policy_config.workers", "cloud workers need a `cloud_pool`"),
    ("private without worker ids", {"execution_policy": "autoscaling", "execution_policy_config": {"workers": {"source": "private"}}},
     "$.execution_policy_config.workers", "private workers need `private_worker_ids`"),
    ("private with a cap", {"execution_policy": "autoscaling",
                            "execution_policy_config": {"max_hourly_cost_usd": 2, "workers": PRIVATE}},
     "$.execution_policy_config.max_hourly_cost_usd", "private autoscaling runs on your own workers and takes no cost cap"),
    ("legacy flat pool with a cuda pin", {"execution_policy": "autoscaling", "execution_policy_config": {
        "max_hourly_cost_usd": 2, "gpu_pool": ["NVIDIA L4"], "allowed_cuda_versions": ["12.4"]}},
     "$.execution_policy_config.allowed_cuda_versions", "legacy cloud form and cannot carry allowed_cuda_versions"),
    ("bounds the wrong way round", {"execution_policy": "autoscaling", "execution_policy_config": {
        "max_hourly_cost_usd": 2, "min_workers": 3, "max_workers": 1}},
     "$.execution_policy_config.max_workers", "max_workers (1) is below min_workers (3)"),
    ("a key of another kind", {"execution_policy": "fixed", "execution_policy_config": {"replicas": 1, "cron": "0 1 * * *"}},
     "$.execution_policy_config.cron", "'cron' configures the 'scheduled' policy, not 'fixed'"),
]

ACCEPTED = [
    ("smallest cloud autoscaling", {"execution_policy": "autoscaling", "execution_policy_config": {"max_hourly_cost_usd": 5.0}}),
    ("smallest private autoscaling", {"execution_policy": "autoscaling", "execution_policy_config": {"workers": PRIVATE}}),
    ("cloud pool with a cap", {"execution_policy": "autoscaling",
                               "execution_policy_config": {"max_hourly_cost_usd": 1, "workers": CLOUD_POOL}}),
    ("legacy flat pool with a cap", {"execution_policy": "autoscaling",
                                     "execution_policy_config": {"max_hourly_cost_usd": 1, "gpu_pool": ["NVIDIA L4"]}}),
    ("fixed", {"execution_policy": "fixed", "execution_policy_config": {"replicas": 1}}),
    ("no policy at all", {}),
]


def _validate(tmp_path, fields: Dict[str, Any]):
    return check(tmp_path, "spec.json", json.dumps({**BASE, **fields}, indent=1))


@pytest.mark.parametrize("name, fields, path, words", REFUSED, ids=[case[0] for case in REFUSED])
def test_validate_refuses_at_the_offending_node(tmp_path, name, fields, path, words):
    errors = [problem for problem in _validate(tmp_path, fields) if problem.is_error]
    assert [(problem.json_path, problem.rule) for problem in errors] == [(path, "policy")]
    assert words in errors[0].message


@pytest.mark.parametrize("name, fields, path, words", REFUSED, ids=[case[0] for case in REFUSED])
def test_the_emulator_refuses_the_same_body_with_the_same_words(name, fields, path, words):
    with pytest.raises(BodyError) as refused:
        validated_create(create_body(WorkloadSpec(**BASE, **fields)))
    assert words in str(refused.value)


@pytest.mark.parametrize("name, fields", ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_the_smallest_correct_configs_pass_both(tmp_path, name, fields):
    assert [problem for problem in _validate(tmp_path, fields) if problem.is_error] == []
    stored = validated_create(create_body(WorkloadSpec(**BASE, **fields)))
    assert stored.get("execution_policy_config") == fields.get("execution_policy_config")


def test_the_emulator_refuses_a_patch_to_autoscaling_that_keeps_no_config():
    current = validated_create(create_body(WorkloadSpec(**BASE)))
    with pytest.raises(BodyError, match="autoscaling with no execution_policy_config"):
        validated_patch({"execution_policy": "autoscaling"}, current)


def test_the_autoscaling_error_shows_the_smallest_config_in_the_file(tmp_path):
    (problem,) = check(tmp_path, "s.yaml", "name: Chat\nslug: chat\nmodel: m/m\nbackend: vllm\nexecution_policy: autoscaling\n")
    assert (problem.line, problem.column, problem.json_path) == (5, 19, "$.execution_policy")
    assert "`execution_policy_config: {max_hourly_cost_usd: 5.0}`" in problem.message
    assert "`execution_policy_config: {workers: {source: private, private_worker_ids: [<worker id>]}}`" in problem.message
