"""Loopback HTTP servers for the tests, and a scripted one for precise fault sequences.

Each request takes the next step of the script (a ``Step`` callable that writes
the answer); when the script runs out, the fallback step answers. Every request
is recorded, so tests can count what reached the server.
"""

from __future__ import annotations

import io
import json
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Type, TypeVar

from inferencekey_ensure.emulator import RecordedRequest

Step = Callable[["_Handler"], None]
_Server = TypeVar("_Server", bound="LoopbackServer")


class LoopbackHandler(BaseHTTPRequestHandler):
    """What every fake server's handler shares: silence, the request body, a sized answer."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_bytes(self, status: int, data: bytes, headers: Dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class LoopbackServer:
    """An HTTP server on an ephemeral 127.0.0.1 port, served from a daemon thread.

    The one base of the tests' fake servers (this scripted control plane, the fake
    GitHub API); each records its requests in the shape its tests read.
    """

    def __init__(self, handler: Type[BaseHTTPRequestHandler], poll_interval: float = 0.01) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(poll_interval,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self: _Server) -> _Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def __enter__(self: _Server) -> _Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class ScriptedServer(LoopbackServer):
    def __init__(self, fallback: Optional[Step] = None) -> None:
        self.requests: List[RecordedRequest] = []
        self.released = threading.Event()  # set at stop: frees handlers that sleep
        self._script: List[Step] = []
        self._fallback = fallback or reply(500, {"error": {"message": "unscripted request"}})
        self._lock = threading.Lock()
        server = self

        class Handler(_Handler):
            owner = server

        super().__init__(Handler)

    def script(self, *steps: Step) -> "ScriptedServer":
        with self._lock:
            self._script.extend(steps)
        return self

    def next_step(self) -> Step:
        with self._lock:
            return self._script.pop(0) if self._script else self._fallback

    def record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    def methods(self) -> List[str]:
        return [entry.method for entry in self.requests]

    def stop(self) -> None:
        self.released.set()
        super().stop()


class _Handler(LoopbackHandler):
    owner: ScriptedServer
    protocol_version = "HTTP/1.1"
    # Buffered, so head and body leave in one segment (no Nagle/delayed-ACK stall).
    wbufsize = 64 * 1024

    def _handle(self) -> None:
        body = self.read_body()
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.owner.record(RecordedRequest(self.command, self.path, headers, body))
        self.owner.next_step()(self)

    do_GET = do_POST = do_PATCH = do_DELETE = _handle


def _encode(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


def reply(status: int, body: Any = b"", headers: Optional[Dict[str, str]] = None) -> Step:
    """Answer with ``body`` (JSON-encoded unless str/bytes)."""

    def step(handler: _Handler) -> None:
        handler.send_bytes(status, _encode(body), {"Content-Type": "application/json", **(headers or {})})

    return step


def echo_authorization(status: int) -> Step:
    """A hostile server that quotes the caller's Authorization header back in its error."""

    def step(handler: _Handler) -> None:
        seen = handler.headers.get("Authorization", "")
        body = {"error": {"code": "echo", "message": f"rejected credentials {seen}"}}
        handler.send_bytes(status, _encode(body), {"Content-Type": "application/json"})

    return step


def close_mid_response() -> Step:
    """Promise 200 bytes of JSON, send a few, then close: a connection dropped mid-response."""

    def step(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "200")
        handler.end_headers()
        handler.wfile.write(b'[{"id": "w')
        handler.wfile.flush()
        handler.connection.shutdown(socket.SHUT_RDWR)
        handler.close_connection = True

    return step


def close_without_response() -> Step:
    """Read the request, answer nothing, close: the response is lost."""

    def step(handler: _Handler) -> None:
        handler.connection.shutdown(socket.SHUT_RDWR)
        handler.close_connection = True

    return step


def stall(seconds: float, then: Step) -> Step:
    """Hold the answer for ``seconds`` (cut short when the server stops)."""

    def step(handler: _Handler) -> None:
        handler.owner.released.wait(seconds)
        then(handler)

    return step


def event_stream(lines: Sequence[str], *, status: int = 200, keep_alive_every: Optional[float] = None) -> Step:
    """Send ``lines`` (each followed by a newline) as text/event-stream, then close.

    With ``keep_alive_every`` the stream then stays open, sending a comment line at
    that interval until the server stops: a quiet but live stream.
    """

    def step(handler: _Handler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        try:
            for line in lines:
                handler.wfile.write(line.encode() + b"\n")
                handler.wfile.flush()
            while keep_alive_every is not None and not handler.owner.released.wait(keep_alive_every):
                handler.wfile.write(b": keep-alive\n")
                handler.wfile.flush()
        except OSError:
            return

    return step


def sse_event(payload: Dict[str, Any]) -> List[str]:
    """One readiness event as SSE lines (data line + blank line)."""
    return [f"data: {json.dumps(payload)}", ""]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def unaccepting_port() -> Iterator[int]:
    """A loopback port whose accept queue is full, so a new connection cannot be opened in time."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    fillers: List[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = int(listener.getsockname()[1])
        for _ in range(3):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            fillers.append(filler)
            try:
                filler.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def trickle(raw: bytes, *, head: bytes = b"", every_s: float = 1.0) -> Step:
    """Write ``head`` at once, then ``raw`` (status line and headers, when no head) one byte
    every ``every_s``: a server never silent long enough for a read timeout, and never done."""

    def step(handler: _Handler) -> None:
        handler.close_connection = True
        try:
            handler.wfile.write(head)
            handler.wfile.flush()
            for byte in raw:
                if handler.owner.released.wait(every_s):
                    return
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
        except OSError:
            _client_gone(handler)

    return step


def flood(head: bytes, chunk: bytes) -> Step:
    """Write ``head``, then ``chunk`` over and over until the client goes away: an endless answer."""

    def step(handler: _Handler) -> None:
        handler.close_connection = True
        try:
            handler.wfile.write(head)
            while not handler.owner.released.is_set():
                handler.wfile.write(chunk)
        except OSError:
            pass
        _client_gone(handler)

    return step


def _client_gone(handler: _Handler) -> None:
    """The client hung up (or the server stops): what is still buffered is dropped, not flushed."""
    handler.wfile = io.BytesIO()


SLOW_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10001\r\n\r\n"
CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
STREAM_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"


def chunk_of(data: bytes) -> bytes:
    """One chunk of a chunked body."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"
