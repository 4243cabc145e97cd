"""The emulator as a running server: lifecycle, shared state, test hooks.

One ``EmulatorServer`` owns its store, fault counters and request log; the HTTP
threads reach them through a ``ServingContext``. ``stop()`` also cuts open
keep-alive connections and streams, so a stopped emulator answers nothing more.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple

from inferencekey_ensure.domain.secrets import redact_text
from inferencekey_ensure.emulator.api import ControlPlaneApi
from inferencekey_ensure.emulator.config import DEFAULT_HOST, EmulatorConfig
from inferencekey_ensure.emulator.faults import FaultConfig, FaultSchedule
from inferencekey_ensure.emulator.http_handler import EmulatorRequestHandler, ServingContext
from inferencekey_ensure.emulator.recording import RecordedRequest, RequestLog
from inferencekey_ensure.emulator.state import Clock, StateError, WorkloadStore
from inferencekey_ensure.emulator.statefile import load_state, save_state
from inferencekey_ensure.emulator.validation import validated_create

SHUTDOWN_POLL_S = 0.05


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: Tuple[str, int], context: ServingContext) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.context = context
        self._open: Set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, EmulatorRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up in DNS (getfqdn), which can
        # stall for seconds on a machine without a resolver; the name is never used.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def cut_open_connections(self) -> None:
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the peer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Errors inside a request are answered (500) and logged by the handler itself."""


class EmulatorServer:
    """A local InferenceKey control plane on a loopback port.

    ``clock`` (seconds since the epoch) drives timestamps and readiness, so a test
    can hold a workload in one phase; ``log`` receives one line per answer, with
    configured tokens redacted (silent when None).
    """

    def __init__(
        self,
        config: Optional[EmulatorConfig] = None,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        clock: Clock = time.time,
        log: Optional[Callable[[str], None]] = None,
    ) -> None:
        self._config = config if config is not None else EmulatorConfig()
        self._address = (host, port)
        self._log = log
        self._requests = RequestLog()
        self._faults = FaultSchedule(self._config.faults)
        self._store = self._open_store(clock)
        self._stopping = threading.Event()
        self._context = ServingContext(
            api=ControlPlaneApi(self._store, self._config.tokens, self._faults),
            store=self._store,
            faults=self._faults,
            record=self._requests.append,
            log=self._log_line,
            clock=clock,
            readiness_step_s=self._config.readiness_step_s,
            stopping=self._stopping,
        )
        self._httpd: Optional[_HttpServer] = None
        self._thread: Optional[threading.Thread] = None

    def _open_store(self, clock: Clock) -> WorkloadStore:
        path = self._config.state_path
        if path is None:
            return WorkloadStore(clock=clock)
        document = load_state(path)
        try:
            return WorkloadStore(document, clock=clock, on_change=lambda saved: save_state(path, saved))
        except StateError as error:
            raise StateError(f"{path}: {error}") from None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> "EmulatorServer":
        """Listen and serve in a background thread; raises ``OSError`` when the port is taken."""
        if self._httpd is not None:
            raise RuntimeError("this emulator was already started; create a new one")
        self._httpd = _HttpServer(self._address, self._context)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_S},
            name="ik-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and cut open connections; safe to call more than once."""
        httpd = self._httpd
        if httpd is None or self._stopping.is_set():
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.cut_open_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return self._address[0]

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the emulator is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- test hooks --------------------------------------------------------------------

    @property
    def request_log(self) -> List[RecordedRequest]:
        return self._requests.snapshot()

    def clear_request_log(self) -> None:
        self._requests.clear()

    def workloads(self, project: str) -> List[Dict[str, Any]]:
        """The project's workloads as the list route would return them (copies)."""
        return self._store.list_workloads(project)

    def seed(self, project: str, workload_fields: Mapping[str, Any]) -> Dict[str, Any]:
        """Insert a workload directly (no token, no fault, no request log entry).

        ``workload_fields`` is a create body; it goes through the same validation,
        canonicalisation and ``-N`` suffixing, and raises ``ValueError`` when invalid.
        """
        self._store.ensure_project(project)
        return self._store.create_workload(project, validated_create(workload_fields))

    @property
    def faults(self) -> FaultConfig:
        return self._faults.config

    def set_faults(self, faults: FaultConfig) -> None:
        """Replace the faults; every fault count starts again from zero."""
        self._faults.reset(faults)

    def _log_line(self, message: str) -> None:
        if self._log is not None:
            self._log(redact_text(message, self._config.tokens))
