"""A fake of GitHub's issue-comment API on 127.0.0.1, for the action's tests.

Real HTTP (stdlib ``http.server`` in a thread) so the adapter's headers, pagination
and retries are exercised for real. It serves list (paginated with ``Link``
headers, like GitHub), create and update over REST, a pull request's changed files
(paginated, at most 3,000 as GitHub lists them), issues (list with ``state`` and
``creator``, pull requests among them as GitHub lists them; open; edit), and at ``/graphql`` the two
queries the action asks: ``viewer { login }`` and ``nodes(ids:)`` with
``isMinimized``. Each token has an identity (an ``Account``): comments it creates
are authored by it, and the viewer query answers with its login as GraphQL does
(a bot without its ``[bot]`` suffix), or is refused for accounts that may not ask.
It records every request (GraphQL ones under the method ``GRAPHQL``) and can be
told to misbehave: 5xx, secondary rate limits, a missing permission, a create that
is stored but answered 502.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple
from urllib.parse import parse_qs, urlencode, urlsplit

from .loopback import LoopbackHandler, LoopbackServer

SECONDARY_RATE_LIMIT_MESSAGE = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
NO_PERMISSION_MESSAGE = "Resource not accessible by integration"
GRAPHQL_PATH = "/graphql"
# The pseudo-method under which GraphQL requests are recorded and can be made to fail.
GRAPHQL = "GRAPHQL"
# GitHub lists at most this many files of a pull request, whatever it changed.
PULL_FILES_CAP = 3000
# Issue numbers start here, apart from the pull requests the tests use.
FIRST_ISSUE = 100


@dataclass(frozen=True)
class Account:
    """Who a token is; ``login`` as REST shows it (a bot's ends in ``[bot]``)."""

    login: str
    type: str = "User"
    may_ask_viewer: bool = True

    @property
    def graphql_login(self) -> str:
        return self.login[: -len("[bot]")] if self.type == "Bot" and self.login.endswith("[bot]") else self.login


GITHUB_ACTIONS = Account("github-actions[bot]", "Bot")
SOMEONE = Account("someone")


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Dict[str, str]
    body: Optional[Any]


@dataclass
class Fault:
    """Answer the next ``times`` requests of ``method`` with ``status`` (and maybe store first)."""

    method: str
    status: int
    times: int = 1
    headers: Dict[str, str] = field(default_factory=dict)
    message: str = "Server Error"
    store_first: bool = False


class FakeGitHub(LoopbackServer):
    """Comments per ``owner/repo#number``; ``.url`` is the API base (GITHUB_API_URL).

    ``token`` (when given) is the only token accepted at first, and is ``account``;
    ``add_token`` accepts another. Without a token any request is ``account``.
    """

    def __init__(self, token: Optional[str] = None, per_page_cap: int = 100, account: Account = GITHUB_ACTIONS) -> None:
        self.token = token
        self.account = account
        self.accounts: Dict[str, Account] = {token: account} if token is not None else {}
        self.per_page_cap = per_page_cap
        self.requests: List[RecordedRequest] = []
        self.comments: Dict[Tuple[str, int], List[Dict[str, Any]]] = {}
        self.minimized: Set[int] = set()
        # Pull requests per (repository, commit sha), as GET /repos/{repo}/commits/{sha}/pulls lists them.
        self.commit_pulls: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
        # GraphQL errors to answer the next GraphQL requests with (HTTP 200, as GitHub does).
        self.graphql_errors: List[Dict[str, Any]] = []
        self.faults: List[Fault] = []
        # Changed files per (repository, pull request), as GET /repos/{repo}/pulls/{n}/files lists them.
        self.pull_files: Dict[Tuple[str, int], List[Dict[str, Any]]] = {}
        # Issues per repository, oldest first, each with ``pull_request`` when it is one.
        self.issues: Dict[str, List[Dict[str, Any]]] = {}
        self.read_only = False
        # Where pagination links point; None means this server (set it to test a hostile link).
        self.link_base: Optional[str] = None
        self._next_id = 1000
        self._lock = threading.Lock()
        super().__init__(self._handler_class(), poll_interval=0.05)

    @property
    def graphql_url(self) -> str:
        return self.url + GRAPHQL_PATH

    # --- test controls -------------------------------------------------------------

    def seed(self, repository: str, number: int, body: str, user_type: str = "User",
             author: Optional[Account] = None) -> Dict[str, Any]:
        """A comment already on the PR: by ``author``, else by the default token's bot or someone."""
        with self._lock:
            return self._store(repository, number, body, author or (GITHUB_ACTIONS if user_type == "Bot" else SOMEONE))

    def add_token(self, token: str, account: Account) -> None:
        with self._lock:
            self.accounts[token] = account

    def merge(self, repository: str, number: int, sha: str, merge_commit_sha: Optional[str] = None) -> None:
        """PR ``number`` was merged, producing commit ``sha`` (its ``merge_commit_sha`` unless given)."""
        with self._lock:
            self.commit_pulls.setdefault((repository, sha), []).append({
                "number": number, "state": "closed", "merged_at": "2026-01-01T00:00:00Z",
                "merge_commit_sha": merge_commit_sha or sha,
            })

    def open_pull_request_holds(self, repository: str, number: int, sha: str) -> None:
        """An open PR contains commit ``sha`` (GitHub lists it too, unmerged)."""
        with self._lock:
            self.commit_pulls.setdefault((repository, sha), []).append({
                "number": number, "state": "open", "merged_at": None, "merge_commit_sha": "0" * 40,
            })

    def change_files(self, repository: str, number: int, files: List[Dict[str, Any]]) -> None:
        """PR ``number`` changes ``files`` (``filename``, ``status``, ``previous_filename``)."""
        with self._lock:
            self.pull_files[(repository, number)] = [dict(entry) for entry in files]

    def seed_issue(self, repository: str, title: str, body: str, author: Account = SOMEONE, *,
                   state: str = "open", pull_request: bool = False) -> Dict[str, Any]:
        """An issue (or, with ``pull_request``, a pull request as the issue list shows it) already there."""
        with self._lock:
            issue = self._store_issue(repository, title, body, author)
            issue["state"] = state
            if pull_request:
                issue["pull_request"] = {"url": f"{self.url}/repos/{repository}/pulls/{issue['number']}"}
            return dict(issue)

    def issues_of(self, repository: str) -> List[Dict[str, Any]]:
        """The repository's issues (pull requests left out), oldest first."""
        with self._lock:
            return [dict(issue) for issue in self.issues.get(repository, []) if "pull_request" not in issue]

    def minimize(self, comment_id: int) -> None:
        """Hide a comment as a moderator would; REST still lists it, GraphQL says ``isMinimized``."""
        with self._lock:
            self.minimized.add(comment_id)

    def comments_on(self, repository: str, number: int) -> List[Dict[str, Any]]:
        with self._lock:
            return [dict(comment) for comment in self.comments.get((repository, number), [])]

    def fail(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def requests_of(self, method: str) -> List[RecordedRequest]:
        return [request for request in self.requests if request.method == method]

    # --- behaviour ---------------------------------------------------------------

    def _store(self, repository: str, number: int, body: str, author: Account) -> Dict[str, Any]:
        self._next_id += 1
        comment = {
            "id": self._next_id,
            "node_id": f"IC_fake{self._next_id}",
            "body": body,
            "html_url": f"https://github.example/{repository}/pull/{number}#issuecomment-{self._next_id}",
            "user": {"login": author.login, "type": author.type},
        }
        self.comments.setdefault((repository, number), []).append(comment)
        return comment

    def _store_issue(self, repository: str, title: str, body: str, author: Account) -> Dict[str, Any]:
        issues = self.issues.setdefault(repository, [])
        number = FIRST_ISSUE + len(issues)
        issue = {
            "number": number, "title": title, "body": body, "state": "open", "state_reason": None,
            "html_url": f"https://github.example/{repository}/issues/{number}",
            "user": {"login": author.login, "type": author.type},
        }
        issues.append(issue)
        return issue

    def _issue_route(self, method: str, repository: str, number: Optional[int], query: Dict[str, List[str]],
                     body: Optional[Any], account: Account, path: str) -> Tuple[int, Any, Dict[str, str]]:
        issues = self.issues.get(repository, [])
        if number is None and method == "GET":
            state = query.get("state", ["open"])[0]
            creator = query.get("creator", [None])[0]
            listed = [issue for issue in issues if state in ("all", issue["state"])
                      and (creator is None or issue["user"]["login"].lower() == creator.lower())]
            return self._page(listed, query, path)
        if number is None and method == "POST" and isinstance(body, dict) and isinstance(body.get("title"), str):
            return 201, self._store_issue(repository, body["title"], str(body.get("body") or ""), account), {}
        if number is not None and method == "PATCH" and isinstance(body, dict):
            for issue in issues:
                if issue["number"] == number and "pull_request" not in issue:
                    issue.update({key: body[key] for key in ("title", "body", "state", "state_reason") if key in body})
                    return 200, issue, {}
        return 404, {"message": "Not Found"}, {}

    def _take_fault(self, method: str) -> Optional[Fault]:
        for fault in self.faults:
            if fault.method == method and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def _handler_class(self) -> type:
        fake = self

        class Handler(LoopbackHandler):
            def _reply(self, status: int, payload: Any, headers: Optional[Dict[str, str]] = None) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_bytes(status, data, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})

            def _handle(self, http_method: str) -> None:
                parts = urlsplit(self.path)
                raw = self.read_body()
                body = json.loads(raw) if raw else None
                method = GRAPHQL if (http_method, parts.path) == ("POST", GRAPHQL_PATH) else http_method
                with fake._lock:
                    fake.requests.append(
                        RecordedRequest(method, parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
                    )
                    account = fake._account(self.headers.get("Authorization"))
                    if account is None:
                        self._reply(401, {"message": "Bad credentials"})
                        return
                    fault = fake._take_fault(method)
                    if fault is not None and not fault.store_first:
                        self._reply(fault.status, {"message": fault.message}, fault.headers)
                        return
                    if method == GRAPHQL:
                        status, payload, headers = 200, fake._graphql(body, account), {}
                    elif fake.read_only and method != "GET":
                        self._reply(403, {"message": NO_PERMISSION_MESSAGE})
                        return
                    else:
                        status, payload, headers = fake._route(method, parts.path, parse_qs(parts.query), body, account)
                    if fault is not None:
                        status, payload, headers = fault.status, {"message": fault.message}, fault.headers
                self._reply(status, payload, headers)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PATCH(self) -> None:
                self._handle("PATCH")

        return Handler

    def _account(self, authorization: Optional[str]) -> Optional[Account]:
        if self.token is None:
            return self.account
        for token, account in self.accounts.items():
            if authorization == f"Bearer {token}":
                return account
        return None

    def _graphql(self, body: Any, account: Account) -> Dict[str, Any]:
        """The two queries the action asks, answered as GitHub does (errors with HTTP 200)."""
        if self.graphql_errors:
            return {"data": None, "errors": [self.graphql_errors.pop(0)]}
        query = body.get("query") if isinstance(body, dict) else None
        variables = body.get("variables") if isinstance(body, dict) else None
        if not isinstance(query, str):
            return {"errors": [{"message": "A query attribute must be specified and must be a string."}]}
        if "viewer" in query and "login" in query:
            if not account.may_ask_viewer:
                return {"data": {"viewer": None}, "errors": [
                    {"type": "FORBIDDEN", "path": ["viewer"], "message": NO_PERMISSION_MESSAGE}]}
            return {"data": {"viewer": {"login": account.graphql_login}}}
        if "nodes(ids:" in query and "isMinimized" in query and isinstance(variables, dict):
            by_node = {c["node_id"]: c for comments in self.comments.values() for c in comments}
            ids = variables.get("ids", [])
            nodes = [
                {"id": node_id, "isMinimized": by_node[node_id]["id"] in self.minimized} if node_id in by_node else None
                for node_id in ids
            ]
            missing = [{"type": "NOT_FOUND", "path": ["nodes", index],
                        "message": f"Could not resolve to a node with the global id of '{node_id}'"}
                       for index, node_id in enumerate(ids) if node_id not in by_node]
            return {"data": {"nodes": nodes}, **({"errors": missing} if missing else {})}
        return {"errors": [{"type": "UNKNOWN_QUERY", "message": f"the fake GitHub does not answer {query!r}"}]}

    def _route(
        self, method: str, path: str, query: Dict[str, List[str]], body: Optional[Any], account: Account
    ) -> Tuple[int, Any, Dict[str, str]]:
        segments = path.strip("/").split("/")
        # /repos/{owner}/{repo}/pulls/{number}/files
        if (len(segments) == 6 and segments[0] == "repos" and segments[3] == "pulls" and segments[5] == "files"
                and method == "GET"):
            listed = self.pull_files.get((f"{segments[1]}/{segments[2]}", int(segments[4])), [])[:PULL_FILES_CAP]
            return self._page(listed, query, path)
        # /repos/{owner}/{repo}/issues and /repos/{owner}/{repo}/issues/{number}
        if len(segments) in (4, 5) and segments[0] == "repos" and segments[3] == "issues":
            number = int(segments[4]) if len(segments) == 5 else None
            return self._issue_route(method, f"{segments[1]}/{segments[2]}", number, query, body, account, path)
        # /repos/{owner}/{repo}/commits/{sha}/pulls
        if (len(segments) == 6 and segments[0] == "repos" and segments[3] == "commits" and segments[5] == "pulls"
                and method == "GET"):
            return 200, list(self.commit_pulls.get((f"{segments[1]}/{segments[2]}", segments[4]), [])), {}
        # /repos/{owner}/{repo}/issues/{number}/comments
        if len(segments) == 6 and segments[0] == "repos" and segments[3] == "issues" and segments[5] == "comments":
            repository, number = f"{segments[1]}/{segments[2]}", int(segments[4])
            if method == "GET":
                return self._page(self.comments.get((repository, number), []), query, path)
            if method == "POST" and isinstance(body, dict) and isinstance(body.get("body"), str):
                return 201, self._store(repository, number, body["body"], account), {}
        # /repos/{owner}/{repo}/issues/comments/{id}
        if len(segments) == 6 and segments[0] == "repos" and segments[3] == "issues" and segments[4] == "comments":
            repository = f"{segments[1]}/{segments[2]}"
            if method == "PATCH" and isinstance(body, dict) and isinstance(body.get("body"), str):
                for (repo, _number), comments in self.comments.items():
                    for comment in comments:
                        if repo == repository and comment["id"] == int(segments[5]):
                            comment["body"] = body["body"]
                            return 200, comment, {}
            return 404, {"message": "Not Found"}, {}
        return 404, {"message": "Not Found"}, {}

    def _page(
        self, items: List[Dict[str, Any]], query: Dict[str, List[str]], path: str
    ) -> Tuple[int, Any, Dict[str, str]]:
        per_page = min(int(query.get("per_page", ["30"])[0]), self.per_page_cap)
        page = int(query.get("page", ["1"])[0])
        last = max((len(items) + per_page - 1) // per_page, 1)
        shown = items[(page - 1) * per_page : page * per_page]
        links = []
        base = self.link_base or self.url
        kept = {name: values[0] for name, values in query.items() if name not in ("page", "per_page")}

        def link(number: int) -> str:
            return f"{base}{path}?{urlencode({**kept, 'per_page': per_page, 'page': number})}"

        if page < last:
            links.append(f'<{link(page + 1)}>; rel="next"')
            links.append(f'<{link(last)}>; rel="last"')
        return 200, shown, ({"Link": ", ".join(links)} if links else {})
