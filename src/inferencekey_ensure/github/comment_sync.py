"""Carry out the sticky-comment decision against the GitHub API.

Kept apart from ``sticky`` (which only decides) so the decision is testable without
a server and this module is only the order of requests: list, ask who we are and
which of our comments are minimized (only when some comment carries the marker),
decide (``flow.sticky``), write. A create whose answer was lost is resolved by listing again, never
by a blind re-post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Set

from inferencekey_ensure.flow.sticky import COMMENT_NEVER, SKIP_COMMENT, UPDATE_COMMENT, CommentPolicy, decide
from inferencekey_ensure.github import sticky
from inferencekey_ensure.github.comments_api import OUTCOME_UNKNOWN, CommentsApi, GitHubApiError, IssueComment

COMMENT_CREATED = "created"
COMMENT_UPDATED = "updated"
COMMENT_UNCHANGED = "unchanged"
COMMENT_SKIPPED = "skipped"


@dataclass(frozen=True)
class SyncResult:
    outcome: str
    url: Optional[str] = None
    reason: str = ""


def _written(outcome: str, comment: IssueComment, reason: str) -> SyncResult:
    return SyncResult(outcome, comment.html_url or None, reason)


class _OurComment:
    """Finds our comment on one PR; asks GitHub who we are at most once per run."""

    def __init__(self, api: CommentsApi, number: int, marker: str) -> None:
        self._api, self._number, self._marker = api, number, marker
        self._login: Optional[str] = None

    def find(self) -> Optional[IssueComment]:
        comments = self._api.list_comments(self._number)
        if not sticky.marked(comments, self._marker):
            return None  # nothing to tell apart: spare the identity query
        if self._login is None:
            self._login = self._api.viewer_login() or sticky.DEFAULT_TOKEN_LOGIN
        candidates = sticky.own(comments, self._marker, self._login)
        minimized: Set[str] = self._api.minimized(c.node_id for c in candidates) if candidates else set()
        return sticky.find_ours(candidates, minimized)


def sync_comment(
    api: CommentsApi, number: int, marker: str, body: str, policy: CommentPolicy, worth_reporting: bool
) -> SyncResult:
    """Make the PR's comment for ``marker`` show ``body`` (or leave it, per ``policy``)."""
    if policy == COMMENT_NEVER:
        return SyncResult(COMMENT_SKIPPED, reason="comment: never")
    ours = _OurComment(api, number, marker)
    existing = ours.find()
    decision = decide(policy, existing, body, worth_reporting)
    if decision.action == SKIP_COMMENT:
        return SyncResult(COMMENT_UNCHANGED if existing else COMMENT_SKIPPED,
                          existing.html_url if existing else None, decision.reason)
    if decision.action == UPDATE_COMMENT and decision.comment_id is not None:
        return _written(COMMENT_UPDATED, api.update_comment(decision.comment_id, body), decision.reason)
    try:
        return _written(COMMENT_CREATED, api.create_comment(number, body), decision.reason)
    except GitHubApiError as error:
        if error.kind != OUTCOME_UNKNOWN:
            raise
    # The create may have been stored although its answer was lost: look before posting again.
    stored = ours.find()
    if stored is None:
        return _written(COMMENT_CREATED, api.create_comment(number, body), "posted again after a lost answer")
    if stored.body != body:
        return _written(COMMENT_UPDATED, api.update_comment(stored.id, body), "the lost create had been stored")
    return _written(COMMENT_CREATED, stored, "the lost create had been stored")


def find_our_comment(api: CommentsApi, number: int, marker: str) -> Optional[IssueComment]:
    """The PR's comment for ``marker`` that we wrote (never another author's copy), or None."""
    return _OurComment(api, number, marker).find()
