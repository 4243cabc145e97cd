"""Schema errors -> problems a person can act on, located at the offending node.

Each leaf error gets its own sentence: an unknown field is reported at its name
with the field it probably misspells, a missing one at the start of its mapping,
a YAML value the schema wants as a string but YAML 1.1 typed otherwise gets "quote
it", and an ``anyOf`` names what was expected rather than saying "not valid under
any of the given schemas". Credential-prefix failures are left to the secret rule,
which reports them without echoing the value.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from inferencekey_ensure.diagnostics.problem import Problem, json_path, problem_at
from inferencekey_ensure.diagnostics.wording import closest, describe_value, did_you_mean, show_value
from inferencekey_ensure.domain.secrets import starts_with_forbidden_prefix
from inferencekey_ensure.loading.nodes import Node, ScalarNode, locate, node_at
from inferencekey_ensure.validation.schema_checker import SchemaError
from inferencekey_ensure.validation.sdk_spellings import sdk_member_message, sdk_member_value

_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
# What each pattern of the schema means, said the way a user fixes it.
PATTERN_MEANINGS: Dict[str, Tuple[str, str]] = {
    r"\S": ("must not be blank", "schema"),
    "[A-Za-z0-9]": (
        "{value} canonicalises to an empty slug; a slug needs at least one ASCII letter or digit",
        "slug",
    ),
    "^[a-z0-9]+(-[a-z0-9]+)*$": ("{value} must be lower-case letters and digits, words joined by single '-'", "schema"),
}
# A file-level key that a single-workload document might have misspelt.
_FILE_KEYS = ("workloads",)

_Explained = Tuple[Tuple[Any, ...], bool, str, str]  # path, at_key, message, rule


class _Explainer:
    def __init__(self, root: Node) -> None:
        self.root = root

    def node(self, path: Sequence[Any]) -> Optional[Node]:
        return node_at(self.root, path)

    def written(self, path: Sequence[Any], value: Any) -> str:
        """The value as the user wrote it: plain YAML text when YAML typed it otherwise."""
        node = self.node(path)
        if isinstance(node, ScalarNode) and node.plain and not isinstance(value, str):
            return f"`{node.text}` (read as {describe_value(value)})"
        return show_value(value)

    def explain(self, error: SchemaError) -> List[_Explained]:
        handler: Optional[Callable[[SchemaError], List[_Explained]]] = getattr(self, "_" + error.keyword, None)
        if handler is None:
            return [(error.path, False, f"{self.written(error.path, error.instance)} is not allowed here", "schema")]
        return handler(error)

    # -- one method per keyword ------------------------------------------------------------
    def _type(self, error: SchemaError) -> List[_Explained]:
        expected = " or ".join(_TYPE_WORDS[name] for name in error.detail)
        value = error.instance
        if not error.path:
            message = f"a spec document must be a mapping (one workload's fields, or `workloads: [...]`), not {describe_value(value)}"
            return [((), False, message, "schema")]
        node = self.node(error.path)
        if "string" in error.detail and isinstance(node, ScalarNode) and node.plain:
            message = f"`{node.text}` is read as {describe_value(value)} (YAML 1.1), not a string; quote it: \"{node.text}\""
            return [(error.path, False, message, "coercion")]
        return [(error.path, False, f"expected {expected}, got {describe_value(value)}", "schema")]

    def _enum(self, error: SchemaError) -> List[_Explained]:
        field = _field_name(error.path)
        choices = ", ".join(str(option) for option in error.detail)
        options = [option for option in error.detail if isinstance(option, str)]
        member = sdk_member_value(error.instance, options)
        if member is not None:
            return [(error.path, False, sdk_member_message(error.instance, member), "sdk-spelling")]
        message = (
            f"{self.written(error.path, error.instance)} is not a valid {field}{did_you_mean(error.instance, options)}"
            f" (expected one of: {choices})"
        )
        return [(error.path, False, message, "schema")]

    def _const(self, error: SchemaError) -> List[_Explained]:
        return [(error.path, False, f"must be {show_value(error.detail)}", "schema")]

    def _pattern(self, error: SchemaError) -> List[_Explained]:
        meaning, rule = PATTERN_MEANINGS.get(error.detail, ("{value} does not match the pattern " + repr(error.detail), "schema"))
        return [(error.path, False, meaning.format(value=show_value(error.instance)), rule)]

    def _minLength(self, error: SchemaError) -> List[_Explained]:  # noqa: N802 (keyword name)
        return [(error.path, False, "must not be empty", "schema")]

    def _minItems(self, error: SchemaError) -> List[_Explained]:  # noqa: N802
        wanted = "must not be empty" if error.detail == 1 else f"needs at least {error.detail} items"
        return [(error.path, False, wanted, "schema")]

    def _minimum(self, error: SchemaError) -> List[_Explained]:
        return [(error.path, False, f"must be at least {error.detail}, got {show_value(error.instance)}", "schema")]

    def _exclusiveMinimum(self, error: SchemaError) -> List[_Explained]:  # noqa: N802
        return [(error.path, False, f"must be greater than {error.detail}, got {show_value(error.instance)}", "schema")]

    def _required(self, error: SchemaError) -> List[_Explained]:
        return [(error.path, False, f"missing required field '{error.detail}'", "schema")]

    def _additionalProperties(self, error: SchemaError) -> List[_Explained]:  # noqa: N802
        key = error.detail
        known = [name for name in error.schema.get("properties", {}) if not name.startswith("$")]
        candidates = known + list(_FILE_KEYS) if len(error.path) == 1 else known
        hint = did_you_mean(key, candidates)
        if not hint:
            hint = f" (allowed: {', '.join(known)})"
        return [(error.path, True, f"unknown field {show_value(key)}{hint}", "schema")]

    def _not(self, error: SchemaError) -> List[_Explained]:
        if isinstance(error.instance, str) and starts_with_forbidden_prefix(error.instance):
            return []  # the secret rule reports it, without the value
        if error.detail == {}:
            key = _field_name(error.path)
            return [(error.path, True, f"field '{key}' is refused: {error.schema.get('description', 'not allowed here')}", "schema")]
        return [(error.path, False, f"{self.written(error.path, error.instance)} is not allowed here", "schema")]

    def _false(self, error: SchemaError) -> List[_Explained]:
        return [(error.path, True, f"field '{_field_name(error.path)}' is not allowed here", "schema")]

    def _propertyNames(self, error: SchemaError) -> List[_Explained]:  # noqa: N802
        if starts_with_forbidden_prefix(error.instance):
            return []
        return [(error.path, True, f"key {show_value(error.instance)} is not allowed here", "schema")]

    def _anyOf(self, error: SchemaError) -> List[_Explained]:  # noqa: N802
        branches = error.branches
        if all(e.keyword == "required" and e.path == error.path for branch in branches for e in branch):
            names = " or ".join(f"'{e.detail}'" for branch in branches for e in branch)
            return [(error.path, False, f"needs {names}", "schema")]
        deeper = [branch for branch in branches if all(len(e.path) > len(error.path) for e in branch)]
        if deeper:
            return [item for e in min(deeper, key=len) for item in self.explain(e)]
        alternatives = []
        options: List[str] = []
        for branch_schema in error.detail:
            words = branch_schema.get("description", "a different value")
            if "enum" in branch_schema:
                options += [option for option in branch_schema["enum"] if isinstance(option, str)]
                words += f" ({', '.join(str(option) for option in branch_schema['enum'])})"
            alternatives.append(words)
        member = sdk_member_value(error.instance, options)
        if member is not None:
            return [(error.path, False, sdk_member_message(error.instance, member), "sdk-spelling")]
        message = f"{self.written(error.path, error.instance)} is not {' nor '.join(alternatives)}"
        return [(error.path, False, message + did_you_mean(error.instance, options), "schema")]


def _field_name(path: Sequence[Any]) -> str:
    names = [part for part in path if isinstance(part, str)]
    return names[-1] if names else "value"


def _misspelt_file_key(explained: List[_Explained]) -> bool:
    """A single-workload reading of a file whose ``workloads`` key is misspelt."""
    return any(
        at_key and len(path) == 1 and isinstance(path[0], str) and closest(path[0], _FILE_KEYS) is not None
        for path, at_key, _, _ in explained
    )


def schema_problems(errors: List[SchemaError], root: Node) -> List[Problem]:
    """One problem per distinct finding, located in ``root`` (the document's node)."""
    explainer = _Explainer(root)
    explained = [item for error in errors for item in explainer.explain(error)]
    if _misspelt_file_key(explained):
        # Its workloads were read as one workload: "missing name" there would mislead.
        explained = [item for item in explained if item[0] or "missing required field" not in item[2]]
    problems: List[Problem] = []
    seen = set()
    for path, at_key, message, rule in explained:
        line, column = locate(root, path, at_key=at_key)
        problem = problem_at(line, column, json_path(path), message, rule=rule)
        if (problem.line, problem.column, problem.json_path, problem.message) not in seen:
            seen.add((problem.line, problem.column, problem.json_path, problem.message))
            problems.append(problem)
    return problems
