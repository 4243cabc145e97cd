"""The sticky-comment decision: which comment is ours, and whether to create, edit or leave it.

One comment per PR per ``comment-key``, found again by the hidden marker it starts
with, and only among the comments the token itself wrote: anyone who can comment
can copy the marker. Pure: it sees the comments already listed, who we are, which
comments are minimized, and the body already rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet, List, Optional, Sequence

from inferencekey_ensure.github.comments_api import IssueComment

ON_CHANGE = "on-change"
ALWAYS = "always"
NEVER = "never"
POLICIES = (ON_CHANGE, ALWAYS, NEVER)

CREATE = "create"
UPDATE = "update"
SKIP = "skip"

# Who the default GITHUB_TOKEN posts as; the identity to assume when GraphQL will not say.
DEFAULT_TOKEN_LOGIN = "github-actions[bot]"
BOT_SUFFIX = "[bot]"


@dataclass(frozen=True)
class CommentDecision:
    action: str
    comment_id: Optional[int] = None
    reason: str = ""


def marked(comments: Sequence[IssueComment], marker: str) -> List[IssueComment]:
    """Comments that start with our marker, whoever wrote them."""
    return [comment for comment in comments if comment.body.startswith(marker)]


def authored_by(comment: IssueComment, login: str) -> bool:
    """Whether ``login`` wrote ``comment``.

    ``login`` is GraphQL's ``viewer.login`` (no suffix: a bot ``ci`` is ``ci``) or
    the fallback ``github-actions[bot]``; REST shows a bot as ``ci[bot]`` with type
    ``Bot``. Logins compare without case, as GitHub treats them.
    """
    me = login.lower()
    author = comment.author_login.lower()
    if me.endswith(BOT_SUFFIX):
        return comment.author_type == "Bot" and author == me
    if comment.author_type == "Bot":
        return author == me + BOT_SUFFIX
    return author == me


def own(comments: Sequence[IssueComment], marker: str, login: str) -> List[IssueComment]:
    """Our marked comments, oldest first; any other author's copy of the marker is ignored."""
    return [comment for comment in marked(comments, marker) if authored_by(comment, login)]


def find_ours(candidates: Sequence[IssueComment], minimized: AbstractSet[str]) -> Optional[IssueComment]:
    """The oldest of our comments that is not minimized.

    A minimized comment stays hidden when edited, so a new one is posted instead.
    Older duplicates (from a peer tool's race, say) are left alone rather than
    deleted: someone may have replied to them.
    """
    visible = [comment for comment in candidates if not (comment.node_id and comment.node_id in minimized)]
    return visible[0] if visible else None


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
