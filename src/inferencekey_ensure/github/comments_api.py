"""The GitHub adapter for pull-request comments: list (every page), create, update,
plus the two GraphQL questions REST cannot answer: who the token is, and which
comments a moderator has minimized (hidden); which pull requests a commit came from,
the files a pull request changed, and the drift issue (list, open, edit).

GitHub answers busy moments with 5xx and with rate limits (403 or 429 carrying
``Retry-After`` or ``x-ratelimit-reset``, or the "secondary rate limit" message);
those are waited out with a bounded backoff. A 403 without any rate-limit sign is a
missing permission and is reported as such at once. A create is never blindly
retried after the request may have reached GitHub: that is how duplicate comments
are born; the caller re-lists instead (``OUTCOME_UNKNOWN``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set
from urllib.parse import quote, urlsplit

import httpx

from inferencekey_ensure import __version__
from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.flow.changed_projects import ChangedFile, ChangedFiles
from inferencekey_ensure.github.context import graphql_url_for
from inferencekey_ensure.pacing import Timing, exponential_backoff_s, parse_retry_after

API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 1000
# GitHub lists at most this many files of a pull request.
PULL_FILES_LIMIT = 3000
# GraphQL's ``nodes(ids:)`` takes at most 100 ids per query.
NODES_PER_QUERY = 100

VIEWER_QUERY = "query IkEnsureViewer { viewer { login } }"
MINIMIZED_QUERY = (
    "query IkEnsureMinimized($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }"
)
# GraphQL error types that mean "this token may not ask that", as opposed to a broken request.
_GRAPHQL_DENIED = {"FORBIDDEN", "INSUFFICIENT_SCOPES", "NOT_FOUND", "UNAUTHORIZED"}

# Error kinds, for callers that word their warning by cause.
PERMISSION = "permission"
RATE_LIMITED = "rate-limited"
SERVER = "server"
TRANSPORT = "transport"
OUTCOME_UNKNOWN = "outcome-unknown"
NOT_FOUND = "not-found"
BAD_RESPONSE = "bad-response"
CLIENT = "client"


class GitHubApiError(IkEnsureError):
    """A comment request that failed for good; ``kind`` says why (see the constants above)."""

    def __init__(self, message: str, *, kind: str, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class IssueComment:
    """One comment as REST lists it; ``author_login`` is REST's (``name[bot]`` for bots)."""

    id: int
    body: str
    html_url: str
    author_type: str = ""
    author_login: str = ""
    node_id: str = ""


@dataclass(frozen=True)
class CommentRetryPolicy:
    """Bounded retries: a wait longer than ``max_wait_s`` is not waited for at all.

    Deterministic (no jitter), unlike the control-plane client's policy: one job
    writes one comment, so there is no herd to spread out.
    """

    attempts: int = 4
    base_delay_s: float = 1.0
    max_wait_s: float = 30.0

    def backoff(self, attempt: int) -> float:
        return exponential_backoff_s(attempt, self.base_delay_s, self.max_wait_s)


def _header_seconds(value: Optional[str]) -> Optional[float]:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def rate_limit_wait(response: httpx.Response, now: float, fallback: float) -> Optional[float]:
    """Seconds to wait when ``response`` is a rate limit; None when it is not one."""
    if response.status_code not in (403, 429):
        return None
    retry_after = parse_retry_after(response.headers.get("retry-after"), now)
    if retry_after is not None:
        return retry_after
    reset = _header_seconds(response.headers.get("x-ratelimit-reset"))
    if response.headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        return max(reset - now, 0.0)
    if response.status_code == 429 or "rate limit" in response.text.lower():
        return fallback
    return None


def _error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase or f"HTTP {response.status_code}"
    message = data.get("message") if isinstance(data, dict) else None
    return str(message) if message else f"HTTP {response.status_code}"


def _comment(data: Any) -> IssueComment:
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise GitHubApiError("GitHub answered with something that is not a comment", kind=BAD_RESPONSE)
    user_field = data.get("user")
    user: Dict[str, Any] = user_field if isinstance(user_field, dict) else {}
    return IssueComment(
        id=data["id"],
        body=_string(data.get("body")),
        html_url=_string(data.get("html_url")),
        author_type=_string(user.get("type")),
        author_login=_string(user.get("login")),
        node_id=_string(data.get("node_id")),
    )


