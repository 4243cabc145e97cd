"""Render a run's report as the sticky PR comment and as the job summary, within size.

Both have hard limits (a comment: 65,536 characters; a step summary: 1 MiB) and an
over-long body is rejected outright, which would leave the PR without its report.
So a report degrades in stages instead of failing: the headline and the table always
stay; first the largest diffs go (with a note saying how many and where they are),
then the notices shrink to counts, and only then do table rows give way, unchanged
rows first. Sizes are additive over concatenation, so each stage is a subtraction
rather than a re-render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence
from urllib.parse import quote

from inferencekey_ensure.engine.results import RunReport, WorkloadResult
from inferencekey_ensure.report import markdown_sections as sections
from inferencekey_ensure.report.markdown_guardrails import policy_block, spend_block
from inferencekey_ensure.report.markdown_sections import Footer

COMMENT_LIMIT = 65_536
SUMMARY_LIMIT = 1024 * 1024
MARKER_PREFIX = "<!-- ik-ensure:comment-key="
BLOCK_SEPARATOR = "\n\n"


def comment_size(text: str) -> int:
    """Size as GitHub's comment limit could count it: UTF-16 code units.

    Never fewer than the number of characters, so staying under it in these units
    stays under the limit however GitHub counts characters.
    """
    return len(text.encode("utf-16-le")) // 2


def summary_size(text: str) -> int:
    """The job summary limit is in bytes of the UTF-8 file."""
    return len(text.encode("utf-8"))


@dataclass(frozen=True)
class Budget:
    limit: int
    measure: Callable[[str], int]
    limit_name: str
    elsewhere: str


@dataclass
class _Parts:
    """The blocks of one report, in order; ``None``/empty blocks are skipped."""

    head: List[str]
    rows: List[str]
    diffs: List[str]
    notices: str
    tail: List[str] = field(default_factory=list)
    # A run that stopped before planning has nothing to tabulate.
    tabulated: bool = True

    def render(self) -> str:
        table = "\n".join([sections.TABLE_HEADER] + self.rows) if self.tabulated else ""
        blocks = self.head + [table] + self.diffs + [self.notices] + self.tail
        return BLOCK_SEPARATOR.join(block for block in blocks if block)


def comment_marker(comment_key: str) -> str:
    """The hidden marker that finds our comment again; the key is percent-encoded so it
    cannot end the HTML comment and two keys never share a marker."""
    return f"{MARKER_PREFIX}{quote(comment_key, safe='')} -->"


def _fit(report: RunReport, head: List[str], extras: List[str], info: Footer, budget: Budget) -> str:
    """``head`` always stays; ``extras`` (placed after it) give way together with the notices."""
    size = budget.measure
    entries: Sequence[WorkloadResult] = report.workloads
    rows = [sections.table_row(entry, report.wording) for entry in entries]
    diffed = sections.diffed_entries(report)
    diffs = [sections.diff_block(entry) for entry in diffed]
    tail = [sections.footer(info)]
    parts = _Parts(head=head + extras, rows=rows, diffs=diffs, notices=sections.notices(report, compact=False), tail=tail,
                   tabulated=not report.stopped_before_planning)
    full = parts.render()
    if size(full) <= budget.limit:
        return full

    # Stage 1: drop the largest diffs until the rest fits, leaving a note.
    separator = size(BLOCK_SEPARATOR)
    total = size(full)
    kept = list(range(len(diffs)))
    by_size = sorted(kept, key=lambda i: size(diffs[i]), reverse=True)
    note_size = size(sections.omitted_diffs_note(len(diffs), budget.limit_name, budget.elsewhere)) + separator
    dropped = set()
    for index in by_size:
        if total + note_size <= budget.limit:
            break
        total -= size(diffs[index]) + separator
        dropped.add(index)
    if dropped:
        note = sections.omitted_diffs_note(len(dropped), budget.limit_name, budget.elsewhere)
        parts.diffs = [diffs[i] for i in kept if i not in dropped]
        parts.tail = [note] + tail
    rendered = parts.render()
    if size(rendered) <= budget.limit:
        return rendered

    # Stage 2: notices shrink to their counts; extras go.
    parts.notices = sections.notices(report, compact=True)
    parts.head = head
    rendered = parts.render()
    if size(rendered) <= budget.limit:
        return rendered

    # Stage 3: table rows give way, least important first; the rest keep plan order.
    parts.rows = []
    room = budget.limit - size(parts.render()) - size("\n" + sections.more_rows_row(len(rows), len(rows)))
    keep = set()
    for index in sorted(range(len(rows)), key=lambda i: (sections.row_priority(entries[i]), i)):
        cost = size("\n" + rows[index])
        if cost > room:
            break
        room -= cost
        keep.add(index)
    hidden = [entries[i] for i in range(len(rows)) if i not in keep]
    parts.rows = [rows[i] for i in sorted(keep)]
    if hidden:
        unchanged = sum(1 for entry in hidden if sections.row_priority(entry) == 2)
        parts.rows.append(sections.more_rows_row(len(hidden), unchanged))
    return parts.render()


def render_comment(
    report: RunReport,
    *,
    comment_key: str,
    info: Footer,
    record: str = "",
    title: Optional[str] = None,
    lead: Optional[str] = None,
) -> str:
    """The sticky PR comment: marker first, at most ``COMMENT_LIMIT`` characters.

    ``record`` is a hidden line kept right after the marker (the reviewed plan);
    ``title`` and ``lead`` (trusted Markdown, kept whatever the size) say what a
    reconcile did with the plan the comment showed.
    """
    run_link = sections.safe_url(info.run_url)
    budget = Budget(
        limit=COMMENT_LIMIT,
        measure=comment_size,
        limit_name="GitHub's 65,536-character comment limit",
        elsewhere=f"the [job summary]({run_link})" if run_link else "this run's job summary",
    )
    shown_key = comment_key if comment_key != "default" else None
    marker = comment_marker(comment_key) + ("\n" + record if record else "")
    head = ([marker, sections.headline(report, shown_key, title)] + ([lead] if lead else [])
            + [sections.errors_notice(report), sections.deletions_notice(report), spend_block(report.spend),
               policy_block(report.problems)])
    return _fit(report, head, [], info, budget)


def render_summary(report: RunReport, *, info: Footer, preamble: Optional[str] = None) -> str:
    """The job summary: everything, up to the 1 MiB step-summary limit.

    ``preamble`` is trusted Markdown placed under the headline (e.g. validation warnings);
    it is dropped rather than the table when space runs out.
    """
    budget = Budget(
        limit=SUMMARY_LIMIT,
        measure=summary_size,
        limit_name="the 1 MiB job-summary limit",
        elsewhere="the step's `plan` output",
    )
    head = [sections.headline(report), sections.errors_notice(report), sections.deletions_notice(report),
            spend_block(report.spend), policy_block(report.problems)]
    return _fit(report, head, [preamble] if preamble else [], info, budget)
