"""The one adapter that speaks HTTP to the InferenceKey control plane.

One ``httpx.Client`` per run: connections are pooled, and the object is safe to
share between the threads of a write pool (it holds no per-request state).
Retries follow ``retry.RetryPolicy``; errors are the typed ones of ``errors``,
redacted with the configured token. Every attempt ends by the settings' request
deadline (or the retry budget's rest, if sooner) whatever pace the server keeps
(``deadline``), and is not retried when it used the whole deadline; an answer is
read only up to the size cap: a trickling or flooding server costs a bounded time
and memory.

When a failed request may be sent again
---------------------------------------
GET, PATCH and DELETE are idempotent: a PATCH carries the desired values, so
applying it twice leaves the same workload; a DELETE repeated after its first
attempt went through finds nothing (404), which counts as done. They are retried
on every transient failure: transport errors, 429, 502, 503, 504, and a 2xx whose
body is not the documented JSON (a proxy page, a truncated answer).

A create (POST) is not idempotent: the platform answers a second create of a
taken slug by storing ``<slug>-1``, a duplicate nobody asked for. So a create is
re-sent only when the platform certainly did not act on it:

* the connection could not be opened (refused, connect timeout, no pooled
  connection free): the request never left this process;
* 429: the rate limiter answered before any handler ran (other 4xx are
  permanent and raised as they are: nothing was stored).

Everything that may have reached a handler raises ``OutcomeUnknownError`` and is
never re-sent: a read or write timeout, a connection dropped before or during
the response, any 5xx, 500 included (a gateway's 502/503/504 can follow a backend
that stored the workload and then lost the answer; the platform documents no
"not processed" 503), and a 2xx with an unreadable body (the workload was
stored). The caller re-lists the project; a workload that now has the slug was
created. Connection reuse makes one case conservative: a pooled connection the
server closed just as the create went out reads as "dropped", so it too is
reported as unknown; a re-list costs one GET, a duplicate costs a cleanup.
"""

from __future__ import annotations

import functools
import ssl
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, Callable, Dict, Generator, Iterator, List, Optional, Tuple, TypeVar
from urllib.parse import quote

import httpx

from inferencekey_ensure.controlplane.deadline import DEADLINE_PASSED, deadline_in, keep_deadlines
from inferencekey_ensure.controlplane.errors import (
    ApiError,
    EnsureError,
    NetworkError,
    OutcomeUnknownError,
    error_for_response,
    with_attempts,
)
from inferencekey_ensure.controlplane.payloads import workload_list, workload_object
from inferencekey_ensure.controlplane.retry import Delivery, is_transient_status, may_have_been_processed
from inferencekey_ensure.controlplane.settings import ClientSettings
from inferencekey_ensure.controlplane.sse import SseDecoder, bounded_lines, decode_event_objects, size_text
from inferencekey_ensure.pacing import Timing, parse_retry_after

T = TypeVar("T")


@dataclass(frozen=True)
class _Failure:
    """One failed attempt, with what the retry decision and the final error need."""

    delivery: Delivery
    error: Callable[[int], EnsureError]  # attempts -> the error to raise if this is the last
    transient: bool
    status: Optional[int] = None
    retry_after_s: Optional[float] = None
    # The attempt used up the request deadline: a server that slow is not asked again at once.
    out_of_time: bool = False


class _AnswerTooLarge(Exception):
    """An answer (or its announced length) beyond the settings' size cap; not read further."""


