"""Which merged pull request a pushed commit came from: the one whose review counts."""

from __future__ import annotations

from typing import Optional, Sequence

from inferencekey_ensure.github.comments_api import PullRequestRef


def source_pull_request(pulls: Sequence[PullRequestRef], sha: str) -> Optional[int]:
    """The merged PR whose merge, squash or rebase produced ``sha``; else the latest merged PR
    holding it; None when the commit came from no merged PR (a direct push).

    An open PR that merely contains the commit does not count: nothing was merged
    through it, so its preview was not the review of what was pushed.
    """
    merged = [pull for pull in pulls if pull.merged]
    exact = [pull for pull in merged if pull.merge_commit_sha and pull.merge_commit_sha == sha]
    chosen = exact or sorted(merged, key=lambda pull: pull.number, reverse=True)
    return chosen[0].number if chosen else None
