"""The socket side of the emulator: reads requests, applies latency and transport
faults, writes answers and readiness streams.

Responses are written as raw bytes rather than through ``send_response`` so a
"connection closed mid-response" fault can cut one at an exact byte.
"""

from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Dict, List, Optional, Tuple

from inferencekey_ensure import __version__
from inferencekey_ensure.emulator.api import (
    ApiResponse,
    ControlPlaneApi,
    ReadinessStream,
    error_response,
    unavailable_response,
)
from inferencekey_ensure.emulator.faults import CLOSE, FAIL, NON_JSON, FaultSchedule
from inferencekey_ensure.emulator.readiness import (
    deleted_event,
    encode_event,
    events_due,
    is_final,
    phase_index,
    seconds_to_next_phase,
)
from inferencekey_ensure.emulator.recording import RecordedRequest
from inferencekey_ensure.emulator.state import Clock, WorkloadStore

MAX_BODY_BYTES = 1024 * 1024
MAX_DISCARD_BYTES = 64 * 1024 * 1024
# How often an open readiness stream looks at its workload between phase changes
# (it also notices a PATCH, a delete or the server stopping within this time).
STREAM_POLL_S = 0.05
NON_JSON_CONTENT = b"<html><head><title>200 OK</title></head><body>Service degraded</body></html>\n"
JSON_TYPE = "application/json"

RawHeaders = List[Tuple[str, str]]


@dataclass
class ServingContext:
    """What every request thread shares with the server that started it."""

    api: ControlPlaneApi
    store: WorkloadStore
    faults: FaultSchedule
    record: Callable[[RecordedRequest], None]
    log: Callable[[str], None]
    clock: Clock
    readiness_step_s: float
    stopping: threading.Event


