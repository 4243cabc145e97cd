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
    reveal_bidi,
    table_code,
)
from support.markdown_checks import splits_cell

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


def test_issue_references_get_a_joiner_after_the_sign() -> None:
    text = markdown_text("#123 acme/infra#4 GH-5")
    joiner = ZERO_WIDTH_JOINER
    assert text == f"\\#{joiner}123 acme/infra\\#{joiner}4 GH-{joiner}5"


def test_urls_get_a_joiner_so_no_autolink_starts() -> None:
    joiner = ZERO_WIDTH_JOINER
    assert markdown_text("https://x.example www.y.example") == f"https:{joiner}//x.example w{joiner}ww.y.example"


def test_html_text_keeps_its_own_entities_whole() -> None:
    assert html_text("a'b`c\"d #1") == f"a&#x27;b&#96;c&quot;d #{ZERO_WIDTH_JOINER}1"


def test_bidi_controls_become_visible_escapes_in_every_context() -> None:
    assert reveal_bidi("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") == (
        "<U+202A><U+202B><U+202C><U+202D><U+202E><U+2066><U+2067><U+2068><U+2069>"
    )
    assert markdown_text("\u202eabc") == "&lt;U+202E&gt;abc"
    assert html_text("\u202eabc") == "&lt;U+202E&gt;abc"
    assert table_code("\u202eabc") == "`<U+202E>abc`"
