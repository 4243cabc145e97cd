"""Typed control-plane errors with the official SDK's categories and message shapes.

Users already know the SDK's wording (``authentication failed: ...``,
``permission denied [code]: ...``), so the messages keep it; where the SDK is
wrong (it calls a 401 a permission error, it drops the code of a 403 whose body
is ``{"error": {"code": ...}}``) this module is right instead. Every error carries
``fix``: one sentence telling the user what to do next, because a CI log is read
by someone who did not write the spec. Every message and fix is redacted on
construction, so no code path can print a token by forgetting to.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Dict, Iterable, Optional, Tuple, Type

from inferencekey_ensure.domain.errors import IkEnsureError
from inferencekey_ensure.domain.secrets import redact_text

# Response bodies end up in CI logs; a page of HTML from a proxy helps nobody.
MAX_DETAIL_CHARS = 500

Secrets = Iterable[Optional[str]]


class EnsureError(IkEnsureError):
    """Base of every error this adapter raises; ``str()`` is the SDK-shaped message."""

    category: ClassVar[str] = "api"
    prefix: ClassVar[str] = "api error: "
    default_code: ClassVar[str] = "api_error"
    default_fix: ClassVar[str] = "Re-run later; if it keeps failing, report the message to InferenceKey support."
    fix: str  # always set: a control-plane error always has a next step

    def __init__(
        self,
        detail: str,
        *,
        code: Optional[str] = None,
        fix: Optional[str] = None,
        status: Optional[int] = None,
        transient: bool = False,
        secrets: Secrets = (),
    ) -> None:
        known = tuple(secrets)
        self.code = redact_text(code or self.default_code, known)
        self.status = status
        # True when the same request might succeed later (rate limit, outage,
        # transport failure); the caller may report "re-run" rather than "fix".
        self.transient = transient
        self.detail = redact_text(detail, known)
        super().__init__(redact_text(self._shape(self.detail), known),
                         redact_text(fix or self._default_fix_for_code(), known))

    def __reduce__(self) -> Tuple[Any, ...]:
        # The default rebuilds from ``args`` (the shaped message) and would shape it
        # twice; copies and pickles must keep the message exactly.
        return (_restore, (type(self), dict(self.__dict__)))

    def _shape(self, detail: str) -> str:
        return f"{self.prefix}{detail}"

    def _default_fix_for_code(self) -> str:
        return self.default_fix


def _restore(cls: Type[EnsureError], state: Dict[str, Any]) -> EnsureError:
    error = cls.__new__(cls)
    Exception.__init__(error, state["message"])
    error.__dict__.update(state)
    return error


class ConfigurationError(EnsureError):
    """Refused locally, before any request: the run cannot start as configured."""

    category = "configuration"
    prefix = "configuration error: "
    default_code = "configuration"
    default_fix = "Fix the configuration named in the message and re-run."


class AuthError(EnsureError):
    """401: the platform does not accept the token at all."""

    category = "auth"
    prefix = "authentication failed: "
    default_code = "unauthorized"
    default_fix = (
        "Set INFERENCEKEY_SDK_TOKEN to a current ik_sdk_ control-plane token "
        "(this one is unknown, revoked or mistyped)."
    )


_PERMISSION_FIXES: Dict[str, str] = {
    "project_scope_mismatch": (
        "The token is scoped to another project; use that project's token or fix `project` "
        "in the spec (or INFERENCEKEY_PROJECT)."
    ),
    "scope_insufficient": (
        "The token lacks the scope this operation needs; create an ik_sdk_ token "
        "allowed to manage workloads in this project."
    ),
    "wrong_credential_type": (
        "INFERENCEKEY_SDK_TOKEN must hold an ik_sdk_ control-plane token, not an ik_live_ "
        "data-plane key; create an SDK token for the project and use that."
    ),
}


class PermissionDenied(EnsureError):
    """403: the token is valid but may not do this (the code says why)."""

    category = "permission"
    default_code = "forbidden"
    default_fix = "The token may not perform this operation; check its project and scopes."

    def _shape(self, detail: str) -> str:
        return f"permission denied [{self.code}]: {detail}"

    def _default_fix_for_code(self) -> str:
        return _PERMISSION_FIXES.get(self.code, self.default_fix)


class CredentialRefused(PermissionDenied, ConfigurationError):
    """A token of the wrong kind, refused before it is sent anywhere.

    It is a ``PermissionDenied`` because that is the SDK's wording and category,
    and a ``ConfigurationError`` because nothing was requested: callers that stop
    on local configuration problems catch it with the rest of them.
    """


class ValidationError(EnsureError):
    """400: the platform rejected the request body."""

    category = "validation"
    prefix = "bad request: "
    default_code = "bad_request"
    default_fix = "The platform rejected a field of the spec; correct the field named in the message."


class NotFoundError(EnsureError):
    """404: the project or workload does not exist (or no longer does)."""

    category = "not_found"
    prefix = "not found: "
    default_code = "not_found"
    default_fix = (
        "Check the project name; a workload deleted meanwhile is re-created by a plain re-run."
    )


class ApiError(EnsureError):
    """Any other non-2xx answer, or an answer that breaks the wire format."""

    def _shape(self, detail: str) -> str:
        # The SDK names the status; subclasses with a prefix of their own keep theirs.
        if self.status is not None and self.prefix == ApiError.prefix:
            return f"api error (status {self.status}): {detail}"
        return super()._shape(detail)


class NetworkError(ApiError):
    """No usable answer: connection refused or dropped, or a timeout."""

    prefix = "network error: "
    default_code = "network"
    default_fix = "Check INFERENCEKEY_BASE_URL and the runner's network access, then re-run."


class OutcomeUnknownError(ApiError):
    """A create that may or may not have been stored; re-list before anything else.

    Re-sending it blindly could store a second copy under ``<slug>-1``.
    ``retry_after_s`` is the wait the answer asked for (``Retry-After``), if any:
    whoever re-lists and sends again owes the platform that pause.
    """

    prefix = "outcome unknown: "
    default_code = "outcome_unknown"
    default_fix = (
        "Re-list the project before creating again (a plain re-run does this); "
        "a workload that now has the slug was created."
    )

    def __init__(self, detail: str, *, retry_after_s: Optional[float] = None, **options: Any) -> None:
        super().__init__(detail, **options)
        self.retry_after_s = retry_after_s


class ReadinessError(ApiError):
    """The readiness stream ended in the ``error`` phase."""

    prefix = ""  # the SDK's own sentence, unprefixed
    default_code = "readiness_error"
    default_fix = (
        "Open the workload in the InferenceKey console for the failing step; "
        "fix the spec (model, backend, command) and re-run."
    )


class ReadinessTimeout(ApiError):
    """The workload did not reach ``ready`` within the wait timeout."""

    prefix = ""
    default_code = "readiness_timeout"
    default_fix = "Raise the wait timeout (cold starts can take minutes) or check the workload's capacity."


def describe_error_body(body: str, reason: str = "") -> Tuple[Optional[str], str]:
    """Return ``(code, message)`` from an error body of any of the shapes servers send.

    The documented shape is ``{"error": {"code": ..., "message": ...}}``; proxies
    and older servers send ``{"error": "..."}``, top-level ``code``/``message``,
    ``detail``, plain text or nothing, and all of them must still read well.
    """
    parsed = _json_or_none(body)
    if isinstance(parsed, dict):
        inner = parsed.get("error")
        source: Dict[str, Any] = inner if isinstance(inner, dict) else parsed
        code = _text_or_none(source.get("code"))
        message = (
            _text_or_none(source.get("message"))
            or _text_or_none(source.get("detail"))
            or _text_or_none(inner)
        )
        if message:
            return code, _truncate(message)
        if code:
            return code, reason or code
    text = body.strip()
    return None, _truncate(text) if text else (reason or "no response body")


def error_for_response(
    status: int,
    body: str,
    *,
    reason: str = "",
    attempts: int = 1,
    secrets: Secrets = (),
) -> EnsureError:
    """Map one non-2xx answer to its typed error (the SDK's classes, corrected)."""
    secrets = tuple(secrets)
    # Redact before truncating: a cut through a token would defeat the pattern.
    code, message = describe_error_body(redact_text(body, secrets), reason)
    message = with_attempts(message, attempts)
    if status == 401:
        return AuthError(message, code=code, status=status, secrets=secrets)
    if status == 403:
        return PermissionDenied(message, code=code, status=status, secrets=secrets)
    if status == 404:
        return NotFoundError(message, code=code, status=status, secrets=secrets)
    if status == 400:
        return ValidationError(message, code=code, status=status, secrets=secrets)
    return ApiError(
        message,
        code=code or f"http_{status}",
        status=status,
        fix=_fix_for_other_status(status),
        transient=status == 429 or status >= 500,
        secrets=secrets,
    )


def with_attempts(detail: str, attempts: int) -> str:
    """Say that retries happened, so "503" after a minute of retrying is not read as a blip."""
    if attempts > 1:
        return f"{detail} (gave up after {attempts} attempts)"
    return detail


def _fix_for_other_status(status: int) -> str:
    if status == 429:
        return "The platform is rate-limiting this token; re-run later or lower the concurrency."
    if status >= 500:
        return "The platform failed to answer; re-run later (a plain re-run converges)."
    return "The platform refused the request; check the spec and this tool's version, then re-run."


def _json_or_none(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _text_or_none(value: Any) -> Optional[str]:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _truncate(text: str) -> str:
    if len(text) <= MAX_DETAIL_CHARS:
        return text
    return text[:MAX_DETAIL_CHARS] + "… (truncated)"
