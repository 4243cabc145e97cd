"""Hostile spec and platform values, rendered by GitHub's own cmark-gfm, neither ping nor mislead.

The comment and the job summary carry names, file names, field diffs, notes,
errors and run messages that whoever opens the PR (or the platform) chose. After
rendering none of them may mention anyone, cross-reference an issue, become a link,
or keep a bidirectional control character that makes text read backwards.
"""

from __future__ import annotations

from typing import List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inferencekey_ensure.diagnostics.problem import Problem
from inferencekey_ensure.engine.results import RunReport
from inferencekey_ensure.report.escaping import html_text, markdown_text, table_code
from inferencekey_ensure.report.markdown import render_comment, render_summary
from inferencekey_ensure.report.markdown_sections import Footer
from inferencekey_ensure.report.markdown_validation import render_validation_comment, render_validation_summary
from support.plan_fixtures import plan, workload

from .github_render import BIDI_CONTROLS, render_like_github

FOOTER = Footer("0.1.0", "abc1234", "https://github.example/acme/infra/commit/abc1234", "https://github.example/acme/infra/actions/runs/42")
OUR_LINKS = {FOOTER.commit_url, FOOTER.run_url}

# Each alone, then all of them in one value: the renderer meets both.
HOSTILE_PARTS = [
    "@octocat", "@acme/admins", "#123", "acme/infra#42", "GH-7", "gh-8", "x#9",
    "https://evil.example/phish", "http://evil.example", "www.evil.example", "ops@evil.example",
    "\u202eexe.txt\u202c", "\u2066isolated\u2069", "\u202a\u202b\u202d", "\u2067\u2068",
]
HOSTILE = " ".join(HOSTILE_PARTS)


def hostile_plan() -> RunReport:
    values = {"cmd": HOSTILE, "list": HOSTILE_PARTS}
    return plan(
        [
            workload("evil", name=HOSTILE, file=f"inferencekey/{HOSTILE}.yaml",
                     diffs=[{"field": f"description {HOSTILE}", "live": HOSTILE, "desired": values}],
                     notes=[HOSTILE], status="failed", error=HOSTILE),
            workload("gone", action="replace", name=HOSTILE, notes=[HOSTILE]),
            workload("made", action="create", name=HOSTILE,
                     diffs=[{"field": HOSTILE, "live": None, "desired": HOSTILE}]),
        ],
        unmanaged=[{"project": HOSTILE, "slug": HOSTILE, "name": HOSTILE, "action": "prune", "status": "failed",
                    "error": HOSTILE}],
        errors=[{"project": HOSTILE, "message": HOSTILE}],
    )


def bodies() -> List[str]:
    doc = hostile_plan()
    problems = [Problem(f"inferencekey/{HOSTILE}.yaml", 3, 5, f"$.{HOSTILE}", HOSTILE)]
    return [
        render_comment(doc, comment_key=HOSTILE, info=FOOTER),
        render_summary(doc, info=FOOTER),
        render_validation_comment(problems, 1, 0, HOSTILE, FOOTER),
        render_validation_summary(problems, 1, 0, None),
    ]


@pytest.mark.parametrize("body", bodies(), ids=["comment", "summary", "validation-comment", "validation-summary"])
def test_rendered_bodies_have_no_mention_reference_or_link_of_a_value(body: str) -> None:
    rendered = render_like_github(body)
    assert set(rendered.links) <= OUR_LINKS
    assert rendered.references() == []
    assert not {"script", "img", "iframe"} & set(rendered.tags)


@pytest.mark.parametrize("body", bodies(), ids=["comment", "summary", "validation-comment", "validation-summary"])
def test_no_raw_bidi_control_survives_rendering_not_even_in_the_diff(body: str) -> None:
    assert BIDI_CONTROLS.search(body) is None
    rendered = render_like_github(body)
    assert BIDI_CONTROLS.search(rendered.html) is None
    assert "&lt;U+202E&gt;exe.txt&lt;U+202C&gt;" in rendered.html


def test_the_diff_block_shows_bidi_controls_as_visible_escapes() -> None:
    body = render_comment(hostile_plan(), comment_key="default", info=FOOTER)
    diff = body[body.index("```diff"):]
    assert '"<U+202E>exe.txt<U+202C>' in diff and "<U+2066>isolated<U+2069>" in diff


@pytest.mark.parametrize("part", HOSTILE_PARTS)
def test_each_hostile_value_alone_is_defused_in_every_context(part: str) -> None:
    for markdown in (markdown_text(part), table_code(part), f"<details><summary>{html_text(part)}</summary>\n\nx\n\n</details>",
                     f"| a |\n|---|\n| {markdown_text(part)} |"):
        rendered = render_like_github(markdown)
        assert rendered.links == [] and rendered.references() == [], markdown
        assert BIDI_CONTROLS.search(rendered.html) is None, markdown


def test_the_checker_itself_sees_what_github_would_link() -> None:
    raw = render_like_github("ping @octocat about #123 and acme/infra#4 at https://evil.example \u202e")
    assert raw.links == ["https://evil.example"]
    assert raw.references() and BIDI_CONTROLS.search(raw.html)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(list("@#1aghw-./:|`\\<> \n") + ["\u202e", "\u2066", "http://", "www.", "e.co"])).map("".join))
def test_no_text_renders_into_a_link_a_reference_or_a_bidi_control(text: str) -> None:
    for markdown in (markdown_text(text), f"<details><summary>{html_text(text)}</summary>\n\nx\n\n</details>"):
        rendered = render_like_github(markdown)
        assert rendered.links == [] and rendered.references() == [], markdown
        assert BIDI_CONTROLS.search(rendered.html) is None