class _BodyProblem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class EmulatorRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"InferenceKeyEmulator/{__version__}"
    sys_version = ""
    timeout = 60  # an idle keep-alive connection is closed after this many seconds

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    @property
    def _context(self) -> ServingContext:
        # The server class that serves this handler carries the context; BaseServer's type does not say so.
        context: ServingContext = self.server.context  # type: ignore[attr-defined]
        return context

    def _serve(self) -> None:
        try:
            self._answer()
        except OSError:
            self.close_connection = True  # the client went away; nothing left to tell it
        except Exception:  # noqa: BLE001 - a bug in the emulator must show up as a 500, never a hang
            self._context.log("internal emulator error:\n" + traceback.format_exc())
            self.close_connection = True
            try:
                self._send(error_response(500, "internal", "internal emulator error"))
            except OSError:
                pass  # the client went away as well

    def _answer(self) -> None:
        context = self._context
        headers = self._header_dict()
        try:
            body = self._read_body()
        except _BodyProblem as problem:
            context.record(RecordedRequest(self.command, self.path, headers, b""))
            self.close_connection = True
            code = "payload_too_large" if problem.status == 413 else "invalid_request"
            self._send(error_response(problem.status, code, str(problem)))
            return
        context.record(RecordedRequest(self.command, self.path, headers, body))
        config, fault = context.faults.next_request()
        if config.latency_ms and context.stopping.wait(config.latency_ms / 1000.0):
            self.close_connection = True
            return
        if fault == FAIL:
            self._send(unavailable_response(config.retry_after_s, config.fail_status), fault)
            return
        outcome = context.api.handle(self.command, self.path, headers, body)
        if fault == NON_JSON:
            self._write_response(200, [("Content-Type", "text/html")], NON_JSON_CONTENT, fault)
        elif isinstance(outcome, ReadinessStream):
            self._stream(outcome, cut_headers=fault == CLOSE)
        else:
            self._send(outcome, fault)

    # -- reading -----------------------------------------------------------------------

    def _header_dict(self) -> Dict[str, str]:
        headers: Dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return headers

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        declared = self.headers.get("Content-Length")
        if declared is None:
            return b""
        try:
            length = int(declared)
        except ValueError:
            raise _BodyProblem(400, "invalid Content-Length header") from None
        if length < 0:
            raise _BodyProblem(400, "invalid Content-Length header")
        if length > MAX_BODY_BYTES:
            self._discard(length)
            raise _BodyProblem(413, f"request body larger than {MAX_BODY_BYTES} bytes")
        return self.rfile.read(length)

    def _discard(self, length: int) -> None:
        """Read and drop a refused body, so closing the connection does not reset it
        before the client has read the 413 (unread input makes the kernel send RST)."""
        remaining = min(length, MAX_DISCARD_BYTES)
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                return
            remaining -= len(chunk)

    def _read_chunked(self) -> bytes:
        chunks: List[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024)
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BodyProblem(400, "malformed chunked request body") from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields carry nothing the emulator reads
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise _BodyProblem(413, f"request body larger than {MAX_BODY_BYTES} bytes")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    # -- writing -----------------------------------------------------------------------

    def _send(self, response: ApiResponse, fault: Optional[str] = None) -> None:
        headers: RawHeaders = list(response.headers)
        content = response.content()
        if content:
            headers.append(("Content-Type", JSON_TYPE))
        self._write_response(response.status, headers, content, fault)

    def _head(self, status: int, headers: RawHeaders) -> bytes:
        reason = self.responses.get(status, ("",))[0]
        lines = [f"HTTP/1.1 {status} {reason}", f"Server: {self.server_version}", f"Date: {self.date_time_string()}"]
        lines.extend(f"{name}: {value}" for name, value in headers)
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _write_response(self, status: int, headers: RawHeaders, content: bytes, fault: Optional[str]) -> None:
        if status != 204:  # a 204 has no body, so it must not announce a length
            headers = headers + [("Content-Length", str(len(content)))]
        if self.close_connection:
            headers.append(("Connection", "close"))
        data = self._head(status, headers) + content
        if fault == CLOSE:
            # Applied, then cut halfway: the client cannot tell whether it happened.
            data = data[: len(data) // 2]
            self.close_connection = True
        self.wfile.write(data)
        self.wfile.flush()
        self._context.log(f"{self.command} {self.path} -> {status}" + (f" [fault: {fault}]" if fault else ""))

    def _stream(self, stream: ReadinessStream, cut_headers: bool) -> None:
        context = self._context
        self.close_connection = True
        head = self._head(
            200,
            [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"), ("Connection", "close")],
        )
        if cut_headers:
            self.wfile.write(head[: len(head) // 2])
            context.log(f"{self.command} {self.path} -> 200 [fault: {CLOSE}]")
            return
        self.wfile.write(head)
        self.wfile.flush()
        dropped = context.faults.take_stream_drop(stream.workload_id)
        ends_in_error = context.faults.ends_in_error(stream.slug)
        context.log(f"{self.command} {self.path} -> 200 (stream" + (", dropped)" if dropped else ")"))
        last_sent: Optional[int] = None
        elapsed = 0.0
        while not context.stopping.is_set():
            since = context.store.changed_at(stream.workload_id)
            if since is None:
                self._write_events([deleted_event(elapsed)])
                return
            elapsed = max(0.0, context.clock() - since)
            current = phase_index(elapsed, context.readiness_step_s)
            due = events_due(last_sent, current, elapsed, ends_in_error)
            if dropped:
                # Cut right after the snapshot, never after a final event.
                self._write_events([event for event in due if not is_final(event)])
                return
            self._write_events(due)
            if any(is_final(event) for event in due):
                return
            last_sent = current
            wait = seconds_to_next_phase(elapsed, context.readiness_step_s)
            context.stopping.wait(min(STREAM_POLL_S, max(wait, 0.001)))

    def _write_events(self, events: List[Dict[str, Any]]) -> None:
        for event in events:
            self.wfile.write(encode_event(event))
        self.wfile.flush()

    # -- logging -----------------------------------------------------------------------

    def log_request(self, code: object = "-", size: object = "-") -> None:
        """Answers are logged where they are written, with the fault applied."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        self._context.log(format % args)
