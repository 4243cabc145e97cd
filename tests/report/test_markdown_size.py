"""Reports stay within GitHub's limits by degrading in stages, for any plan."""

from __future__ import annotations

from typing import List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inferencekey_ensure.engine.results import RunReport, WorkloadResult
from inferencekey_ensure.flow.review import ReviewedPlan, read_record, reviewed_record
from inferencekey_ensure.report.markdown import (
    COMMENT_LIMIT,
    SUMMARY_LIMIT,
    comment_size,
    render_comment,
    render_summary,
    summary_size,
)
from inferencekey_ensure.report.markdown_review import review_note
from inferencekey_ensure.report.markdown_sections import Footer
from support.markdown_checks import fences_balanced, live_mentions, stray_html, table_cells, table_rows
from support.plan_fixtures import plan, workload

INFO = Footer("0.1.0", "abc1234", "https://github.com/o/r/commit/abc1234", "https://github.com/o/r/actions/runs/7")


def big_diff(slug: str, chars: int) -> WorkloadResult:
    return workload(slug, diffs=[{"field": "description", "live": "old", "desired": "d" * chars}])


def test_largest_diffs_go_first_and_a_note_says_how_many() -> None:
    workloads = [big_diff(f"w{i:02d}", 1000 + 1000 * i) for i in range(20)]  # 1k..20k characters
    document = plan(workloads)
    body = render_comment(document, comment_key="default", info=INFO)
    assert comment_size(body) <= COMMENT_LIMIT
    kept = [i for i in range(20) if f"<code>w{i:02d}</code>" in body]
    dropped = [i for i in range(20) if i not in kept]
    assert dropped and kept and max(kept) < min(dropped)
    assert f"{len(dropped)} field diffs (the largest first) left out" in body
    assert "[job summary](https://github.com/o/r/actions/runs/7)" in body
    # The headline and every table row stay.
    assert "20 to update" in body
    assert len(table_rows(body)) == 2 + 20


def test_the_job_summary_holds_every_diff_the_comment_dropped() -> None:
    document = plan([big_diff(f"w{i:02d}", 1000 + 1000 * i) for i in range(20)])
    body = render_summary(document, info=INFO)
    assert all(f"<code>w{i:02d}</code>" in body for i in range(20))
    assert "left out" not in body


def test_the_job_summary_degrades_at_one_mebibyte() -> None:
    document = plan([big_diff(f"w{i:03d}", 6000) for i in range(250)])
    body = render_summary(document, info=INFO)
    assert summary_size(body) <= SUMMARY_LIMIT
    assert "left out to stay within the 1 MiB job-summary limit; the step's `plan` output has them all" in body
    assert fences_balanced(body)


def test_a_table_too_big_for_a_comment_keeps_problems_and_changes_first() -> None:
    unchanged = [workload(f"same-{i:04d}", action="no-change", name="n" * 80) for i in range(2000)]
    special = [workload("broken", action="create", status="failed", error="boom"), workload("moved")]
    document = plan(unchanged + special)
    body = render_comment(document, comment_key="default", info=INFO)
    assert comment_size(body) <= COMMENT_LIMIT
    assert "| Broken<br>" in body and "| Moved<br>" in body
    assert "more workloads (" in body and "unchanged) not shown" in body
    assert "2000 unchanged" in body  # the headline still counts everything


def test_a_table_too_big_for_the_job_summary_is_cut_too() -> None:
    document = plan([workload(f"w{i:05d}", action="no-change", name="n" * 200, file="f" * 200) for i in range(6000)])
    body = render_summary(document, info=INFO)
    assert summary_size(body) <= SUMMARY_LIMIT
    assert "unchanged) not shown" in body and "6000 unchanged" in body


def test_characters_outside_the_basic_plane_count_double() -> None:
    emoji = "\U0001F600"
    document = plan([workload(f"w{i}", diffs=[{"field": "description", "live": "", "desired": emoji * 4000}]) for i in range(12)])
    body = render_comment(document, comment_key="default", info=INFO)
    assert comment_size(body) <= COMMENT_LIMIT
    assert len(body.encode("utf-16-le")) // 2 <= COMMENT_LIMIT


# --- properties ------------------------------------------------------------------------

