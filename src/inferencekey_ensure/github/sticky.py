"""The sticky-comment decision: which comment is ours, and whether to create, edit or leave it.

One comment per PR per ``comment-key``, found again by the hidden marker it starts
with. Pure: it sees the comments already listed and the body already rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from inferencekey_ensure.github.comments_api import IssueComment

ON_CHANGE = "on-change"
ALWAYS = "always"
NEVER = "never"
POLICIES = (ON_CHANGE, ALWAYS, NEVER)

CREATE = "create"
UPDATE = "update"
SKIP = "skip"


@dataclass(frozen=True)
class CommentDecision:
    action: str
    comment_id: Optional[int] = None
    reason: str = ""


def find_ours(comments: Sequence[IssueComment], marker: str) -> Optional[IssueComment]:
    """The oldest comment that starts with our marker, a bot's before anyone else's.

    Older duplicates (from a peer tool's race, say) are left alone rather than
    deleted: someone may have replied to them.
    """
    matches = [comment for comment in comments if comment.body.startswith(marker)]
    bots = [comment for comment in matches if comment.author_type == "Bot"]
    return (bots or matches or [None])[0]


def decide(policy: str, existing: Optional[IssueComment], body: str, worth_reporting: bool) -> CommentDecision:
    """Create, update or skip.

    An existing comment is always brought up to date, so when a push removes all
    drift the comment says so instead of showing stale drift; under ``on-change``
    a PR that never had anything to report never gets a comment.
    """
    if policy == NEVER:
        return CommentDecision(SKIP, reason="comment: never")
    if existing is not None:
        if existing.body == body:
            return CommentDecision(SKIP, existing.id, reason="the comment is already up to date")
        return CommentDecision(UPDATE, existing.id, reason="edit the comment in place")
    if policy == ALWAYS or worth_reporting:
        return CommentDecision(CREATE, reason="first report on this pull request")
    return CommentDecision(SKIP, reason="no changes, and no earlier comment to bring up to date")