@dataclass(frozen=True)
class Issue:
    """One issue as REST lists it; ``author_login``/``author_type`` as for comments (``sticky.authored_by``)."""

    number: int
    title: str
    body: str
    state: str
    html_url: str
    author_type: str = ""
    author_login: str = ""


def _issue(data: Any) -> Issue:
    if not isinstance(data, dict) or not isinstance(data.get("number"), int):
        raise GitHubApiError("GitHub answered with something that is not an issue", kind=BAD_RESPONSE)
    user_field = data.get("user")
    user: Dict[str, Any] = user_field if isinstance(user_field, dict) else {}
    return Issue(data["number"], _string(data.get("title")), _string(data.get("body")), _string(data.get("state")),
                 _string(data.get("html_url")), _string(user.get("type")), _string(user.get("login")))


def _changed_file(data: Any) -> ChangedFile:
    if not isinstance(data, dict) or not isinstance(data.get("filename"), str):
        raise GitHubApiError("GitHub answered with something that is not a changed file", kind=BAD_RESPONSE)
    previous = data.get("previous_filename")
    return ChangedFile(data["filename"], _string(data.get("status")), previous if isinstance(previous, str) else None)


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _graphql_data(payload: Any, *, missing_nodes_ok: bool = False) -> Dict[str, Any]:
    """The ``data`` of a GraphQL answer; its ``errors`` become a GitHubApiError.

    GraphQL reports most failures with HTTP 200 and an ``errors`` list, so the
    status code alone says little. With ``missing_nodes_ok``, ids that no longer
    resolve (a comment deleted since it was listed) only leave a null node.
    """
    if not isinstance(payload, dict):
        raise GitHubApiError("GitHub's GraphQL API answered with something that is not an object", kind=BAD_RESPONSE)
    errors = payload.get("errors")
    only_missing = isinstance(errors, list) and all(
        isinstance(error, dict) and error.get("type") == "NOT_FOUND" for error in errors
    )
    if missing_nodes_ok and only_missing and isinstance(payload.get("data"), dict):
        partial: Dict[str, Any] = payload["data"]
        return partial
    if isinstance(errors, list) and errors:
        first = errors[0] if isinstance(errors[0], dict) else {}
        kind_name = _string(first.get("type")).upper()
        message = _string(first.get("message")) or "GraphQL error"
        if kind_name in _GRAPHQL_DENIED:
            raise GitHubApiError(f"GraphQL: {message}", kind=PERMISSION)
        if kind_name == "RATE_LIMITED":
            raise GitHubApiError(f"GraphQL: {message}", kind=RATE_LIMITED)
        raise GitHubApiError(f"GraphQL: {message}", kind=CLIENT)
    data = payload.get("data")
    if not isinstance(data, dict):
        raise GitHubApiError("GitHub's GraphQL API answered without data", kind=BAD_RESPONSE)
    return data


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class CommentsApi:
    """Issue-comment endpoints of one repository, on github.com or a GHES ``api_url``.

    ``graphql_url`` is the runner's ``GITHUB_GRAPHQL_URL``; without it, the one that
    goes with ``api_url``. ``timing`` supplies the sleep and wall clock of retries;
    tests pass one that records the waits instead of sleeping.
    """

    def __init__(
        self,
        api_url: str,
        token: str,
        repository: str,
        *,
        graphql_url: Optional[str] = None,
        retry: CommentRetryPolicy = CommentRetryPolicy(),
        timing: Optional[Timing] = None,
        timeout_s: float = 30.0,
    ) -> None:
        self._api_url = api_url.rstrip("/")
        self._graphql_url = graphql_url or graphql_url_for(self._api_url)
        self._repository = repository
        self._retry = retry
        self._timing = timing or Timing()
        self._client = httpx.Client(
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"ik-ensure/{__version__}",
            },
            timeout=httpx.Timeout(timeout_s, connect=10.0),
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "CommentsApi":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _pages(self, url: str, what: str, last_page: Optional[int] = None) -> Iterator[List[Any]]:
        """Each page of a listing, following ``Link: rel="next"`` to the last (or to ``last_page``,
        where GitHub itself stops listing)."""
        next_url: Optional[str] = url
        seen: Set[str] = set()
        while next_url is not None:
            if next_url in seen or len(seen) >= MAX_PAGES:
                raise GitHubApiError(f"the {what}'s pagination does not end", kind=BAD_RESPONSE)
            seen.add(next_url)
            response = self._send("GET", next_url, None, replayable=True)
            page = self._json(response)
            if not isinstance(page, list):
                raise GitHubApiError(f"GitHub answered the {what} with something that is not a list", kind=BAD_RESPONSE)
            yield page
            next_url = None if last_page is not None and len(seen) >= last_page else self._next_page(response)

    def list_comments(self, number: int) -> List[IssueComment]:
        """Every comment on the PR (or issue), every page."""
        url = f"{self._api_url}/repos/{self._repository}/issues/{number}/comments?per_page={PER_PAGE}"
        return [_comment(item) for page in self._pages(url, "comment list") for item in page]

    def pull_request_files(self, number: int) -> ChangedFiles:
        """The PR's changed files, every page up to GitHub's cap of ``PULL_FILES_LIMIT``.

        At the cap the list is marked incomplete: GitHub lists no more, whatever the PR holds.
        """
        url = f"{self._api_url}/repos/{self._repository}/pulls/{number}/files?per_page={PER_PAGE}"
        files = [_changed_file(item) for page in self._pages(url, "pull request's file list",
                                                              last_page=PULL_FILES_LIMIT // PER_PAGE)
                 for item in page]
        return ChangedFiles(tuple(files), complete=len(files) < PULL_FILES_LIMIT)

    def list_issues(self, creator: str) -> List[Issue]:
        """Every issue (open or closed) ``creator`` opened; pull requests, which GitHub lists too, left out."""
        url = (f"{self._api_url}/repos/{self._repository}/issues?state=all&creator={quote(creator, safe='')}"
               f"&per_page={PER_PAGE}")
        return [_issue(item) for page in self._pages(url, "issue list") for item in page
                if not (isinstance(item, dict) and "pull_request" in item)]

    def create_issue(self, title: str, body: str) -> Issue:
        url = f"{self._api_url}/repos/{self._repository}/issues"
        return _issue(self._json(self._send("POST", url, {"title": title, "body": body}, replayable=False)))

    def update_issue(self, number: int, fields: Dict[str, str]) -> Issue:
        """Edit ``title``, ``body``, ``state`` and ``state_reason``: the same fields again land the same."""
        url = f"{self._api_url}/repos/{self._repository}/issues/{number}"
        return _issue(self._json(self._send("PATCH", url, dict(fields), replayable=True)))

    def create_comment(self, number: int, body: str) -> IssueComment:
        url = f"{self._api_url}/repos/{self._repository}/issues/{number}/comments"
        return _comment(self._json(self._send("POST", url, {"body": body}, replayable=False)))

    def update_comment(self, comment_id: int, body: str) -> IssueComment:
        url = f"{self._api_url}/repos/{self._repository}/issues/comments/{comment_id}"
        return _comment(self._json(self._send("PATCH", url, {"body": body}, replayable=True)))

    def pulls_for_commit(self, sha: str) -> List[PullRequestRef]:
        """The pull requests GitHub associates with a commit (the first 100 are plenty)."""
        url = f"{self._api_url}/repos/{self._repository}/commits/{sha}/pulls?per_page={PER_PAGE}"
        page = self._json(self._send("GET", url, None, replayable=True))
        if not isinstance(page, list):
            raise GitHubApiError("GitHub answered the commit's pull requests with something that is not a list",
                                 kind=BAD_RESPONSE)
        return [ref for ref in (_pull_request(item) for item in page) if ref is not None]

    def viewer_login(self) -> Optional[str]:
        """The token's login as GraphQL names it (no ``[bot]`` suffix); None when it may not ask.

        Some installation tokens are refused this query; the caller then falls back
        to the default token's identity. Any other failure (5xx, rate limit) raises:
        guessing who we are after a transient error could post a duplicate.
        """
        try:
            data = self._graphql(VIEWER_QUERY, {})
        except GitHubApiError as error:
            if error.kind in (PERMISSION, NOT_FOUND) and error.status != 401:
                return None
            raise
        viewer = data.get("viewer")
        login = viewer.get("login") if isinstance(viewer, dict) else None
        return login if isinstance(login, str) and login else None

    def minimized(self, node_ids: Iterable[str]) -> Set[str]:
        """Which of these comment node ids are minimized: REST does not say, GraphQL does."""
        wanted = sorted({node_id for node_id in node_ids if node_id})
        hidden: Set[str] = set()
        for start in range(0, len(wanted), NODES_PER_QUERY):
            data = self._graphql(MINIMIZED_QUERY, {"ids": wanted[start : start + NODES_PER_QUERY]}, missing_nodes_ok=True)
            nodes = data.get("nodes")
            if not isinstance(nodes, list):
                raise GitHubApiError("GitHub's GraphQL API answered the comment query without nodes", kind=BAD_RESPONSE)
            hidden.update(
                node["id"] for node in nodes
                if isinstance(node, dict) and node.get("isMinimized") is True and isinstance(node.get("id"), str)
            )
        return hidden

    def _graphql(self, query: str, variables: Dict[str, Any], *, missing_nodes_ok: bool = False) -> Dict[str, Any]:
        # A query changes nothing, so re-sending it is harmless.
        response = self._send("POST", self._graphql_url, {"query": query, "variables": variables}, replayable=True)
        return _graphql_data(self._json(response), missing_nodes_ok=missing_nodes_ok)

    def _next_page(self, response: httpx.Response) -> Optional[str]:
        link = response.links.get("next", {}).get("url")
        if not link:
            return None
        if _origin(link) != _origin(self._api_url):
            # Never send the token to a host the pagination link names.
            raise GitHubApiError("the comment list's next page is on another host", kind=BAD_RESPONSE)
        return link

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise GitHubApiError("GitHub answered with a body that is not JSON", kind=BAD_RESPONSE) from None

    def _send(self, method: str, url: str, body: Optional[Dict[str, Any]], *, replayable: bool) -> httpx.Response:
        """One request with retries; ``replayable`` says whether re-sending it is harmless."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.request(method, url, json=body)
            except httpx.ConnectError as exc:
                # Nothing reached GitHub: safe to try again whatever the method.
                self._wait_or_raise(attempt, self._retry.backoff(attempt), f"cannot reach GitHub: {exc}", TRANSPORT, None)
                continue
            except httpx.TransportError as exc:
                if not replayable:
                    raise GitHubApiError(f"no answer from GitHub: {exc}", kind=OUTCOME_UNKNOWN) from None
                self._wait_or_raise(attempt, self._retry.backoff(attempt), f"no answer from GitHub: {exc}", TRANSPORT, None)
                continue
            status = response.status_code
            if 200 <= status < 300:
                return response
            wait = rate_limit_wait(response, self._timing.wall(), self._retry.backoff(attempt))
            if wait is not None:
                self._wait_or_raise(attempt, wait, f"rate limited by GitHub (HTTP {status})", RATE_LIMITED, status)
                continue
            message = _error_message(response)
            if status >= 500:
                if not replayable:
                    raise GitHubApiError(f"GitHub failed (HTTP {status}): {message}", kind=OUTCOME_UNKNOWN, status=status)
                self._wait_or_raise(attempt, self._retry.backoff(attempt), f"GitHub failed (HTTP {status}): {message}", SERVER, status)
                continue
            kind = {401: PERMISSION, 403: PERMISSION, 404: NOT_FOUND}.get(status, CLIENT)
            raise GitHubApiError(f"HTTP {status}: {message}", kind=kind, status=status)

    def _wait_or_raise(self, attempt: int, wait: float, message: str, kind: str, status: Optional[int]) -> None:
        if attempt >= self._retry.attempts:
            raise GitHubApiError(f"{message}; gave up after {attempt} attempts", kind=kind, status=status)
        if wait > self._retry.max_wait_s:
            raise GitHubApiError(f"{message}; the wait of {wait:.0f} s is too long to sit out", kind=kind, status=status)
        self._timing.sleep(wait)


@dataclass(frozen=True)
class PullRequestRef:
    """A pull request as ``GET /repos/{repo}/commits/{sha}/pulls`` lists it: what picking the source needs."""

    number: int
    merged: bool
    merge_commit_sha: str


def _pull_request(data: Any) -> Optional[PullRequestRef]:
    if not isinstance(data, dict) or not isinstance(data.get("number"), int) or isinstance(data.get("number"), bool):
        return None
    return PullRequestRef(data["number"], bool(data.get("merged_at")), _string(data.get("merge_commit_sha")))
