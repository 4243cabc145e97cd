"""Workflow commands are escaped so logged data can never become a command."""

from __future__ import annotations

from inferencekey_ensure.github.commands import (
    Annotation,
    add_mask,
    endgroup,
    escape_data,
    escape_property,
    format_annotation,
    group,
    plain_line,
    prioritised,
)


def test_data_escapes_percent_and_line_breaks() -> None:
    assert escape_data("100%\r\n::error::x") == "100%25%0D%0A::error::x"


def test_properties_also_escape_colon_and_comma() -> None:
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotation_with_file_line_and_column() -> None:
    line = format_annotation(Annotation("error", "bad value", file="inferencekey/a,b.yaml", line=3, column=5, title="ik: x"))
    assert line == "::error file=inferencekey/a%2Cb.yaml,line=3,col=5,title=ik%3A x::bad value"


def test_annotation_end_line_follows_line() -> None:
    line = format_annotation(Annotation("warning", "m", file="f.yaml", line=3, end_line=9))
    assert line == "::warning file=f.yaml,line=3,endLine=9::m"


def test_annotation_message_cannot_start_a_second_command() -> None:
    line = format_annotation(Annotation("notice", "x\n::add-mask::y"))
    assert "\n" not in line and line == "::notice::x%0A::add-mask::y"


def test_only_the_first_ten_of_each_kind_are_kept_in_the_given_order() -> None:
    errors = [Annotation("error", f"e{i}") for i in range(12)]
    warnings = [Annotation("warning", f"w{i}") for i in range(3)]
    kept, dropped = prioritised(errors + warnings)
    assert [a.message for a in kept] == [f"e{i}" for i in range(10)] + ["w0", "w1", "w2"]
    assert dropped == 2


def test_groups_and_masks() -> None:
    assert group("Plan\nx") == "::group::Plan%0Ax"
    assert endgroup() == "::endgroup::"
    assert add_mask("ik_sdk_abc_def%") == ["::add-mask::ik_sdk_abc_def%25"]
    assert add_mask("line1\nline2") == ["::add-mask::line1", "::add-mask::line2"]


def test_legacy_commands_are_broken_anywhere_in_a_line_and_in_every_part_of_an_annotation() -> None:
    line = format_annotation(Annotation(kind="error", message="a ##[stop-commands]x", file="b ##[add-mask].yaml",
                                        title="t ##[notice]n"))
    assert "##[" not in line and line.startswith("::error file=")
    assert "##[" not in plain_line("x ##[set-output name=a]b") and "##[" not in group("##[group]")


def test_bidi_controls_and_lone_surrogates_are_shown_as_escapes_in_the_file_property() -> None:
    line = format_annotation(Annotation(kind="warning", message="m \ud800", file="evil\u202egnp.yaml", line=1))
    assert "\u202e" not in line and "evil<U+202E>gnp.yaml" in line
    assert "<U+D800>" in line
    line.encode("utf-8")


def test_a_mask_is_of_the_secret_as_it_is() -> None:
    assert add_mask("a##[b") == ["::add-mask::a##[b"]
