"""YAML's common mistakes in plain words, at the line of the mistake (not where PyYAML noticed it)."""

from __future__ import annotations

import pytest

from inferencekey_ensure.cli import exit_codes
from inferencekey_ensure.loading.yaml_reader import parse_yaml
from support.cli import run_cli

HEAD = "project: acme\nworkloads:\n  - name: Bot\n    slug: bot\n    backend: vllm\n"


def _only_problem(text: str):
    problems = parse_yaml(text, "chat.yaml").problems
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.rule == "syntax" and problem.message.startswith("YAML syntax error: ")
    return problem.line, problem.column, problem.message[len("YAML syntax error: "):]


@pytest.mark.parametrize(("text", "line", "column"), [
    (HEAD + "\tmodel: m\n", 6, 1),
    ("project: acme\nworkloads:\n\t- name: Bot\n", 3, 1),
    (HEAD + "  \tmodel: m\n", 6, 3),
])
def test_a_tab_says_indent_with_spaces_at_the_tab(text, line, column):
    assert _only_problem(text) == (line, column, "a tab in the indentation; indent with spaces, not a tab")


@pytest.mark.parametrize(("text", "line"), [
    (HEAD + "    model:Qwen/Qwen3-8B\n    command: vllm serve Qwen/Qwen3-8B\n", 6),  # PyYAML says line 7
    (HEAD + "    model:Qwen/Qwen3-8B\n", 6),
    ("project:acme\nworkloads: []\n", 1),
])
def test_a_missing_space_after_a_colon_points_at_the_colon_and_says_what_to_write(text, line):
    found_line, column, message = _only_problem(text)
    assert found_line == line
    key = "project" if line == 1 else "model"
    value = "acme" if line == 1 else "Qwen/Qwen3-8B"
    assert column == text.split("\n")[line - 1].index(":") + 1
    assert message == f"`{key}:{value}` needs a space after the colon: write `{key}: {value}`"


@pytest.mark.parametrize(("text", "line", "indent", "above"), [
    (HEAD + "     model: m\n", 6, 5, 4),
    (HEAD + "   model: m\n", 6, 3, 4),
    ("project: acme\n  workloads: []\n", 2, 2, 0),
])
def test_a_bad_indent_is_named_at_its_line_with_both_indents(text, line, indent, above):
    assert _only_problem(text) == (
        line, indent + 1,
        f"this line is indented by {indent} spaces but the key above it by {above}: keys of one mapping start "
        "in the same column")


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_points_where_it_opened(quote):
    text = f"project: acme\nworkloads:\n  - name: {quote}Bot\n    slug: bot\n"
    assert _only_problem(text) == (
        3, 11, f"the quote {quote} opened here is never closed; end the value with a matching {quote}")


@pytest.mark.parametrize(("text", "line", "column", "pair"), [
    ("project: acme\nworkloads: [\n  {name: a}\n", 2, 12, ("[", "]")),
    ("project: acme\nworkloads:\n  - {name: a, slug: b\n  - name: c\n", 3, 5, ("{", "}")),
])
def test_an_unclosed_bracket_points_where_it_opened(text, line, column, pair):
    found = _only_problem(text)
    assert found[:2] == (line, column)
    assert found[2].startswith(f"the `{pair[0]}` opened here is never closed") and f"`{pair[1]}`" in found[2]


def test_a_value_starting_with_a_reserved_character_says_quote_it():
    assert _only_problem("project: @acme\n")[2] == 'a plain value cannot start with `@`; quote the value ("@...")'


def test_validate_prints_the_plain_message_at_the_line_with_the_colon(tmp_path, capsys):
    path = tmp_path / "chat.yaml"
    path.write_text(HEAD + "    model:Qwen/Qwen3-8B\n    command: vllm serve Qwen/Qwen3-8B\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "validate", path)
    assert code == exit_codes.FAILURE
    assert f"{path}:6:10: $: YAML syntax error: `model:Qwen/Qwen3-8B` needs a space after the colon" in out


def test_a_value_holding_colon_space_says_quote_it_at_the_second_colon():
    assert _only_problem("name: Chat: bot\nslug: chat\n") == (
        1, 11, 'this value holds `: `, which YAML reads as a second key; quote the value: `name: "Chat: bot"`')