HOSTILE_ALPHABET = st.sampled_from(list("ab `|\\<>&@#*_[]!\n\r~-") + ["\u2028", "\U0001F600", "```", "</details>", "@team"])
fragments = st.lists(HOSTILE_ALPHABET, max_size=12).map("".join)
# Large values built by repetition: hypothesis never has to generate 60k characters.
big_values = st.one_of(fragments, st.tuples(fragments, st.integers(0, 3000)).map(lambda pair: pair[0] * pair[1]))
actions = st.sampled_from(["create", "update", "replace", "no-change", "drift-left", "drift-refused", "bogus"])


def workloads(values: st.SearchStrategy[str], max_diffs: int) -> st.SearchStrategy[WorkloadResult]:
    json_values = st.one_of(st.none(), values, st.dictionaries(fragments, values, max_size=3))
    diff = st.fixed_dictionaries({"field": fragments, "live": json_values, "desired": json_values})
    return st.builds(
        workload,
        fragments.map(lambda slug: slug or "slug"),
        action=actions,
        name=values,
        file=values,
        line=st.integers(0, 10**6),
        diffs=st.lists(diff, max_size=max_diffs),
        status=st.sampled_from(["ok", "failed", "refused", "left-drifted"]),
        error=st.one_of(st.none(), values),
        notes=st.lists(values, max_size=2),
    )


@st.composite
def plans(draw: st.DrawFn) -> RunReport:
    """Either a few workloads with huge values, or thousands of rows of small ones."""
    if draw(st.booleans()):
        items: List[WorkloadResult] = draw(st.lists(workloads(big_values, 4), max_size=8))
    else:
        items = draw(st.lists(workloads(fragments, 1), min_size=1, max_size=4)) * draw(st.sampled_from([150, 600]))
    unmanaged = draw(
        st.lists(
            st.fixed_dictionaries(
                {"project": fragments, "slug": big_values, "name": big_values, "action": st.sampled_from(["none", "prune"]),
                 "status": st.sampled_from(["ok", "failed"]), "error": st.one_of(st.none(), big_values)}
            ),
            max_size=4,
        )
    )
    errors = draw(st.lists(st.fixed_dictionaries({"project": fragments, "message": big_values}), max_size=3))
    return plan(items, mode=draw(st.sampled_from(["preview", "reconcile"])), unmanaged=unmanaged * draw(st.sampled_from([1, 60])), errors=errors)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plans(), st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x10FFFF, blacklist_categories=("Cs",)), min_size=1, max_size=64))
def test_any_plan_renders_a_comment_within_the_limit_with_balanced_fences(document: RunReport, key: str) -> None:
    body = render_comment(document, comment_key=key, info=INFO)
    assert comment_size(body) <= COMMENT_LIMIT
    assert fences_balanced(body)
    assert stray_html(body) == []
    assert live_mentions(body) == []
    assert all(len(table_cells(row)) == 6 for row in table_rows(body))
    assert body.split("\n", 1)[0].startswith("<!-- ik-ensure:comment-key=")
    assert "### InferenceKey ensure" in body
    # A run stopped before planning says its errors once, with no empty table around them.
    if document.stopped_before_planning:
        assert "Stopped before planning." in body and "| Workload |" not in body
    else:
        assert "| Workload | Action | Fields changed | EndpointRef |" in body


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plans())
def test_any_plan_renders_a_job_summary_within_the_limit_with_balanced_fences(document: RunReport) -> None:
    body = render_summary(document, info=INFO)
    assert summary_size(body) <= SUMMARY_LIMIT
    assert fences_balanced(body)
    assert stray_html(body) == []


def test_a_comment_with_its_reviewed_plan_record_and_a_refusal_stays_within_the_limit() -> None:
    document = plan([big_diff(f"w{i:04d}", 300 + i) for i in range(2000)])
    record = reviewed_record(ReviewedPlan(document.plan_digest or "", document.canonical_plan))
    lead = review_note("CAUTION", "the plan changed since the review", [f"acme/w{i:04d}: changed" for i in range(5000)])
    body = render_comment(document, comment_key="default", info=INFO, record=record, title="refused", lead=lead)
    assert comment_size(body) <= COMMENT_LIMIT
    reviewed = read_record(body)
    assert reviewed is not None and reviewed.digest == document.plan_digest
    assert "4940 more line(s) in the job's log" in body and fences_balanced(body)
