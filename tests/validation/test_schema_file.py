"""The published schema file: well-formed, documented, and the one the package uses."""

from __future__ import annotations

import json

import jsonschema
import pytest

from inferencekey_ensure.loading.schema_resource import load_schema, schema_text
from inferencekey_ensure.validation.schema_checker import SchemaChecker, UnsupportedSchemaError
from inferencekey_ensure.validation.schema_messages import PATTERN_MEANINGS
from support.validation import SCHEMA_PATH

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _schemas(node):
    """Every subschema (dict) inside ``node``, except ``if`` conditions (tests, not declarations)."""
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key != "if":
                yield from _schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas(value)


def test_the_schema_is_valid_draft_2020_12_with_an_id_and_a_title():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"].startswith("https://") and SCHEMA["title"]


def test_every_property_has_a_description_for_editors():
    missing = []
    for schema in _schemas(SCHEMA):
        for name, prop in schema.get("properties", {}).items():
            # A bare reference shows its target's description.
            target = SCHEMA["$defs"][prop["$ref"].rsplit("/", 1)[1]] if "$ref" in prop and "description" not in prop else prop
            if not target.get("description"):
                missing.append(name)
    assert missing == []


def test_workload_fields_are_the_sdk_names_plus_on_drift():
    fields = set(SCHEMA["$defs"]["workload"]["properties"]) - {"$schema"}
    assert fields == {
        "name", "slug", "model", "backend", "project", "description", "command", "vllm_version", "task_type",
        "config", "execution_policy", "execution_policy_config", "worker_id", "gpu_resource_id", "on_drift",
    }
    assert SCHEMA["$defs"]["workload"]["additionalProperties"] is False


def test_every_pattern_has_a_message_written_for_people():
    patterns = {schema["pattern"] for schema in _schemas(SCHEMA) if isinstance(schema.get("pattern"), str)}
    assert patterns - {"^ik_(live|sdk)_"} <= set(PATTERN_MEANINGS)


def test_the_package_validates_with_the_repository_file():
    assert schema_text() == SCHEMA_PATH.read_text(encoding="utf-8")
    assert load_schema() == SCHEMA


@pytest.mark.parametrize("schema", [{"format": "email"}, {"properties": {"a": {"maxLength": 3}}}, {"$ref": "https://x/y.json"}])
def test_a_keyword_the_checker_does_not_implement_is_refused_not_ignored(schema):
    with pytest.raises(UnsupportedSchemaError):
        SchemaChecker(schema)
