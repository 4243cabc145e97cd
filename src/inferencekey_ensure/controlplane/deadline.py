"""A total time limit on a request, whatever pace the server keeps.

httpx's timeouts bound each socket operation: a server that sends one byte a second,
in its headers or its body, never trips them and holds a request forever. The network
backend here gives every connect, read and write at most what is left of the calling
thread's deadline, so an attempt ends at its deadline at the latest, headers included
(which no check between body chunks could reach). The deadline is per thread: one
client serves the threads of a write pool, each with a request of its own.
"""

from __future__ import annotations

import ssl
import threading
import time
import typing
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Optional, Type, TypeVar

import httpcore
import httpx

# The message of the timeout a passed deadline raises; the client words its error by it.
DEADLINE_PASSED = "the request's deadline passed"

_local = threading.local()
T = TypeVar("T")


@contextmanager
def deadline_in(seconds: float) -> Iterator[None]:
    """Every network operation of this thread inside the block ends ``seconds`` from now.

    Nested blocks keep the earlier deadline.
    """
    previous: Optional[float] = getattr(_local, "at", None)
    at = time.monotonic() + seconds
    _local.at = at if previous is None else min(previous, at)
    try:
        yield
    finally:
        _local.at = previous


def _bounded(timeout: Optional[float], error: Type[Exception], operation: Callable[[Optional[float]], T]) -> T:
    """``operation(timeout)`` with the timeout lowered to what is left of the deadline; a
    timeout the deadline caused carries ``DEADLINE_PASSED``."""
    at: Optional[float] = getattr(_local, "at", None)
    if at is None:
        return operation(timeout)
    remaining = at - time.monotonic()
    if remaining <= 0:
        raise error(DEADLINE_PASSED)
    if timeout is not None and timeout < remaining:
        return operation(timeout)
    try:
        return operation(remaining)
    except error:
        raise error(DEADLINE_PASSED) from None


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: Optional[float] = None) -> bytes:
        return _bounded(timeout, httpcore.ReadTimeout, lambda bound: self._inner.read(max_bytes, bound))

    def write(self, buffer: bytes, timeout: Optional[float] = None) -> None:
        _bounded(timeout, httpcore.WriteTimeout, lambda bound: self._inner.write(buffer, bound))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: Optional[str] = None, timeout: Optional[float] = None
    ) -> httpcore.NetworkStream:
        upgraded = _bounded(timeout, httpcore.ConnectTimeout,
                            lambda bound: self._inner.start_tls(ssl_context, server_hostname, bound))
        return _DeadlineStream(upgraded)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: Optional[float] = None,
        local_address: Optional[str] = None,
        socket_options: Optional[Iterable[typing.Any]] = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(_bounded(timeout, httpcore.ConnectTimeout, lambda bound: self._inner.connect_tcp(
            host, port, bound, local_address, socket_options)))

    def connect_unix_socket(
        self, path: str, timeout: Optional[float] = None, socket_options: Optional[Iterable[typing.Any]] = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(_bounded(timeout, httpcore.ConnectTimeout, lambda bound: self._inner.connect_unix_socket(
            path, bound, socket_options)))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def keep_deadlines(client: httpx.Client, verify: ssl.SSLContext) -> None:
    """Put ``client``'s direct connections (not those through a proxy) on the deadline backend.

    httpx offers no way to hand its transport a network backend, and a transport passed
    in would turn off the proxies of the environment; so the default transport's
    connection pool is replaced by one built as httpx builds it, with httpx's default
    limits, over our backend (the trickling servers of ``tests/controlplane/test_bounds.py``
    fail if a new httpx no longer takes it). Requests through a proxy keep the size caps and read timeouts only.
    """
    transport = client._transport
    if isinstance(transport, httpx.HTTPTransport) and isinstance(transport._pool, httpcore.ConnectionPool):
        transport._pool = httpcore.ConnectionPool(
            ssl_context=verify,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_DeadlineBackend(),
        )
