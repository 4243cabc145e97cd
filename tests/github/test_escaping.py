"""Untrusted text cannot break the Markdown it is placed in."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from inferencekey_ensure.report.escaping import (
    ZERO_WIDTH_JOINER,
    code_fence,
    html_text,
    markdown_text,
    table_code,
)

from .markdown_checks import splits_cell

HOSTILE = "a|b\n\n</details><script>alert(1)</script> @octocat @org/team ```x``` ![i](http://x/y.png) [l](javascript:x) \\| &amp;"


def test_markdown_text_escapes_html_pipes_newlines_and_mentions() -> None:
    text = markdown_text(HOSTILE)
    assert "\n" not in text
    assert "<" not in text and ">" not in text
    assert not splits_cell(text)
    assert "@octocat" not in text and f"@{ZERO_WIDTH_JOINER}octocat" in text
    assert "![i]" not in text and "[l]" not in text
    assert "&amp;amp;" in text


def test_markdown_text_caps_length_with_an_ellipsis() -> None:
    assert markdown_text("x" * 1000, 50) == "x" * 49 + "\u2026"


def test_html_text_stays_on_one_line_and_has_no_tags() -> None:
    text = html_text(HOSTILE)
    assert "\n" not in text and "<" not in text and ">" not in text and '"' not in text
    assert "@octocat" not in text


def test_table_code_uses_a_longer_backtick_delimiter_and_escapes_pipes() -> None:
    span = table_code("a``b|c")
    assert span.startswith("```") and span.endswith("```")
    assert not splits_cell(span)


def test_table_code_doubles_backslashes_before_a_pipe() -> None:
    assert table_code("a\\|b") == "`a\\\\\\|b`"
    assert not splits_cell(table_code("a\\|b"))


def test_tokens_in_untrusted_text_are_redacted() -> None:
    token = "ik_sdk_abcd1234efgh_SecretTailValue99"
    for render in (markdown_text, html_text, table_code):
        assert "SecretTailValue99" not in render(f"boom {token}")


def test_code_fence_is_longer_than_any_backtick_run() -> None:
    assert code_fence("plain") == "```"
    assert code_fence("a ```` b") == "`````"


@given(st.text())
def test_no_text_splits_a_table_cell_or_leaves_a_line(text: str) -> None:
    for render in (markdown_text, table_code):
        cell = render(text)
        assert not splits_cell(cell)
        assert "\n" not in cell and "\r" not in cell


@given(st.text(alphabet=st.sampled_from("@ab<>&`|\\\n")))
def test_no_text_leaves_a_live_mention_or_tag(text: str) -> None:
    for cell in (markdown_text(text), html_text(text)):
        assert re.search(r"@[A-Za-z0-9]", cell) is None
        assert "<" not in cell
