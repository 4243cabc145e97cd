"""The sticky-comment decision: create, edit or leave the one comment a run keeps per
change request and ``comment-key``.

Host-neutral: which comment is ours is the adapter's question (on GitHub: the
marker, the token's identity, not minimized); this sees only that comment's id and
body, the policy and the body already rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, Protocol, Tuple

# When a run keeps a comment: the action's ``comment`` input.
CommentPolicy = Literal["on-change", "always", "never"]
COMMENT_ON_CHANGE: CommentPolicy = "on-change"
COMMENT_ALWAYS: CommentPolicy = "always"
COMMENT_NEVER: CommentPolicy = "never"
COMMENT_POLICIES: Tuple[CommentPolicy, ...] = (COMMENT_ON_CHANGE, COMMENT_ALWAYS, COMMENT_NEVER)

CREATE_COMMENT = "create"
UPDATE_COMMENT = "update"
SKIP_COMMENT = "skip"


class PostedComment(Protocol):
    """What the decision needs of an existing comment, whatever the host."""

    @property
    def id(self) -> int: ...

    @property
    def body(self) -> str: ...


@dataclass(frozen=True)
class CommentDecision:
    action: str
    comment_id: Optional[int] = None
    reason: str = ""


def decide(policy: CommentPolicy, existing: Optional[PostedComment], body: str, worth_reporting: bool) -> CommentDecision:
    """Create, update or skip.

    An existing comment is always brought up to date, so when a push removes all
    drift the comment says so instead of showing stale drift; under ``on-change``
    a change request that never had anything to report never gets a comment.
    """
    if policy == COMMENT_NEVER:
        return CommentDecision(SKIP_COMMENT, reason="comment: never")
    if existing is not None:
        if existing.body == body:
            return CommentDecision(SKIP_COMMENT, existing.id, reason="the comment is already up to date")
        return CommentDecision(UPDATE_COMMENT, existing.id, reason="edit the comment in place")
    if policy == COMMENT_ALWAYS or worth_reporting:
        return CommentDecision(CREATE_COMMENT, reason="first report on this pull request")
    return CommentDecision(SKIP_COMMENT, reason="no changes, and no earlier comment to bring up to date")
