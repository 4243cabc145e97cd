"""What the emulator received, request by request, for tests to inspect.

Tests prove properties of the wire (a preview sends only GETs, the token travels
only in the ``Authorization`` header) from this log, so it keeps every request
exactly as received, including those a fault then answered.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, Dict, List


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received; ``headers`` keyed by lower-case name, values as sent."""

    method: str
    path: str
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` when it is not JSON)."""
        return json.loads(self.body.decode("utf-8"))


class RequestLog:
    """Thread-safe, append-only (until cleared) list of received requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: List[RecordedRequest] = []

    def append(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def snapshot(self) -> List[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
