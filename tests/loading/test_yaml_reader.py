"""Reading YAML into located values: positions, duplicates, aliases, tags, limits."""

from __future__ import annotations

import textwrap

import yaml

from inferencekey_ensure.loading.nodes import MappingNode, locate, node_at
from inferencekey_ensure.loading.yaml_reader import parse_yaml


def parse(text: str):
    return parse_yaml(textwrap.dedent(text), "spec.yaml")


def test_values_equal_what_yaml_safe_load_returns():
    text = """\
    name: Chat
    count: 3
    ratio: 0.5
    enabled: true
    nothing: ~
    items: [a, 'b', "c"]
    nested: {x: {y: [1, 2]}}
    """
    parsed = parse(text)
    assert parsed.problems == []
    assert parsed.documents[0].root.value == yaml.safe_load(textwrap.dedent(text))


def test_every_key_and_value_knows_its_line_and_column():
    root = parse("""\
    workloads:
      - name: Chat
        backend: vllm
    """).documents[0].root
    assert locate(root, ("workloads", 0)) == (2, 5)
    assert locate(root, ("workloads", 0, "backend")) == (3, 14)
    assert locate(root, ("workloads", 0, "backend"), at_key=True) == (3, 5)


def test_a_missing_path_locates_its_deepest_existing_ancestor():
    root = parse("a:\n  b: 1\n").documents[0].root
    assert locate(root, ("a", "zzz", 3)) == (2, 3)
    assert node_at(root, ("a", "zzz")) is None


def test_columns_count_characters_not_bytes():
    root = parse("é: x\nkey: 'naïve' \n").documents[0].root
    assert locate(root, ("é",)) == (1, 4)
    assert locate(root, ("key",)) == (2, 6)


def test_a_duplicate_key_is_reported_at_its_second_occurrence_naming_the_first():
    parsed = parse("""\
    name: a
    slug: b
    name: c
    """)
    (problem,) = parsed.problems
    assert (problem.line, problem.column, problem.rule, problem.json_path) == (3, 1, "duplicate-key", "$.name")
    assert "first at line 1, column 1" in problem.message


def test_duplicate_keys_are_found_in_nested_and_flow_mappings():
    parsed = parse("a: {x: 1, x: 2}\nb:\n  - {y: 1}\n  - y: 1\n    y: 2\n")
    assert [(p.line, p.json_path) for p in parsed.problems] == [(1, "$.a.x"), (5, "$.b[1].y")]


def test_aliases_and_merge_keys_resolve_like_pyyaml():
    text = """\
    base: &base {backend: vllm, model: m}
    one:
      <<: *base
      model: own
    two:
      <<: [*base, {extra: 1}]
    """
    parsed = parse(text)
    assert parsed.problems == []
    assert parsed.documents[0].root.value == yaml.safe_load(textwrap.dedent(text))


def test_an_alias_bomb_stops_early_with_a_located_error():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index, name in enumerate("bcdefghij"):
        previous = "abcdefghij"[index]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    parsed = parse_yaml("\n".join(lines) + "\n", "bomb.yaml")
    (problem,) = parsed.problems
    assert problem.rule == "alias" and "alias bomb" in problem.message
    assert problem.line < 10


def test_an_undefined_alias_is_a_located_error():
    (problem,) = parse("a: 1\nb: *nowhere\n").problems
    assert (problem.line, problem.column, problem.rule) == (2, 4, "alias")


def test_nesting_beyond_the_limit_is_a_located_error_not_a_crash():
    text = "a:\n" + "".join("  " * (level + 1) + f"k{level}:\n" for level in range(200))
    (problem,) = parse_yaml(text, "deep.yaml").problems
    assert problem.rule == "depth" and problem.line > 60


def test_flow_nesting_a_thousand_deep_is_an_error():
    parsed = parse_yaml("a: " + "[" * 1000 + "]" * 1000 + "\n", "deep.yaml")
    assert len(parsed.problems) == 1 and parsed.problems[0].rule in ("depth", "syntax")


def test_every_document_of_a_stream_is_read():
    parsed = parse("a: 1\n---\nb: 2\n...\n---\n- 3\n")
    assert [document.root.value for document in parsed.documents] == [{"a": 1}, {"b": 2}, [3]]
    assert [document.line for document in parsed.documents] == [1, 2, 5]


def test_a_syntax_error_is_located_and_earlier_documents_are_kept():
    parsed = parse("a: 1\n---\nb: [1,\nc: }\n")
    assert [document.root.value for document in parsed.documents] == [{"a": 1}]
    (problem,) = parsed.problems
    assert problem.rule == "syntax" and problem.line == 4


def test_a_control_character_is_a_located_syntax_error():
    (problem,) = parse_yaml("name: ok\nslug: \x07\n", "spec.yaml").problems
    assert (problem.line, problem.column, problem.rule) == (2, 7, "syntax")


def test_values_without_a_json_type_are_refused_with_a_hint():
    parsed = parse("when: 2024-01-01\nbig: .inf\nblob: !!binary aGk=\nodd: !custom x\n")
    messages = {problem.json_path: problem.message for problem in parsed.problems}
    assert "quote it" in messages["$.when"]
    assert "not a JSON number" in messages["$.big"]
    assert "unsupported YAML tag" in messages["$.blob"]
    assert "unsupported YAML tag" in messages["$.odd"]


def test_explicit_standard_tags_are_honoured():
    root = parse("a: !!str 0.10\nb: !!int '7'\n").documents[0].root
    assert root.value == {"a": "0.10", "b": 7}


def test_a_key_that_yaml_types_as_a_boolean_must_be_quoted():
    parsed = parse("on: push\n'off': 1\n")
    (problem,) = parsed.problems
    assert (problem.line, problem.rule) == (1, "key")
    assert "`on` is read as the boolean true" in problem.message and "quote it" in problem.message
    assert parsed.documents[0].root.value == {"off": 1}


def test_plain_scalars_remember_their_text_and_style():
    root = parse("a: 0.10\nb: '0.10'\n").documents[0].root
    assert isinstance(root, MappingNode)
    assert (root.children["a"].value, root.children["a"].text, root.children["a"].plain) == (0.1, "0.10", True)
    assert (root.children["b"].value, root.children["b"].plain) == ("0.10", False)
