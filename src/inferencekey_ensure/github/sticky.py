"""Which pull-request comment is ours: GitHub's half of the sticky comment (the decision
to create, edit or leave it is ``flow.sticky``'s).

One comment per PR per ``comment-key``, found again by the hidden marker it starts
with, and only among the comments the token itself wrote: anyone who can comment
can copy the marker. Pure: it sees the comments already listed, who we are and
which comments are minimized.
"""

from __future__ import annotations

from typing import AbstractSet, List, Optional, Protocol, Sequence

from inferencekey_ensure.github.comments_api import IssueComment

# Who the default GITHUB_TOKEN posts as; the identity to assume when GraphQL will not say.
DEFAULT_TOKEN_LOGIN = "github-actions[bot]"
BOT_SUFFIX = "[bot]"


class Authored(Protocol):
    """A comment or an issue: who wrote it, as REST shows it."""

    @property
    def author_login(self) -> str: ...

    @property
    def author_type(self) -> str: ...


def marked(comments: Sequence[IssueComment], marker: str) -> List[IssueComment]:
    """Comments that start with our marker, whoever wrote them."""
    return [comment for comment in comments if comment.body.startswith(marker)]


def authored_by(comment: Authored, login: str) -> bool:
    """Whether ``login`` wrote ``comment`` (or an issue).

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
