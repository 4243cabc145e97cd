"""The drift issue's decision: open, edit, reopen, close or leave, from what the run found."""

from __future__ import annotations

from dataclasses import dataclass

from inferencekey_ensure.flow.drift_issue import (
    CLOSE,
    CREATE,
    EDIT,
    LEAVE,
    REOPEN,
    DriftIssuePlan,
    decide_issue,
    drift_marker,
)

MARKER = drift_marker("default")
DIGEST = "<!-- ik-ensure:drift-report sha256=aaa -->"


@dataclass(frozen=True)
class Known:
    number: int
    title: str
    body: str
    state: str


def _drift(title: str = "InferenceKey drift: acme", digest: str = DIGEST, link: str = "run 1") -> DriftIssuePlan:
    return DriftIssuePlan(MARKER, drift=True, title=title, body=f"{MARKER}\n{digest}\nreport\n{link}")


NO_DRIFT = DriftIssuePlan(MARKER, drift=False, close_comment="No drift found")


def test_drift_opens_the_issue_and_a_new_run_link_alone_changes_nothing() -> None:
    assert decide_issue(_drift(), None).action == CREATE
    current = Known(100, "InferenceKey drift: acme", _drift().body, "open")
    assert decide_issue(_drift(link="run 2"), current).action == LEAVE


def test_other_drift_or_other_projects_edit_it_and_returning_drift_reopens_it() -> None:
    current = Known(100, "InferenceKey drift: acme", _drift().body, "open")
    assert decide_issue(_drift(digest="<!-- ik-ensure:drift-report sha256=bbb -->"), current).action == EDIT
    assert decide_issue(_drift(title="InferenceKey drift: acme, beta"), current).action == EDIT
    assert decide_issue(_drift(), Known(100, current.title, current.body, "closed")).action == REOPEN


def test_no_drift_closes_an_open_issue_and_leaves_a_closed_one_or_none() -> None:
    assert decide_issue(NO_DRIFT, Known(100, "t", "b", "open")).action == CLOSE
    assert decide_issue(NO_DRIFT, Known(100, "t", "b", "closed")).action == LEAVE
    assert decide_issue(NO_DRIFT, None).action == LEAVE


def test_each_comment_key_has_its_own_marker_that_cannot_end_the_html_comment() -> None:
    assert drift_marker("staging") != drift_marker("production")
    assert "-->" not in drift_marker("a-->b")[:-3]
