"""The control-plane routes: what the platform answers to one request.

Sockets, latency and injected transport faults belong to the HTTP adapter; this
module decides the answer (status, JSON body, headers) from the request and the
store, so the platform's semantics live in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple, Union
from urllib.parse import unquote, urlsplit

from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.emulator.auth import (
    AccessDenied,
    TokenGrant,
    authorize,
    bearer_token,
    binding_key,
    granted,
)
from inferencekey_ensure.emulator.faults import FaultSchedule
from inferencekey_ensure.emulator.state import WorkloadStore
from inferencekey_ensure.emulator.validation import (
    BodyError,
    parse_json_object,
    validated_create,
    validated_patch,
)

Headers = Tuple[Tuple[str, str], ...]


@dataclass(frozen=True)
class ApiResponse:
    """A complete answer; ``body`` None means an empty body (204)."""

    status: int
    body: Any = None
    headers: Headers = ()

    def content(self) -> bytes:
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class ReadinessStream:
    """An answer that is a readiness event stream for one workload."""

    workload_id: str
    project: str
    slug: str


def error_response(status: int, code: str, message: str, headers: Headers = ()) -> ApiResponse:
    return ApiResponse(status, {"error": {"code": code, "message": message}}, headers)


def unavailable_response(retry_after_s: Optional[int], status: int = 503) -> ApiResponse:
    """The answer of an overloaded platform (a fail fault, or a lost create)."""
    headers: Headers = () if retry_after_s is None else (("Retry-After", str(retry_after_s)),)
    if status == 429:
        return error_response(429, "rate_limited", "too many requests; slow down and retry", headers)
    return error_response(status, "unavailable", "the control plane is temporarily unavailable; retry", headers)


def _not_found(message: str) -> ApiResponse:
    return error_response(404, "not_found", message)


@dataclass(frozen=True)
class _Route:
    methods: Tuple[str, ...]
    params: Dict[str, str]


def _match(path: str) -> Optional[_Route]:
    parts = [unquote(part) for part in urlsplit(path).path.split("/")]
    if len(parts) < 3 or parts[0] != "" or parts[1] != "api" or any(part == "" for part in parts[2:]):
        return None
    rest = parts[2:]
    if len(rest) == 3 and rest[0] == "projects" and rest[2] == "workloads":
        return _Route(("GET", "POST"), {"project": rest[1]})
    if len(rest) == 5 and rest[0] == "projects" and rest[2] == "workloads" and rest[4] == "readiness-events":
        return _Route(("GET",), {"project": rest[1], "slug": rest[3]})
    if len(rest) == 2 and rest[0] == "workloads":
        return _Route(("PATCH", "DELETE"), {"id": rest[1]})
    return None


class ControlPlaneApi:
    """Answers requests from the store, under the configured token grants."""

    def __init__(self, store: WorkloadStore, grants: Mapping[str, TokenGrant], faults: FaultSchedule) -> None:
        self._store = store
        self._grants = dict(grants)
        self._faults = faults

    def handle(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> Union[ApiResponse, ReadinessStream]:
        """The answer to one request; ``headers`` are keyed by lower-case name."""
        route = _match(path)
        if route is None:
            return _not_found(f"no route for {urlsplit(path).path}")
        if method not in route.methods:
            allow = ", ".join(route.methods)
            return error_response(
                405, "method_not_allowed", f"{method} is not allowed here; use {allow}", (("Allow", allow),)
            )
        try:
            token = bearer_token(headers.get("authorization"))
            if "id" in route.params:
                return self._by_id(method, route.params["id"], token, body)
            project = route.params["project"]
            self._authorize(token, project, write=method != "GET")
            if "slug" in route.params:
                return self._readiness(project, route.params["slug"])
            if method == "GET":
                return ApiResponse(200, {"workloads": self._store.list_workloads(project)})
            return self._create(project, body)
        except AccessDenied as denied:
            extra: Headers = (("WWW-Authenticate", "Bearer"),) if denied.status == 401 else ()
            return ApiResponse(denied.status, denied.body(), extra)
        except BodyError as error:
            return error_response(400, "invalid_request", str(error))

    def _authorize(self, token: str, project: str, write: bool) -> None:
        grant = granted(token, self._grants)
        if grant is None:
            grant = TokenGrant(self._store.bind_token(binding_key(token), project))
        authorize(grant, project, write)
        self._store.ensure_project(project)

    def _create(self, project: str, body: bytes) -> ApiResponse:
        workload = self._store.create_workload(project, validated_create(parse_json_object(body)))
        if self._faults.take_lost_create():
            return unavailable_response(self._faults.config.retry_after_s)
        return ApiResponse(201, workload)

    def _by_id(self, method: str, workload_id: str, token: str, body: bytes) -> ApiResponse:
        project = self._store.project_of(workload_id)
        if project is None:
            # An unknown id must not bind an open-mode token to anything.
            granted(token, self._grants)
            return _not_found(f"workload {workload_id!r} not found")
        self._authorize(token, project, write=True)
        if method == "DELETE":
            if not self._store.delete_workload(workload_id):
                return _not_found(f"workload {workload_id!r} not found")
            return ApiResponse(204)
        fields = parse_json_object(body)
        patched = self._store.patch_workload(workload_id, lambda current: validated_patch(fields, current))
        if patched is None:
            return _not_found(f"workload {workload_id!r} not found")
        return ApiResponse(200, patched)

    def _readiness(self, project: str, slug: str) -> Union[ApiResponse, ReadinessStream]:
        workload = self._store.find_by_slug(project, canonical_slug(slug))
        if workload is None:
            return _not_found(f"workload {slug!r} not found in project {project!r}")
        return ReadinessStream(workload["id"], project, workload["slug"])

