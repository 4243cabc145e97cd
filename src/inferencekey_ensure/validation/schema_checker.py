"""Evaluates the workload-spec JSON Schema (Draft 2020-12) against a parsed value.

Why not the ``jsonschema`` package: the validator runs on every commit, and that
package costs about 70 ms to import (measured: median 73 ms over 15 fresh processes,
jsonschema 4.26, Python 3.11, .pyc cached) and a few milliseconds per document here,
several times the whole budget. The schema uses a small set of keywords, so this
module implements exactly those, with Draft 2020-12 semantics, and refuses to load
a schema that uses any other (a silently ignored keyword would be a hole). Tests
hold it to the ``jsonschema`` package and to check-jsonschema on a corpus.

Errors are leaves (a failed ``type``, ``required``, unknown key...) at instance
paths; an ``anyOf`` keeps each branch's errors so the message layer can pick the
helpful one instead of "is not valid under any of the given schemas".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Tuple

from inferencekey_ensure.diagnostics.problem import PathPart
from inferencekey_ensure.domain.errors import IkEnsureError

Schema = Any  # a dict, or True/False
Path = Tuple[PathPart, ...]

# Keywords that only describe (for editors and people); they never fail.
ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated", "$defs"}
)
class UnsupportedSchemaError(IkEnsureError, ValueError):
    """The schema uses a keyword this evaluator does not implement."""


@dataclass
class SchemaError:
    """One failed keyword. ``detail``: the missing field, or an anyOf's branch errors."""

    path: Path
    keyword: str
    schema: Dict[str, Any]
    instance: Any
    detail: Any = None
    at_key: bool = False
    branches: List[List["SchemaError"]] = field(default_factory=list)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPE_TESTS: Dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": lambda v: _is_number(v) and (isinstance(v, int) or float(v).is_integer()),
}


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: ``1 == 1.0`` but ``true != 1`` (Python's ``==`` says otherwise)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


Validator = Callable[[Any, Path, List[SchemaError]], None]


def _accept(instance: Any, path: Path, out: List[SchemaError]) -> None:
    return None


class SchemaChecker:
    """A schema compiled once into nested closures, then evaluated per document.

    Compiling resolves every reference and pattern up front, so evaluating a
    document is plain function calls: about five times faster than interpreting
    the schema dictionary on each call.
    """

    def __init__(self, schema: Dict[str, Any]) -> None:
        self.schema = schema
        self._compiled: Dict[int, Validator] = {}
        self._validate = self._compile(schema, "#")

    def errors(self, instance: Any) -> List[SchemaError]:
        """Every leaf error of ``instance`` against the schema."""
        out: List[SchemaError] = []
        self._validate(instance, (), out)
        return out

    def is_valid(self, instance: Any) -> bool:
        return not self.errors(instance)

    def resolve(self, ref: str) -> Schema:
        """A local JSON-pointer reference (``#/$defs/workload``)."""
        if not ref.startswith("#"):
            raise UnsupportedSchemaError(f"only local references are supported, not {ref!r}")
        target: Any = self.schema
        for token in filter(None, ref[1:].split("/")):
            token = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or token not in target:
                raise UnsupportedSchemaError(f"unresolvable reference {ref!r}")
            target = target[token]
        return target

    def _compile(self, schema: Schema, where: str) -> Validator:
        if schema is True:
            return _accept
        if schema is False:
            return lambda instance, path, out: out.append(SchemaError(path, "false", {}, instance))
        if not isinstance(schema, dict):
            raise UnsupportedSchemaError(f"{where}: a schema must be an object or a boolean")
        known = self._compiled.get(id(schema))
        if known is not None:
            return known
        # A reference cycle (noCredentials refers to itself) reaches this schema again
        # before it is compiled: the cell is filled in once compiling finishes.
        cell: List[Validator] = []
        self._compiled[id(schema)] = lambda instance, path, out: cell[0](instance, path, out)
        parts: List[Validator] = []
        for keyword, value in schema.items():
            if keyword not in SUPPORTED:
                raise UnsupportedSchemaError(f"{where}: keyword {keyword!r} is not supported")
            if keyword == "$defs":
                for name, sub in value.items():
                    self._compile(sub, f"{where}/$defs/{name}")
            elif keyword not in ANNOTATIONS and keyword not in ("then", "else"):
                parts.append(_KEYWORDS[keyword](self, schema, value, f"{where}/{keyword}"))

        def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
            for part in parts:
                part(instance, path, out)

        compiled = parts[0] if len(parts) == 1 else (_accept if not parts else validate)
        cell.append(compiled)
        self._compiled[id(schema)] = compiled
        return compiled

    def _branch(self, schema: Schema, where: str) -> Callable[[Any, Path], List[SchemaError]]:
        validate = self._compile(schema, where)

        def run(instance: Any, path: Path) -> List[SchemaError]:
            out: List[SchemaError] = []
            validate(instance, path, out)
            return out

        return run


_Compiler = Callable[[SchemaChecker, Dict[str, Any], Any, str], Validator]


def _ref(checker: SchemaChecker, schema: Dict[str, Any], value: str, where: str) -> Validator:
    return checker._compile(checker.resolve(value), value)


def _type(checker: SchemaChecker, schema: Dict[str, Any], value: Any, where: str) -> Validator:
    names = value if isinstance(value, list) else [value]
    unknown = [name for name in names if name not in _TYPE_TESTS]
    if unknown:
        raise UnsupportedSchemaError(f"{where}: unknown type {unknown[0]!r}")
    tests = [_TYPE_TESTS[name] for name in names]

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        for test in tests:
            if test(instance):
                return
        out.append(SchemaError(path, "type", schema, instance, names))

    return validate


def _enum(checker: SchemaChecker, schema: Dict[str, Any], value: List[Any], where: str) -> Validator:
    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        for option in value:
            if json_equal(instance, option):
                return
        out.append(SchemaError(path, "enum", schema, instance, value))

    return validate


def _const(checker: SchemaChecker, schema: Dict[str, Any], value: Any, where: str) -> Validator:
    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        if not json_equal(instance, value):
            out.append(SchemaError(path, "const", schema, instance, value))

    return validate


def _pattern(checker: SchemaChecker, schema: Dict[str, Any], value: str, where: str) -> Validator:
    search = re.compile(value).search

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        if isinstance(instance, str) and not search(instance):
            out.append(SchemaError(path, "pattern", schema, instance, value))

    return validate


def _bound(keyword: str, applies: Callable[[Any], bool], fails: Callable[[Any, Any], bool]) -> _Compiler:
    def compile_bound(checker: SchemaChecker, schema: Dict[str, Any], value: Any, where: str) -> Validator:
        def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
            if applies(instance) and fails(instance, value):
                out.append(SchemaError(path, keyword, schema, instance, value))

        return validate

    return compile_bound


def _required(checker: SchemaChecker, schema: Dict[str, Any], value: List[str], where: str) -> Validator:
    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        if isinstance(instance, dict):
            for name in value:
                if name not in instance:
                    out.append(SchemaError(path, "required", schema, instance, name))

    return validate


def _properties(checker: SchemaChecker, schema: Dict[str, Any], value: Dict[str, Schema], where: str) -> Validator:
    compiled = [(name, checker._compile(sub, f"{where}/{name}")) for name, sub in value.items()]

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        if isinstance(instance, dict):
            for name, check in compiled:
                if name in instance:
                    check(instance[name], path + (name,), out)

    return validate


def _additional_properties(checker: SchemaChecker, schema: Dict[str, Any], value: Schema, where: str) -> Validator:
    declared = frozenset(schema.get("properties", {}))
    check = checker._compile(value, where)

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        if not isinstance(instance, dict):
            return
        for name, item in instance.items():
            if name in declared:
                continue
            if value is False:
                out.append(SchemaError(path + (name,), "additionalProperties", schema, item, name, at_key=True))
            else:
                check(item, path + (name,), out)

    return validate


def _property_names(checker: SchemaChecker, schema: Dict[str, Any], value: Schema, where: str) -> Validator:
    run = checker._branch(value, where)

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        if isinstance(instance, dict):
            for name in instance:
                failed = run(name, path + (name,))
                if failed:
                    out.append(SchemaError(path + (name,), "propertyNames", schema, name, failed, at_key=True))

    return validate


def _items(checker: SchemaChecker, schema: Dict[str, Any], value: Schema, where: str) -> Validator:
    check = checker._compile(value, where)

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        if isinstance(instance, list):
            for index, item in enumerate(instance):
                check(item, path + (index,), out)

    return validate


def _not(checker: SchemaChecker, schema: Dict[str, Any], value: Schema, where: str) -> Validator:
    run = checker._branch(value, where)

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        if not run(instance, path):
            out.append(SchemaError(path, "not", schema, instance, value))

    return validate


def _all_of(checker: SchemaChecker, schema: Dict[str, Any], value: List[Schema], where: str) -> Validator:
    checks = [checker._compile(sub, f"{where}/{index}") for index, sub in enumerate(value)]

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        for check in checks:
            check(instance, path, out)

    return validate


def _any_of(checker: SchemaChecker, schema: Dict[str, Any], value: List[Schema], where: str) -> Validator:
    runs = [checker._branch(sub, f"{where}/{index}") for index, sub in enumerate(value)]

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        branches = []
        for run in runs:
            failed = run(instance, path)
            if not failed:
                return
            branches.append(failed)
        out.append(SchemaError(path, "anyOf", schema, instance, value, branches=branches))

    return validate


def _if(checker: SchemaChecker, schema: Dict[str, Any], value: Schema, where: str) -> Validator:
    condition = checker._branch(value, where)
    then = checker._compile(schema.get("then", True), f"{where}/../then")
    otherwise = checker._compile(schema.get("else", True), f"{where}/../else")

    def validate(instance: Any, path: Path, out: List[SchemaError]) -> None:
        (otherwise if condition(instance, path) else then)(instance, path, out)

    return validate


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


_KEYWORDS: Dict[str, _Compiler] = {
    "$ref": _ref,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "minLength": _bound("minLength", _is_string, lambda instance, limit: len(instance) < limit),
    "minItems": _bound("minItems", _is_list, lambda instance, limit: len(instance) < limit),
    "minimum": _bound("minimum", _is_number, lambda instance, limit: instance < limit),
    "exclusiveMinimum": _bound("exclusiveMinimum", _is_number, lambda instance, limit: instance <= limit),
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "propertyNames": _property_names,
    "items": _items,
    "not": _not,
    "allOf": _all_of,
    "anyOf": _any_of,
    "if": _if,
}
# "then"/"else" are read by "if"; every other keyword must have a compiler above.
SUPPORTED = frozenset(_KEYWORDS) | ANNOTATIONS | {"then", "else"}
