"""The REST adapter for pull-request comments: list (every page), create, update.

GitHub answers busy moments with 5xx and with rate limits (403 or 429 carrying
``Retry-After`` or ``x-ratelimit-reset``, or the "secondary rate limit" message);
those are waited out with a bounded backoff. A 403 without any rate-limit sign is a
missing permission and is reported as such at once. A create is never blindly
retried after the request may have reached GitHub: that is how duplicate comments
are born; the caller re-lists instead (``OUTCOME_UNKNOWN``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set
from urllib.parse import urlsplit

import httpx

from inferencekey_ensure import __version__
from inferencekey_ensure.pacing import Timing, exponential_backoff_s, parse_retry_after

API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 1000

# Error kinds, for callers that word their warning by cause.
PERMISSION = "permission"
RATE_LIMITED = "rate-limited"
SERVER = "server"
TRANSPORT = "transport"
OUTCOME_UNKNOWN = "outcome-unknown"
NOT_FOUND = "not-found"
BAD_RESPONSE = "bad-response"
CLIENT = "client"


class GitHubApiError(Exception):
    """A comment request that failed for good; ``kind`` says why (see the constants above)."""

    def __init__(self, message: str, *, kind: str, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class IssueComment:
    id: int
    body: str
    html_url: str
    author_type: str = ""


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
    user = data.get("user")
    return IssueComment(
        id=data["id"],
        body=data.get("body") if isinstance(data.get("body"), str) else "",
        html_url=data.get("html_url") if isinstance(data.get("html_url"), str) else "",
        author_type=user.get("type", "") if isinstance(user, dict) else "",
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class CommentsApi:
    """Issue-comment endpoints of one repository, on github.com or a GHES ``api_url``.

    ``timing`` supplies the sleep and wall clock of retries; tests pass one that
    records the waits instead of sleeping.
    """

    def __init__(
        self,
        api_url: str,
        token: str,
        repository: str,
        *,
        retry: CommentRetryPolicy = CommentRetryPolicy(),
        timing: Optional[Timing] = None,
        timeout_s: float = 30.0,
    ) -> None:
        self._api_url = api_url.rstrip("/")
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

    def list_comments(self, number: int) -> List[IssueComment]:
        """Every comment on the PR, following ``Link: rel="next"`` to the last page."""
        url: Optional[str] = f"{self._api_url}/repos/{self._repository}/issues/{number}/comments?per_page={PER_PAGE}"
        comments: List[IssueComment] = []
        seen: Set[str] = set()
        while url is not None:
            if url in seen or len(seen) >= MAX_PAGES:
                raise GitHubApiError("the comment list's pagination does not end", kind=BAD_RESPONSE)
            seen.add(url)
            response = self._send("GET", url, None, replayable=True)
            page = self._json(response)
            if not isinstance(page, list):
                raise GitHubApiError("GitHub answered the comment list with something that is not a list", kind=BAD_RESPONSE)
            comments.extend(_comment(item) for item in page)
            url = self._next_page(response)
        return comments

    def create_comment(self, number: int, body: str) -> IssueComment:
        url = f"{self._api_url}/repos/{self._repository}/issues/{number}/comments"
        return _comment(self._json(self._send("POST", url, {"body": body}, replayable=False)))

    def update_comment(self, comment_id: int, body: str) -> IssueComment:
        url = f"{self._api_url}/repos/{self._repository}/issues/comments/{comment_id}"
        return _comment(self._json(self._send("PATCH", url, {"body": body}, replayable=True)))

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
