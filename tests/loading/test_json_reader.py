"""Reading ``.json`` spec files: strict JSON semantics, positions, located errors."""

from __future__ import annotations

import json

import pytest

from inferencekey_ensure.loading.json_reader import parse_json
from inferencekey_ensure.loading.nodes import locate


def test_values_equal_what_the_json_module_returns():
    text = '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": {"c": 0}, "d": 9000000000000000000}'
    parsed = parse_json(text, "spec.json")
    assert parsed.problems == []
    assert parsed.documents[0].root.value == json.loads(text)
    assert isinstance(parsed.documents[0].root.value["b"]["c"], int)


def test_positions_of_keys_and_values():
    root = parse_json('{\n  "name": "Chat",\n  "list": [\n    1,\n    {"x": 2}\n  ]\n}', "spec.json").documents[0].root
    assert locate(root, ("name",)) == (2, 11)
    assert locate(root, ("name",), at_key=True) == (2, 3)
    assert locate(root, ("list", 1, "x")) == (5, 11)


@pytest.mark.parametrize(
    "text, line, column, fragment",
    [
        ('{"a": 1,}', 1, 9, "expected a double-quoted key, found '}'"),
        ('{"a": 1 "b": 2}', 1, 9, "expected ',' or '}'"),
        ("{'a': 1}", 1, 2, "double-quoted key"),
        ('{"a": 1} // comment', 1, 10, "extra data"),
        ('{"a": NaN}', 1, 7, "expected a value"),
        ('{"a": tru}', 1, 7, "expected a value"),
        ('{\n  "a": "x\ny"\n}', 2, 10, "invalid control character"),
        ('{"a": "\\q"}', 1, 8, "invalid \\escape"),
        ('{"a": [1, 2', 1, 12, "found the end of the file"),
        ('{"a": 1e999}', 1, 7, "out of range"),
        ("[" * 100 + "]" * 100, 1, 65, "nesting deeper than 64 levels"),
    ],
)
def test_malformed_json_is_one_located_error(text, line, column, fragment):
    parsed = parse_json(text, "spec.json")
    assert parsed.documents == []
    (problem,) = parsed.problems
    assert (problem.line, problem.column) == (line, column)
    assert fragment in problem.message


def test_a_duplicate_key_is_an_error_at_the_second_one_and_the_last_value_wins():
    parsed = parse_json('{"slug": "a",\n "slug": "b"}', "spec.json")
    (problem,) = parsed.problems
    assert (problem.line, problem.column, problem.rule) == (2, 2, "duplicate-key")
    assert parsed.documents[0].root.value == {"slug": "b"}
