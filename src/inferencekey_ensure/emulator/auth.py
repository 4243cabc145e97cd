"""Who may do what: bearer tokens, their project and their scopes.

The platform scopes one ``ik_sdk_`` token to one project; the emulator answers
the same 401/403 shapes so the client's error mapping is tested against the real
codes. Token values never appear in an answer or a key kept on disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.domain.secrets import LIVE_PREFIX, SDK_PREFIX

READ = "read"
WRITE = "write"
# A grant to every project: only for the in-process emulator behind ``--local``,
# where one fixed token must serve specs of any project.
ANY_PROJECT = "*"


@dataclass(frozen=True)
class TokenGrant:
    """The project a token may act on, and whether it may write there."""

    project: str
    scopes: Tuple[str, ...] = (READ, WRITE)

    def __post_init__(self) -> None:
        if not self.project:
            raise ValueError("a token grant needs a project")
        unknown = set(self.scopes) - {READ, WRITE}
        if unknown or READ not in self.scopes:
            raise ValueError(f"scopes must include {READ!r} and may add {WRITE!r}: {self.scopes!r}")

    @classmethod
    def read_only(cls, project: str) -> "TokenGrant":
        return cls(project, (READ,))

    @property
    def can_write(self) -> bool:
        return WRITE in self.scopes

    def covers(self, project: str) -> bool:
        return self.project in (ANY_PROJECT, project)


class AccessDenied(IkEnsureError):
    """A 401 or 403 answer, with the platform's error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> Dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def _unauthenticated(message: str) -> AccessDenied:
    return AccessDenied(401, "unauthenticated", message)


def bearer_token(authorization: Optional[str]) -> str:
    """The control-plane token carried by an ``Authorization`` header value."""
    if not authorization:
        raise _unauthenticated("missing Authorization header; send 'Authorization: Bearer <ik_sdk_ token>'")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthenticated("the Authorization header must be 'Bearer <ik_sdk_ token>'")
    if token.startswith(LIVE_PREFIX):
        raise AccessDenied(
            403,
            "wrong_credential_type",
            "an ik_live_ data-plane key cannot be used on the control plane; use an ik_sdk_ token",
        )
    if not token.startswith(SDK_PREFIX):
        raise _unauthenticated("invalid token: control-plane tokens start with ik_sdk_")
    return token


def granted(token: str, grants: Mapping[str, TokenGrant]) -> Optional[TokenGrant]:
    """The token's grant; None in open mode (no grants configured) for the caller to bind."""
    if not grants:
        return None
    grant = grants.get(token)
    if grant is None:
        raise _unauthenticated("invalid token: unknown or revoked ik_sdk_ token")
    return grant


def authorize(grant: TokenGrant, project: str, write: bool) -> None:
    """Raise the 403 the platform answers when ``grant`` does not allow this request."""
    if not grant.covers(project):
        raise AccessDenied(
            403,
            "project_scope_mismatch",
            f"this token is scoped to project {grant.project!r}, not {project!r}",
        )
    if write and not grant.can_write:
        raise AccessDenied(
            403,
            "scope_insufficient",
            "this token is read-only; creating, changing or deleting workloads needs write scope",
        )


def binding_key(token: str) -> str:
    """A stable key for an open-mode token binding that does not store the token itself."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()
