"""Carry out the drift-issue decision (``flow.drift_issue``) against the GitHub API.

Our issue is found as our comment is: by its marker, and only among the issues the token's
own identity opened (anyone can open an issue with a copy of the marker; such an issue is
never edited, commented on or closed). The issue listing is filtered by ``creator`` on
GitHub's side, which wants REST's login (``name[bot]`` for an app's token), while GraphQL
names the token without the suffix: an installation token (``ghs_``, the job's
``GITHUB_TOKEN``) is an app's bot, a personal token a user's; a token of neither shape is
looked up both ways. The listing, not the search API, which lags writes by seconds.
Of several of ours (a race), the oldest open one is kept current, else the newest closed
one is reopened. A create whose answer was lost is resolved by listing again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from inferencekey_ensure.flow.drift_issue import (
    CLOSE,
    CREATE,
    EDIT,
    LEAVE,
    OPEN,
    REOPEN,
    DriftIssuePlan,
    decide_issue,
)
from inferencekey_ensure.github import sticky
from inferencekey_ensure.github.comments_api import OUTCOME_UNKNOWN, CommentsApi, GitHubApiError, Issue

_APP_TOKEN_PREFIX = "ghs_"
_USER_TOKEN_PREFIXES = ("ghp_", "github_pat_", "gho_", "ghu_")


@dataclass(frozen=True)
class IssueResult:
    outcome: str
    url: Optional[str] = None
    reason: str = ""


def rest_logins(login: str, token: str) -> List[str]:
    """The REST logins the token's issues are listed under, most likely first."""
    if login.lower().endswith(sticky.BOT_SUFFIX):
        return [login]
    if token.startswith(_APP_TOKEN_PREFIX):
        return [login + sticky.BOT_SUFFIX]
    if token.startswith(_USER_TOKEN_PREFIXES):
        return [login]
    return [login, login + sticky.BOT_SUFFIX]


def find_our_issue(api: CommentsApi, marker: str, login: str, token: str) -> Optional[Issue]:
    """Our issue for ``marker``: the oldest open one, else the newest closed one; None when there is none."""
    for creator in rest_logins(login, token):
        ours = [issue for issue in api.list_issues(creator)
                if marker in issue.body and sticky.authored_by(issue, login)]
        if ours:
            open_ones = sorted((issue for issue in ours if issue.state == OPEN), key=lambda issue: issue.number)
            return open_ones[0] if open_ones else max(ours, key=lambda issue: issue.number)
    return None


def sync_drift_issue(api: CommentsApi, plan: DriftIssuePlan, token: str) -> IssueResult:
    """Make our issue show ``plan`` (open, edit, reopen, close or leave it)."""
    login = api.viewer_login() or sticky.DEFAULT_TOKEN_LOGIN
    existing = find_our_issue(api, plan.marker, login, token)
    decision = decide_issue(plan, existing)
    number = decision.number
    if decision.action == LEAVE or (decision.action != CREATE and number is None):
        return IssueResult(LEAVE, existing.html_url if existing else None, decision.reason)
    if decision.action == CLOSE and number is not None:
        api.create_comment(number, plan.close_comment)
        closed = api.update_issue(number, {"state": "closed", "state_reason": "completed"})
        return IssueResult(CLOSE, closed.html_url, decision.reason)
    if decision.action in (EDIT, REOPEN) and number is not None:
        fields = {"title": plan.title, "body": plan.body}
        if decision.action == REOPEN:
            fields.update({"state": "open", "state_reason": "reopened"})
        return IssueResult(decision.action, api.update_issue(number, fields).html_url, decision.reason)
    try:
        return IssueResult(CREATE, api.create_issue(plan.title, plan.body).html_url, decision.reason)
    except GitHubApiError as error:
        if error.kind != OUTCOME_UNKNOWN:
            raise
    # The create may have been stored although its answer was lost: look before opening another.
    stored = find_our_issue(api, plan.marker, login, token)
    if stored is None:
        return IssueResult(CREATE, api.create_issue(plan.title, plan.body).html_url, "opened again after a lost answer")
    return IssueResult(CREATE, stored.html_url, "the lost create had been stored")