class ControlPlaneClient:
    """Typed access to the control-plane routes; see the module docstring for retries."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        timing: Optional[Timing] = None,
    ) -> None:
        self.settings = settings
        self._timing = timing or Timing()
        self._http = httpx.Client(
            base_url=settings.base_url,
            headers={
                "Authorization": f"Bearer {settings.token}",
                "User-Agent": settings.user_agent,
                "Accept": "application/json",
            },
            timeout=self._timeout(settings.read_timeout),
            # A redirect to another host must not take the token along.
            follow_redirects=False,
            verify=_tls_context(),
        )
        keep_deadlines(self._http, _tls_context())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "ControlPlaneClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ControlPlaneClient({self.settings!r})"

    def list_workloads(self, project: str) -> List[Dict[str, Any]]:
        """Every workload of ``project`` (one request, retried while transient)."""
        return self._call("GET", _project_path(project), idempotent=True, decode=workload_list)

    def create_workload(self, project: str, body: Dict[str, Any]) -> Dict[str, Any]:
        """Create a workload; ``OutcomeUnknownError`` when it may have been stored anyway."""
        slug = body.get("slug")
        return self._call(
            "POST",
            _project_path(project),
            json_body=body,
            idempotent=False,
            decode=workload_object,
            what=f'create of "{slug}" in project "{project}"',
        )

    def patch_workload(self, workload_id: str, fields: Dict[str, Any]) -> Dict[str, Any]:
        """Send only ``fields``; returns the updated workload."""
        return self._call(
            "PATCH",
            _workload_path(workload_id),
            json_body=fields,
            idempotent=True,
            decode=workload_object,
        )

    def delete_workload(self, workload_id: str) -> None:
        """Delete; a 404 after a retried attempt means an earlier attempt already did it."""
        self._call(
            "DELETE",
            _workload_path(workload_id),
            idempotent=True,
            decode=_ignore_body,
            gone_after_retry_is_success=True,
        )

    def readiness_events(
        self,
        project: str,
        slug: str,
        *,
        stop: Optional[Callable[[], bool]] = None,
        read_timeout: Optional[float] = None,
        within_s: Optional[float] = None,
    ) -> Generator[Dict[str, Any], None, None]:
        """The JSON events of one readiness stream, until it ends (cleanly or not).

        Opening is tried once: whoever waits reopens streams with its own backoff
        (see ``readiness.wait_until_ready``), and a non-2xx raises its typed error
        (``transient`` set for 429/5xx/transport). Once open, a broken connection
        ends the iterator like a clean close: either way the stream is reopened
        and the server sends a snapshot of the current phase. ``stop`` is asked
        after every line, keep-alives included, so a waiter's deadline is honoured
        on a quiet stream; ``read_timeout`` lowers the configured one for this stream;
        ``within_s`` ends the stream (opening included) that many seconds from now whatever
        the server sends. No line or event is kept beyond ``max_event_bytes``.
        """
        path = f"{_project_path(project)}/{_segment(slug)}/readiness-events"
        effective_read = self.settings.read_timeout
        if read_timeout is not None:
            effective_read = max(0.001, min(effective_read, read_timeout))
        opened = False
        with ExitStack() as scope:
            if within_s is not None:
                scope.enter_context(deadline_in(within_s))
            try:
                with self._http.stream(
                    "GET",
                    path,
                    headers={"Accept": "text/event-stream"},
                    timeout=self._timeout(effective_read),
                ) as response:
                    if not 200 <= response.status_code < 300:
                        raise error_for_response(
                            response.status_code,
                            self._read_capped(response),
                            reason=response.reason_phrase,
                            secrets=(self.settings.token,),
                        )
                    opened = True
                    yield from self._events_of(response, stop)
            except _AnswerTooLarge:
                raise self._too_large("GET", path, response.status_code).error(1) from None
            except httpx.TransportError as exc:
                if not opened:
                    raise self._transport_failure("GET", path, exc).error(1) from None

    def _events_of(
        self, response: httpx.Response, stop: Optional[Callable[[], bool]]
    ) -> Iterator[Dict[str, Any]]:
        limit = self.settings.max_event_bytes
        decoder = SseDecoder(max_event_chars=limit)
        try:
            for raw in bounded_lines(response.iter_bytes(), limit):
                data = decoder.feed(raw.decode("utf-8", errors="replace"))
                events = decode_event_objects(data) if data is not None else []
                yield from events
                if stop is not None and stop():
                    return
        except ValueError as exc:
            raise ApiError(
                f"readiness stream sent an unreadable event: {exc}",
                code="protocol",
                status=response.status_code,
                transient=True,
                secrets=(self.settings.token,),
            ) from None

    def _call(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        decode: Callable[[str], T],
        json_body: Optional[Dict[str, Any]] = None,
        what: Optional[str] = None,
        gone_after_retry_is_success: bool = False,
    ) -> T:
        policy = self.settings.retry
        started = self._timing.monotonic()
        failed = 0
        while True:
            within = min(self.settings.request_deadline,
                         max(policy.total_budget_s - (self._timing.monotonic() - started), 0.001))
            try:
                response, text = self._exchange(method, path, json_body, within)
            except httpx.TransportError as exc:
                failure = self._transport_failure(method, path, exc, within)
            except _AnswerTooLarge as exc:
                failure = self._too_large(method, path, exc.args[0])
            else:
                if 200 <= response.status_code < 300:
                    try:
                        return decode(text)
                    except ValueError as exc:
                        failure = self._protocol_failure(response.status_code, str(exc))
                elif gone_after_retry_is_success and failed and response.status_code == 404:
                    return decode("")
                else:
                    failure = self._status_failure(response, text)
            failed += 1
            if not idempotent and may_have_been_processed(failure.delivery, failure.status):
                raise self._outcome_unknown(what or f"{method} {path}", failure)
            if not failure.transient or failure.out_of_time:
                raise failure.error(failed)
            delay = policy.delay_before_retry(
                failed_attempts=failed,
                elapsed_s=self._timing.monotonic() - started,
                retry_after_s=failure.retry_after_s,
                rand=self._timing.random(),
            )
            if delay is None:
                raise failure.error(failed)
            self._timing.sleep(delay)

    def _exchange(
        self, method: str, path: str, json_body: Optional[Dict[str, Any]], within_s: float
    ) -> Tuple[httpx.Response, str]:
        """One attempt: the answer and its body (read up to the size cap), done within ``within_s``."""
        with deadline_in(within_s), self._http.stream(method, path, json=json_body) as response:
            return response, self._read_capped(response)

    def _read_capped(self, response: httpx.Response) -> str:
        """The body as text; ``_AnswerTooLarge`` (with the status) once it passes the cap."""
        cap = self.settings.max_answer_bytes
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > cap:
            raise _AnswerTooLarge(response.status_code)
        chunks: List[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise _AnswerTooLarge(response.status_code)
            chunks.append(chunk)
        return b"".join(chunks).decode(response.encoding or "utf-8", errors="replace")

    def _too_large(self, method: str, path: str, status: int) -> _Failure:
        cap = size_text(self.settings.max_answer_bytes)
        return self._protocol_failure(
            status, f"the answer to {method} {path} is larger than {cap} (the size cap); it was not read further")

    def _status_failure(self, response: httpx.Response, body: str) -> _Failure:
        status = response.status_code
        transient = is_transient_status(status)
        retry_after = (
            parse_retry_after(response.headers.get("Retry-After"), self._timing.wall())
            if transient
            else None
        )
        reason = response.reason_phrase
        return _Failure(
            delivery=Delivery.ANSWERED,
            status=status,
            transient=transient,
            retry_after_s=retry_after,
            error=lambda attempts: error_for_response(
                status, body, reason=reason, attempts=attempts, secrets=(self.settings.token,)
            ),
        )

    def _protocol_failure(self, status: int, problem: str) -> _Failure:
        return _Failure(
            delivery=Delivery.ANSWERED,
            status=status,
            transient=True,
            error=lambda attempts: ApiError(
                with_attempts(problem, attempts),
                code="protocol",
                status=status,
                transient=True,
                fix="The platform (or a proxy in front of it) sent a malformed answer; re-run later.",
                secrets=(self.settings.token,),
            ),
        )

    def _transport_failure(
        self, method: str, path: str, exc: httpx.TransportError, within_s: Optional[float] = None
    ) -> _Failure:
        settings = self.settings
        out_of_time = isinstance(exc, httpx.TimeoutException) and str(exc) == DEADLINE_PASSED
        if out_of_time:
            # Once connected, the request may have gone out: the deadline can pass mid-write.
            delivery = Delivery.NOT_SENT if isinstance(exc, httpx.ConnectTimeout) else Delivery.MAYBE_SENT
            code = "timeout"
            within = f" within {within_s:g}s" if within_s is not None else ""
            detail = f"{method} {path} did not finish{within} (the request deadline); the server was too slow"
        elif isinstance(exc, httpx.ConnectTimeout):
            delivery, code = Delivery.NOT_SENT, "timeout"
            detail = f"could not connect to {settings.base_url} within {settings.connect_timeout:g}s"
        elif isinstance(exc, httpx.PoolTimeout):
            delivery, code = Delivery.NOT_SENT, "timeout"
            detail = f"no free connection to {settings.base_url} within {settings.connect_timeout:g}s"
        elif isinstance(exc, (httpx.ConnectError, httpx.ProxyError)):
            delivery, code = Delivery.NOT_SENT, "network"
            detail = f"could not connect to {settings.base_url}: {_reason(exc)}"
        elif isinstance(exc, httpx.TimeoutException):
            delivery, code = Delivery.MAYBE_SENT, "timeout"
            detail = f"{method} {path} timed out ({type(exc).__name__}) after it was sent"
        else:
            delivery, code = Delivery.MAYBE_SENT, "network"
            detail = f"connection broken during {method} {path}: {_reason(exc)}"
        return _Failure(
            delivery=delivery,
            transient=True,
            out_of_time=out_of_time,
            error=lambda attempts: NetworkError(
                with_attempts(detail, attempts),
                code=code,
                transient=True,
                secrets=(settings.token,),
            ),
        )

    def _outcome_unknown(self, what: str, failure: _Failure) -> OutcomeUnknownError:
        cause = failure.error(1)
        return OutcomeUnknownError(
            f"{what} may have been stored ({cause.message}); it was not sent again",
            status=cause.status,
            transient=True,
            retry_after_s=failure.retry_after_s,
            secrets=(self.settings.token,),
        )

    def pause_before_resending(self, lost: OutcomeUnknownError, lost_so_far: int) -> bool:
        """Wait as the retry policy paces any retry before a create whose answer was lost
        is sent again (after the caller's re-list), honouring that answer's Retry-After.

        False, without waiting, when the policy allows no further attempt: the create
        must not be sent again (a re-run will).
        """
        delay = self.settings.retry.delay_before_retry(
            failed_attempts=lost_so_far,
            elapsed_s=0.0,
            retry_after_s=lost.retry_after_s,
            rand=self._timing.random(),
        )
        if delay is None:
            return False
        self._timing.sleep(delay)
        return True

    def _timeout(self, read_timeout: float) -> httpx.Timeout:
        connect = self.settings.connect_timeout
        return httpx.Timeout(connect=connect, read=read_timeout, write=read_timeout, pool=connect)


@functools.lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS setup, built once per process.

    httpx reads the CA bundle afresh for every client (about 0.1 s); a run makes
    one client, but tests and the emulator-backed local mode make many.
    """
    return httpx.create_ssl_context()


def _project_path(project: str) -> str:
    return f"/api/projects/{_segment(project)}/workloads"


def _workload_path(workload_id: str) -> str:
    return f"/api/workloads/{_segment(str(workload_id))}"


def _segment(value: str) -> str:
    """One path segment, escaped so a name with ``/`` or ``..`` cannot reach another route."""
    return quote(value, safe="")


def _ignore_body(_text: str) -> None:
    return None


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


