"""Does a workload's ``execution_policy_config`` fit its ``execution_policy`` kind?

The platform validates a workload's kind against the config it holds, so a PATCH
that switches the kind without carrying a fitting config is refused; that refusal
is why the SDK sends the config on every kind switch, and the emulator enforces it
so a client that forgets is caught. Nothing here is the emulator's own: the
per-kind shapes are the JSON Schema's definitions (``fixedConfig``...) and the
cross-field rules are ``domain.platform_rules``, the ones ``validate`` applies.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from inferencekey_ensure.domain.platform_rules import platform_findings, policy_keys_from_schema
from inferencekey_ensure.loading.schema_resource import load_schema
from inferencekey_ensure.validation.schema_checker import SchemaChecker, SchemaError

_WORDS = {
    "type": "has the wrong type",
    "required": "needs {detail}",
    "minimum": "must be at least {detail}",
    "exclusiveMinimum": "must be greater than {detail}",
    "minItems": "must not be empty",
    "pattern": "must not be blank",
    "enum": "must be one of {detail}",
    "not": "is refused",
}


@lru_cache(maxsize=1)
def _shapes() -> Tuple[Dict[str, SchemaChecker], Dict[str, FrozenSet[str]]]:
    schema = load_schema()
    keys = policy_keys_from_schema(schema)
    definitions = schema["$defs"]
    checkers = {
        kind: SchemaChecker({"$defs": definitions, "allOf": [{"$ref": "#/$defs/policyConfig"}, {"$ref": f"#/$defs/{kind}Config"}]})
        for kind in keys
    }
    return checkers, keys


def _sentence(error: SchemaError) -> str:
    where = ".".join(str(part) for part in error.path) or "the config"
    if error.keyword == "anyOf":
        return f"{where} needs one of: " + ", ".join(
            str(branch_error.detail) for branch in error.branches for branch_error in branch
        )
    if error.keyword == "not" and error.detail == {}:
        return f"{where} is refused: {error.schema.get('description', 'not allowed')}"
    return f"{where} " + _WORDS.get(error.keyword, "is invalid").format(detail=error.detail)


def policy_config_problem(fields: Mapping[str, Any]) -> Optional[str]:
    """Why the workload's policy fields would be refused (None when they fit)."""
    kind = fields.get("execution_policy")
    checkers, keys = _shapes()
    if not isinstance(kind, str) or kind not in checkers:
        return None
    prefix = f"execution_policy_config does not fit execution_policy {kind!r}"
    refusals = [finding for finding in platform_findings(fields, keys) if finding.is_error]
    # A key of another kind explains the most; then the kind's own shape; then the other rules.
    refusals.sort(key=lambda finding: finding.other_kind is None)
    if refusals and refusals[0].other_kind is not None:
        return f"{prefix}: {refusals[0].message}"
    config = fields.get("execution_policy_config")
    errors = checkers[kind].errors(config) if config is not None else []
    if errors:
        return f"{prefix}: {_sentence(errors[0])}"
    return f"{prefix}: {refusals[0].message}" if refusals else None
