"""Shape checks for control-plane response bodies.

A 200 whose body is not what the route documents (an HTML error page from a
proxy, a truncated object) must be treated as a failed request, not as "the
project has no workloads": that reading would make the engine create every
workload again. Each function raises ``ValueError`` on a body it cannot trust.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List


def decode_json(text: str) -> Any:
    """The JSON value of a body; ``ValueError`` when it is not JSON (empty included)."""
    if not text.strip():
        raise ValueError("empty response body where JSON was expected")
    try:
        return json.loads(text)
    except ValueError:
        raise ValueError(f"response body is not JSON: {text.strip()[:80]!r}") from None


def workload_list(text: str) -> List[Dict[str, Any]]:
    """A list body: a bare array, ``{"workloads": [...]}``, or ``null`` (no workloads)."""
    payload = decode_json(text)
    if isinstance(payload, dict) and "workloads" in payload:
        payload = payload["workloads"]
    if payload is None:
        return []
    if not isinstance(payload, list):
        raise ValueError("workload list is neither an array nor {\"workloads\": [...]}")
    return [_checked_workload(item) for item in payload]


def workload_object(text: str) -> Dict[str, Any]:
    """The workload a create or patch returns."""
    return _checked_workload(decode_json(text))


def _checked_workload(value: Any) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("workload is not a JSON object")
    if not isinstance(value.get("slug"), str):
        raise ValueError("workload has no string \"slug\"")
    if not isinstance(value.get("id"), (str, int)) or isinstance(value.get("id"), bool):
        raise ValueError("workload has no \"id\"")
    return value
