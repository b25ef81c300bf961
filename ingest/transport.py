"""The socket layer under fetch(): a hard deadline on every read, and the SSRF check at connect time.

httpx's timeouts apply to each read, so a server that trickles one byte a second (headers or body)
never trips them. Here every read is given at most the time left before the request's deadline.
And the address check runs on the addresses actually connected to, so a DNS answer that changes
between fetch()'s check and the connection (rebinding) cannot reach a private address.
The per-request policy travels in a thread-local, set by fetch() around each request.
"""
from __future__ import annotations

import socket
import ssl
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import httpcore
import httpx

from ingest.ssrf import is_public_address

_policy = threading.local()


@contextmanager
def request_policy(deadline: float, allow_private: bool) -> Iterator[None]:
    """Within the block, reads end at DEADLINE (time.monotonic) and private addresses need ALLOW_PRIVATE."""
    previous = getattr(_policy, "value", None)
    _policy.value = (deadline, allow_private)
    try:
        yield
    finally:
        _policy.value = previous


def _current() -> tuple[float | None, bool]:
    value = getattr(_policy, "value", None)
    return value if value is not None else (None, True)


def _remaining(timeout: float | None) -> float | None:
    deadline, _allow = _current()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("deadline exceeded (the server is sending too slowly)")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses the current policy allows, and wraps streams with the deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        _deadline, allow_private = _current()
        target = host
        if not allow_private:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (socket.gaierror, UnicodeError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
            addresses = [str(info[4][0]) for info in infos]
            private = [a for a in addresses if not is_public_address(a)]
            if private or not addresses:
                raise httpcore.ConnectError(f"blocked: {host} resolves to a non-public address ({private[0]})")
            target = addresses[0]  # connect to the address we checked, not to a second lookup
        stream = self._inner.connect_tcp(target, port, _remaining(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guarded_transport() -> httpx.HTTPTransport:
    """An httpx transport whose connections go through the guarded backend."""
    transport = httpx.HTTPTransport(retries=0)
    # httpx builds its pool without a way to pass a network backend; swap in an equivalent pool
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), max_connections=20,
                                              max_keepalive_connections=10, keepalive_expiry=5.0,
                                              network_backend=_GuardedBackend())
    return transport
