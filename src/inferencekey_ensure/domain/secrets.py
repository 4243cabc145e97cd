"""Token recognition and redaction.

Tokens have the shape ``ik_<kind>_<id>_<secret>``. The safe form keeps the kind
prefix and the first 8 characters of the id, so two tokens can still be told
apart in a log without the secret tail ever being printed.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

SDK_PREFIX = "ik_sdk_"
LIVE_PREFIX = "ik_live_"
FORBIDDEN_VALUE_PREFIXES = (LIVE_PREFIX, SDK_PREFIX)

# A whole token pasted anywhere inside a string (e.g. into a command line).
TOKEN_PATTERN = re.compile(r"\bik_([a-z]+)_([A-Za-z0-9]{4,})_([A-Za-z0-9_\-]{8,})")


def redact_token(token: str) -> str:
    """Return the loggable form of one token (``ik_sdk_1234abcd…``).

    Only a token of the documented shape has a public id before its secret; in any
    other (``ik_sdk_<secret>``, as pasted by hand) the characters after the prefix
    may all be secret, so only the prefix is kept.
    """
    match = re.match(r"ik_([a-z]+)_", token)
    if not match:
        return "…"
    token_id, separator, _secret = token[match.end():].partition("_")
    if not separator:
        return f"{match.group(0)}…"
    return f"{match.group(0)}{token_id[:8]}…"


def redact_text(text: str, known_secrets: Iterable[Optional[str]] = ()) -> str:
    """Redact every token-shaped substring and every known secret value in ``text``.

    ``known_secrets`` covers tokens that do not follow the documented shape (a user
    may paste anything into ``INFERENCEKEY_SDK_TOKEN``); those are replaced whole.
    """
    for secret in known_secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, redact_token(secret))
    return TOKEN_PATTERN.sub(lambda m: redact_token(m.group(0)), text)


def starts_with_forbidden_prefix(value: str) -> bool:
    """The SDK's rule: no spec string may start with a credential prefix."""
    return value.startswith(FORBIDDEN_VALUE_PREFIXES)


def credential_shaped(value: str) -> bool:
    """A value that may be a credential: it starts with a credential prefix or holds a token.

    Used on values that name things (a project), where a pasted token would be echoed.
    """
    return starts_with_forbidden_prefix(value.strip()) or TOKEN_PATTERN.search(value) is not None


def credential_refusal(source: str) -> str:
    """Why a value given as ``source`` is refused, without repeating the value."""
    return (
        f"{source} looks like a credential, not a project slug, so it is neither used nor shown. "
        "Name the project's slug there; a token belongs only in the token's secret."
    )
