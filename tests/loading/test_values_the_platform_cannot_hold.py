"""Values no platform answer could carry are refused where they are written, in YAML as in
JSON, with a short message: a lone surrogate, an integer beyond 64 bits."""

from __future__ import annotations

import pytest

from inferencekey_ensure.diagnostics.wording import show_value
from inferencekey_ensure.loading.json_reader import parse_json
from inferencekey_ensure.loading.limits import MAX_INTEGER
from inferencekey_ensure.loading.yaml_reader import parse_yaml


def _problems(kind: str, value: str):  # type: ignore[no-untyped-def]
    if kind == "json":
        return parse_json('{"name": "x",\n "replicas": ' + value + "}", "s.json").problems
    return parse_yaml("name: x\nreplicas: " + value + "\n", "s.yaml").problems


@pytest.mark.parametrize("kind", ["json", "yaml"])
@pytest.mark.parametrize("digits", [19, 4_000, 5_000])
def test_an_integer_beyond_64_bits_is_refused_at_its_line_with_a_short_message(kind: str, digits: int) -> None:
    value = "9" * digits
    problems = _problems(kind, value)
    assert [(p.line, p.column) for p in problems] == [(2, {"json": 14, "yaml": 11}[kind])], problems
    assert "beyond" in problems[0].message and len(problems[0].message) < 200
    assert f"{digits:,} digits" in problems[0].message or digits < 25


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_the_largest_64_bit_integers_are_fine(kind: str) -> None:
    assert _problems(kind, str(MAX_INTEGER)) == []
    assert _problems(kind, str(-MAX_INTEGER - 1)) == []
    assert len(_problems(kind, str(MAX_INTEGER + 1))) == 1


def test_a_lone_surrogate_in_json_is_refused_at_its_line() -> None:
    problems = parse_json('{"name": "ok",\n "description": "a \\ud800 b"}', "s.json").problems
    assert [(p.line, p.column, p.json_path) for p in problems] == [(2, 17, "$.description")]
    assert "surrogate" in problems[0].message and "\\ud800" in problems[0].message
    problems[0].message.encode("utf-8")


def test_a_lone_surrogate_in_a_json_key_is_refused_too() -> None:
    problems = parse_json('{"\\udc80": 1}', "s.json").problems
    assert len(problems) == 1 and "surrogate" in problems[0].message


def test_a_surrogate_pair_is_one_character_and_fine() -> None:
    parsed = parse_json('{"name": "\\ud83d\\ude00"}', "s.json")
    assert parsed.problems == []


def test_a_lone_surrogate_in_yaml_is_refused_too() -> None:
    problems = parse_yaml('name: "a \\ud800"\n', "s.yaml").problems
    assert [(p.line, p.rule) for p in problems] == [(1, "syntax")]


def test_a_huge_integer_is_shown_abbreviated() -> None:
    shown = show_value(10 ** 4000)
    assert len(shown) < 60 and "4,001 digits" in shown
