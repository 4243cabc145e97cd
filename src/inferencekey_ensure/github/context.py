"""What the runner tells a step about the workflow run: ``GITHUB_*`` variables and the event.

The action's behaviour depends on where it runs (a pull request gets a comment, a
fork gets no secrets, GitHub Enterprise Server has its own API URL), so all of it is
read in one place, once, into a plain value the rest of the action can be tested with.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
MERGE_GROUP_EVENT = "merge_group"
# merge_group.head_ref: refs/heads/gh-readonly-queue/<base>/pr-<N>-<sha> (the last PR of a group).
_QUEUE_REF = re.compile(r"^refs/heads/gh-readonly-queue/.+/pr-([0-9]+)-[0-9a-f]+$")
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"


@dataclass(frozen=True)
class GitHubContext:
    event_name: str
    repository: str
    api_url: str
    server_url: str
    run_id: str
    sha: str
    pr_number: Optional[int] = None
    from_fork: bool = False
    graphql_url: str = ""
    # The pull request's base commit (pull_request events), where removed spec files can be read.
    base_sha: str = ""

    @property
    def is_pull_request(self) -> bool:
        return self.event_name in PULL_REQUEST_EVENTS and self.pr_number is not None

    @property
    def is_merge_group(self) -> bool:
        """A merge queue's check of its head commit: ``pr_number`` is the PR the entry carries (when named)."""
        return self.event_name == MERGE_GROUP_EVENT

    @property
    def short_sha(self) -> str:
        return self.sha[:7]

    @property
    def run_url(self) -> Optional[str]:
        if not (self.repository and self.run_id):
            return None
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    @property
    def commit_url(self) -> Optional[str]:
        if not (self.repository and self.sha):
            return None
        return f"{self.server_url}/{self.repository}/commit/{self.sha}"


def graphql_url_for(api_url: str) -> str:
    """The GraphQL endpoint that goes with a REST ``api_url``, for runs without ``GITHUB_GRAPHQL_URL``.

    github.com and GHE.com serve it at ``<api>/graphql``; GHES serves REST at
    ``<server>/api/v3`` and GraphQL at ``<server>/api/graphql``.
    """
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _is_fork(pull_request: Mapping[str, Any], repository: str) -> bool:
    """A PR whose head lives in another repository than the base.

    A deleted head repository (``null``) counts as a fork: nothing vouches for it.
    Comparing names beats the ``fork`` flag alone, which is also true for a PR
    opened inside a fork between two of its own branches (secrets are available there).
    """
    head = _mapping(pull_request.get("head"))
    head_repo = head.get("repo")
    if not isinstance(head_repo, Mapping):
        return True
    base_name = _mapping(_mapping(pull_request.get("base")).get("repo")).get("full_name") or repository
    head_name = head_repo.get("full_name")
    if isinstance(head_name, str) and isinstance(base_name, str) and base_name:
        return head_name.lower() != base_name.lower()
    return bool(head_repo.get("fork"))


def context_from(env: Mapping[str, str], event: Mapping[str, Any]) -> GitHubContext:
    """Build the context from the environment and the parsed event payload."""
    event_name = env.get("GITHUB_EVENT_NAME", "")
    repository = env.get("GITHUB_REPOSITORY", "")
    sha = env.get("GITHUB_SHA", "")
    pr_number: Optional[int] = None
    from_fork = False
    base_sha = ""
    pull_request = _mapping(event.get("pull_request"))
    if event_name in PULL_REQUEST_EVENTS and pull_request:
        number = pull_request.get("number", event.get("number"))
        pr_number = number if isinstance(number, int) and not isinstance(number, bool) else None
        from_fork = _is_fork(pull_request, repository)
        head_sha = _mapping(pull_request.get("head")).get("sha")
        if isinstance(head_sha, str) and head_sha:
            # GITHUB_SHA is the merge commit on pull_request, the base on _target;
            # the commit the author pushed is the head.
            sha = head_sha
        base = _mapping(pull_request.get("base")).get("sha")
        base_sha = base if isinstance(base, str) else ""
    if event_name == MERGE_GROUP_EVENT:
        group = _mapping(event.get("merge_group"))
        queued = _QUEUE_REF.match(str(group.get("head_ref") or ""))
        pr_number = int(queued.group(1)) if queued else None
        head_sha = group.get("head_sha")
        sha = head_sha if isinstance(head_sha, str) and head_sha else sha
    api_url = (env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    return GitHubContext(
        event_name=event_name,
        repository=repository,
        api_url=api_url,
        server_url=(env.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/"),
        run_id=env.get("GITHUB_RUN_ID", ""),
        sha=sha,
        pr_number=pr_number,
        from_fork=from_fork,
        graphql_url=(env.get("GITHUB_GRAPHQL_URL") or graphql_url_for(api_url)).rstrip("/"),
        base_sha=base_sha,
    )


def read_event(env: Mapping[str, str]) -> Mapping[str, Any]:
    """The event payload at ``GITHUB_EVENT_PATH``; an absent or unreadable file is an empty event.

    A run outside GitHub (or a broken payload) must still validate and plan; it
    just gets no PR comment.
    """
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, Mapping) else {}
