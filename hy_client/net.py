"""The one way to build an HTTP session: TLS verified, connect and read timeouts on every
request, and connections another thread can cut.

requests lets a session's ``verify`` lose to ``REQUESTS_CA_BUNDLE`` in the environment and lets a
call go out with no timeout at all; a ``VerifiedSession`` passes both on every request itself, so
the platform profile's CA bundle always wins and no call can hang for ever. Proxies from the
environment still apply (bidders behind a company proxy need them).

A frozen server never answers, so a thread blocked in ``send``/``recv`` wakes only when its
socket is shut down. Every connection records which thread is using it; ``abort_thread``
shuts that socket from another thread (a Cancel button, an upload watchdog) and the blocked call
fails at once instead of waiting for the platform.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# (connect, read) seconds; see Settings.http_timeouts for why these values.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
DEFAULT_TIMEOUT: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)
Timeout = float | tuple[float, float]

_lock = threading.Lock()
_in_use: dict[int, HTTPConnection] = {}  # thread ident → the connection it last sent on


def _remember(conn: HTTPConnection) -> None:
    with _lock:
        _in_use[threading.get_ident()] = conn


def forget_thread(ident: int) -> None:
    with _lock:
        _in_use.pop(ident, None)


def abort_thread(ident: int) -> bool:
    """Shut down the socket thread ``ident`` is sending on or waiting for; True if there was
    one. The blocked call then raises at once (the platform is never waited for)."""
    with _lock:
        conn = _in_use.get(ident)
    sock = getattr(conn, "sock", None)
    if sock is None:
        return False
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    return True


class _TrackedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _remember(self)
        super().request(*args, **kwargs)


class _TrackedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _remember(self)
        super().request(*args, **kwargs)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _AbortableAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


class VerifiedSession(requests.Session):
    """A ``requests.Session`` whose certificate check cannot be turned off."""

    def __init__(self, ca_bundle: str = "", timeout: Timeout = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.ca_bundle = ca_bundle
        self.verify = ca_bundle or True
        self.timeout = timeout
        adapter = _AbortableAdapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method: str | bytes, url: str | bytes, *args: Any,
                **kwargs: Any) -> requests.Response:
        kwargs["verify"] = self.ca_bundle or True  # never False, whatever the caller passed
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)
