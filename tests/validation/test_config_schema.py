"""The published schema of ``.ik-ensure.yaml``: well-formed, in step with the policy rules the
code implements, evaluated by the in-house checker as the ``jsonschema`` package does."""

from __future__ import annotations

import json
import sys

import jsonschema
import pytest
import yaml

from inferencekey_ensure.domain.fields import REQUIRED, SPEC_NAMES
from inferencekey_ensure.domain.repo_config import RULES, Policy, config_from, rule_id
from inferencekey_ensure.loading.schema_resource import CONFIG_SCHEMA_FILE, load_schema, schema_text
from inferencekey_ensure.report.validation_sarif import RULE_DESCRIPTIONS
from inferencekey_ensure.validation.schema_checker import SchemaChecker
from support.validation import REPO

PATH = REPO / "schemas" / CONFIG_SCHEMA_FILE
SCHEMA = json.loads(PATH.read_text(encoding="utf-8"))
ISSUE_EXAMPLE = """\
project: acme
policy:
  allowed_backends: [vllm, llamacpp]
  allowed_models: ["Qwen/*", "meta-llama/*"]
  allowed_gpus: ["NVIDIA L4", "NVIDIA A10G"]
  max_workload_hourly_usd: 10
  max_project_hourly_usd: 40
  require_fields: [description]
  forbid_uncapped: true
  advisory: [require_fields]
"""


def test_the_schema_is_valid_draft_2020_12_and_the_one_the_package_reads():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert schema_text(CONFIG_SCHEMA_FILE) == PATH.read_text(encoding="utf-8")
    assert load_schema(CONFIG_SCHEMA_FILE) == SCHEMA


def test_the_wheel_carries_the_schema_beside_the_spec_schema():
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    included = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included[f"schemas/{CONFIG_SCHEMA_FILE}"] == f"inferencekey_ensure/schemas/{CONFIG_SCHEMA_FILE}"


def test_the_policy_keys_are_the_rules_the_code_checks_and_each_can_be_advisory():
    policy = SCHEMA["$defs"]["policy"]
    assert set(policy["properties"]) - {"advisory"} == set(RULES)
    assert policy["properties"]["advisory"]["items"]["enum"] == list(RULES)
    assert set(policy["properties"]["require_fields"]["items"]["enum"]) == SPEC_NAMES - set(REQUIRED)
    assert all(rule_id(rule) in RULE_DESCRIPTIONS for rule in RULES)


def test_the_issues_example_is_valid_and_reads_as_typed_values():
    values = yaml.safe_load(ISSUE_EXAMPLE)
    assert SchemaChecker(SCHEMA).errors(values) == []
    config = config_from(values, ".ik-ensure.yaml")
    assert config.project == "acme"
    assert config.policy == Policy(
        allowed_backends=("vllm", "llamacpp"), allowed_models=("Qwen/*", "meta-llama/*"),
        allowed_gpus=("NVIDIA L4", "NVIDIA A10G"), max_workload_hourly_usd=10.0, max_project_hourly_usd=40.0,
        require_fields=("description",), forbid_uncapped=True, advisory=frozenset({"require_fields"}),
    )


@pytest.mark.parametrize("values", [
    {"project": "acme"}, {"projekt": "acme"}, {"project": ""}, {"policy": {"max_workload_hourly_usd": 0}},
    {"policy": {"allowed_models": []}}, {"policy": {"advisory": ["no_such_rule"]}}, {"policy": {"forbid_uncapped": "yes"}},
    {"policy": {"require_fields": ["name"]}}, [], {"policy": None},
])
def test_the_in_house_checker_agrees_with_jsonschema(values):
    expected = jsonschema.Draft202012Validator(SCHEMA).is_valid(values)
    assert (SchemaChecker(SCHEMA).errors(values) == []) is expected
