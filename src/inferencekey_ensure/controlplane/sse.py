"""Server-sent events, decoded by the rules of the HTML living standard, fed line by line.

The readiness stream is long-lived and mostly quiet, so proxies insert keep-alive
comments and servers may split one JSON event over several ``data:`` lines; a
line-at-a-time decoder handles both and lets the reader check its own deadline
between lines, which an iterator of whole events could not. A line, and an event,
are held only up to a size cap: a server that never ends one costs bounded memory.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterable, Iterator, List, Optional

_BOM = "\ufeff"
_LINE_END = re.compile(b"\r\n|\r|\n")


def size_text(size: int) -> str:
    """A byte count as people write it: ``64 KiB``, ``1 MiB``, ``1.5 MiB``."""
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} bytes"


def bounded_lines(chunks: Iterable[bytes], max_line_bytes: int) -> Iterator[bytes]:
    """The lines of a byte stream (ended by CRLF, LF or CR, as the standard says), without
    their ends; ``ValueError`` as soon as a line grows past ``max_line_bytes``."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        start = 0
        for match in _LINE_END.finditer(pending):
            if match.group() == b"\r" and match.end() == len(pending):
                break  # perhaps the first half of a CRLF split over two chunks
            yield pending[start:match.start()]
            start = match.end()
        pending = pending[start:]
        if len(pending.rstrip(b"\r")) > max_line_bytes:
            raise ValueError(f"a line longer than {size_text(max_line_bytes)}")
    if pending.rstrip(b"\r"):
        yield pending.rstrip(b"\r")


class SseDecoder:
    """Accumulates ``data:`` lines and hands back the payload when an event is complete."""

    def __init__(self, max_event_chars: Optional[int] = None) -> None:
        self._data: List[str] = []
        self._size = 0
        self._max_event_chars = max_event_chars
        self._first_line = True

    def feed(self, line: str) -> Optional[str]:
        """Consume one line (without its end-of-line); return an event's data when it ends.

        Comments (``:...``), ``event``/``id``/``retry`` fields and events without
        data are not events for this reader. A stream that ends mid-event drops
        that event, as the standard requires: it was never complete.
        """
        if self._first_line:
            self._first_line = False
            if line.startswith(_BOM):
                line = line[len(_BOM):]
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._size += len(value) + 1
            if self._max_event_chars is not None and self._size > self._max_event_chars:
                raise ValueError(f"an event larger than {size_text(self._max_event_chars)}")
            self._data.append(value)
        return None

    def _dispatch(self) -> Optional[str]:
        if not self._data:
            return None
        data = "\n".join(self._data)
        self._data = []
        self._size = 0
        return data


def decode_event_objects(data: str) -> List[Dict[str, Any]]:
    """The JSON objects in one event's data.

    Normally one object, possibly spread over several ``data:`` lines. Servers that
    write one object per ``data:`` line without a blank line between them produce a
    joined payload that is not JSON; each line is then read on its own. Raises
    ``ValueError`` when the payload holds anything but JSON objects.
    """
    try:
        return [_as_object(json.loads(data))]
    except ValueError:
        lines = [line for line in data.split("\n") if line.strip()]
        if len(lines) < 2:
            raise
        return [_as_object(json.loads(line)) for line in lines]


def _as_object(value: Any) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"readiness event is not a JSON object: {json.dumps(value)[:100]}")
    return value
