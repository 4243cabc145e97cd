"""Where the client connects and with which token, resolved and checked before any request.

The token is read only from ``INFERENCEKEY_SDK_TOKEN``: a command-line flag would
put it in shell history and in CI logs that echo commands. A token of the wrong
kind is refused here, locally; the official SDK sends an ``ik_live_`` data-plane
key to the server first, which leaks it to one more place for no benefit.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Mapping, Optional
from urllib.parse import urlsplit

import httpx

from inferencekey_ensure import __version__
from inferencekey_ensure.controlplane.errors import ConfigurationError, CredentialRefused
from inferencekey_ensure.controlplane.retry import RetryPolicy
from inferencekey_ensure.domain.secrets import LIVE_PREFIX, SDK_PREFIX, redact_token

DEFAULT_BASE_URL = "https://api.inferencekey.com"
TOKEN_ENV = "INFERENCEKEY_SDK_TOKEN"
BASE_URL_ENV = "INFERENCEKEY_BASE_URL"
HOMEPAGE = "https://github.com/inferencekey/ensure-action"
DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_READ_TIMEOUT_S = 30.0
# Whatever pace a server keeps, an attempt ends by this (the retry budget bounds the attempts).
DEFAULT_REQUEST_DEADLINE_S = 30.0
# An answer is read only this far: a list of 20,000 workloads is about 14 MiB.
DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024
# One readiness line or event: a few hundred bytes in practice.
DEFAULT_MAX_EVENT_BYTES = 1024 * 1024

# Printable ASCII without spaces: anything else cannot travel in an HTTP header,
# and httpx's complaint about an invalid header value would quote the token.
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")
# Whitespace and control characters have no place in a URL (httpx refuses them later, unworded).
_URL_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, repr=False)
class ClientSettings:
    """Everything the control-plane client needs; safe to print (the token is redacted)."""

    base_url: str
    token: str
    user_agent: str
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_S
    read_timeout: float = DEFAULT_READ_TIMEOUT_S
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    request_deadline: float = DEFAULT_REQUEST_DEADLINE_S
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES

    def __repr__(self) -> str:
        return (
            f"ClientSettings(base_url={self.base_url!r}, token={redact_token(self.token)!r}, "
            f"user_agent={self.user_agent!r}, connect_timeout={self.connect_timeout!r}, "
            f"read_timeout={self.read_timeout!r}, retry={self.retry!r}, "
            f"request_deadline={self.request_deadline!r}, max_answer_bytes={self.max_answer_bytes!r}, "
            f"max_event_bytes={self.max_event_bytes!r})"
        )


def user_agent() -> str:
    """Names this tool, its version and its runtime, so platform logs can tell CI traffic apart."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"ik-ensure/{__version__} (+{HOMEPAGE}) python/{python} httpx/{httpx.__version__}"


def resolve_settings(
    base_url: Optional[str],
    env: Mapping[str, str],
    *,
    connect_timeout: Optional[float] = None,
    read_timeout: Optional[float] = None,
    retry: Optional[RetryPolicy] = None,
) -> ClientSettings:
    """Resolve explicit value > environment > default, and refuse what cannot work.

    Raises ``ConfigurationError`` (or its subclass ``CredentialRefused`` for a
    token of the wrong kind) before anything is sent.
    """
    return ClientSettings(
        base_url=_resolve_base_url(base_url, env),
        token=_resolve_token(env),
        user_agent=user_agent(),
        connect_timeout=_positive("connect timeout", connect_timeout, DEFAULT_CONNECT_TIMEOUT_S),
        read_timeout=_positive("read timeout", read_timeout, DEFAULT_READ_TIMEOUT_S),
        retry=retry if retry is not None else RetryPolicy(),
    )


def _resolve_base_url(explicit: Optional[str], env: Mapping[str, str]) -> str:
    raw = (explicit or "").strip() or env.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL
    url = raw.rstrip("/")
    if _URL_UNSAFE.search(url):
        # Shown escaped: the value may come from a workflow input and end up in a log line.
        raise ConfigurationError(
            f"base URL {url!r} holds a space, line break or control character",
            fix=f"Set {BASE_URL_ENV} (or the base-url option) to a URL such as {DEFAULT_BASE_URL}.",
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"base URL {url!r} is not an http(s) URL",
            fix=f"Set {BASE_URL_ENV} (or the base-url option) to a URL such as {DEFAULT_BASE_URL}.",
        )
    return url


def _resolve_token(env: Mapping[str, str]) -> str:
    token = env.get(TOKEN_ENV, "").strip()
    if not token:
        raise ConfigurationError(
            f"{TOKEN_ENV} is not set",
            fix=f"Export {TOKEN_ENV} with the project's ik_sdk_ token (in GitHub Actions, from a secret).",
        )
    if token.startswith(LIVE_PREFIX):
        raise CredentialRefused(
            f"{TOKEN_ENV} holds an ik_live_ data-plane key ({redact_token(token)}); "
            "the control plane accepts only ik_sdk_ tokens, so it was not sent",
            code="wrong_credential_type",
            secrets=(token,),
        )
    if not token.startswith(SDK_PREFIX) or not _HEADER_SAFE.fullmatch(token):
        raise CredentialRefused(
            f"{TOKEN_ENV} is not an ik_sdk_ control-plane token, so it was not sent",
            code="wrong_credential_type",
            fix=f"Set {TOKEN_ENV} to the whole ik_sdk_ token, exactly as issued (it starts with ik_sdk_).",
            secrets=(token,),
        )
    return token


def _positive(what: str, value: Optional[float], default: float) -> float:
    if value is None:
        return default
    if not value > 0:
        raise ConfigurationError(f"{what} must be a positive number of seconds, got {value!r}")
    return float(value)
