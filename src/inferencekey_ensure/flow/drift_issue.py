"""Drift kept in one issue (input ``drift-issue``): what it should say, and whether to open,
edit, reopen, close or leave it.

A scheduled drift run that fails is easily missed; one issue per ``comment-key`` is not,
and it stays one: found again by a hidden marker (and, on the host's side, by its author
being the run's own identity, as comments are), edited while drift persists, closed with a
comment once a run finds none, reopened when drift returns. The body carries a hidden
digest of what it reports, so a night with the same drift writes nothing: only the run's
link would differ.

Host-neutral: the adapter (``github/drift_issue_sync.py``) finds the issue and writes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional, Protocol
from urllib.parse import quote

from inferencekey_ensure.engine import RunReport
from inferencekey_ensure.report.escaping import table_code
from inferencekey_ensure.report.markdown import render_comment
from inferencekey_ensure.report.markdown_sections import Footer, safe_url

MARKER_PREFIX = "<!-- ik-ensure:drift-issue comment-key="
_DIGEST_PREFIX = "<!-- ik-ensure:drift-report "
TITLE_LIMIT = 200

OPEN = "open"

CREATE = "create"
EDIT = "edit"
REOPEN = "reopen"
CLOSE = "close"
LEAVE = "leave"


def drift_marker(comment_key: str) -> str:
    """The hidden line that finds the issue again, one per ``comment-key`` (percent-encoded, as the comment's)."""
    return f"{MARKER_PREFIX}{quote(comment_key, safe='')} -->"


@dataclass(frozen=True)
class DriftIssuePlan:
    """What the run found: ``drift`` True with the issue's ``title`` and ``body``, or False with the
    ``close_comment`` that says the drift is gone. ``marker`` finds the issue."""

    marker: str
    drift: bool
    title: str = ""
    body: str = ""
    close_comment: str = ""


class KnownIssue(Protocol):
    """What the decision needs of our issue, whatever the host."""

    @property
    def number(self) -> int: ...

    @property
    def title(self) -> str: ...

    @property
    def body(self) -> str: ...

    @property
    def state(self) -> str: ...


@dataclass(frozen=True)
class IssueDecision:
    action: str
    number: Optional[int] = None
    reason: str = ""


def _digest_line(title: str, report_text: str) -> str:
    digest = hashlib.sha256(f"{title}\n{report_text}".encode("utf-8")).hexdigest()
    return f"{_DIGEST_PREFIX}sha256={digest} -->"


def _reported(body: str) -> Optional[str]:
    """The digest line an issue body carries, or None."""
    for line in body.splitlines()[:4]:
        if line.startswith(_DIGEST_PREFIX):
            return line
    return None


def _where(footer: Footer) -> str:
    """`` by [workflow run](url) at `abc1234` ``: which run saw it, as trusted Markdown."""
    run_url = safe_url(footer.run_url)
    by = f" by [workflow run]({run_url})" if run_url else ""
    at = f" at commit {table_code(footer.short_sha, 12)}" if footer.short_sha else ""
    return by + at


def drift_issue_plan(report: RunReport, comment_key: str, footer: Footer) -> Optional[DriftIssuePlan]:
    """The issue's content for this run; None when the run cannot tell (it failed and found no drift)."""
    marker = drift_marker(comment_key)
    if not report.drift_found:
        if not report.succeeded:
            return None
        return DriftIssuePlan(marker, drift=False, close_comment=(
            f"No drift found{_where(footer)}: the platform matches the specs again. Closing this issue; "
            "it is reopened if drift returns."))
    projects = sorted({result.endpoint_ref.project_slug for result in report.workloads}
                      | {result.workload.project for result in report.unmanaged})
    title = "InferenceKey drift: " + ", ".join(projects or ["no project"])
    if comment_key != "default":
        title += f" ({comment_key})"
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1] + "\u2026"
    # Only what stays the same while the drift does: no run link, no commit in the report itself.
    stable = Footer(footer.tool_version)
    report_text = render_comment(report, comment_key=comment_key, info=stable, title="drift found")
    lead = (f"The platform does not match the specs: found{_where(footer)}. This issue is edited while the "
            "drift persists and closed by the first run that finds none.")
    record = f"{marker}\n{_digest_line(title, report_text)}"
    body = render_comment(report, comment_key=comment_key, info=stable, record=record, title="drift found", lead=lead)
    return DriftIssuePlan(marker, drift=True, title=title, body=body)


def decide_issue(plan: DriftIssuePlan, existing: Optional[KnownIssue]) -> IssueDecision:
    """Open, edit, reopen, close or leave our issue, so that it shows what ``plan`` found."""
    if not plan.drift:
        if existing is not None and existing.state == OPEN:
            return IssueDecision(CLOSE, existing.number, "no drift: close it with a comment")
        return IssueDecision(LEAVE, existing.number if existing else None, "no drift, and no open issue")
    if existing is None:
        return IssueDecision(CREATE, reason="drift found: open the issue")
    if existing.state != OPEN:
        return IssueDecision(REOPEN, existing.number, "drift is back: reopen the issue")
    if existing.title == plan.title and _reported(existing.body) == _reported(plan.body):
        return IssueDecision(LEAVE, existing.number, "the same drift: the issue is up to date")
    return IssueDecision(EDIT, existing.number, "the drift changed: edit the issue")
