"""The one way to build an HTTP session: TLS verified against the operating system's trust store,
a timeout on every request, the system's proxies.

Certificates are checked by the OS (``truststore``: the Windows certificate store, macOS
Keychain, OpenSSL's system paths on Linux), not by a bundled Mozilla list: a company proxy or an
antivirus that inspects TLS installs its root there, and the browser works with it, so the app
must too. A platform profile's ``ca_bundle`` adds its CAs on top. requests would let a session's
``verify`` lose to ``REQUESTS_CA_BUNDLE`` and let a call go out with no timeout; a
``VerifiedSession`` passes both on every request itself, so verification cannot be turned off and
no call hangs for ever. Proxies come from the environment and, on Windows, from the system's
Internet settings (``urllib.request.getproxies``, which requests uses); a PAC script
(``AutoConfigURL``) is not evaluated — ``system_proxy_settings`` reports it to diagnostics.

A frozen server never answers, so a thread blocked in ``send``/``recv`` wakes only when its
socket is shut down. Every connection records which thread is using it; ``abort_thread``
shuts that socket from another thread (a Cancel button, an upload watchdog) and the blocked call
fails at once instead of waiting for the platform.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import sys
import threading
from typing import Any

import requests
import truststore
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# (connect, read) seconds; see Settings.http_timeouts for why these values.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
DEFAULT_TIMEOUT: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)
Timeout = float | tuple[float, float]
INTERNET_SETTINGS = r"Software\Microsoft\Windows\CurrentVersion\Internet Settings"

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


def tls_context(ca_bundle: str = "") -> ssl.SSLContext:
    """A client context that trusts what the OS trusts, plus ``ca_bundle`` when given."""
    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


class _AbortableAdapter(HTTPAdapter):
    """Connections another thread can cut (``abort_thread``)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


class _TrustStoreAdapter(_AbortableAdapter):
    """requests' adapter with our TLS context for direct and proxied connections alike."""

    def __init__(self, context: ssl.SSLContext, **kwargs: Any) -> None:
        self._context = context
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["ssl_context"] = self._context
        return super().proxy_manager_for(*args, **kwargs)

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        # The context already holds the trust anchors; a path from REQUESTS_CA_BUNDLE or
        # ``verify`` must not replace them (urllib3 would load it into our shared context).
        super().cert_verify(conn, url, True if verify else verify, cert)


class VerifiedSession(requests.Session):
    """A ``requests.Session`` whose certificate check cannot be turned off."""

    def __init__(self, ca_bundle: str = "", timeout: Timeout = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.ca_bundle = ca_bundle
        self.verify = True
        self.timeout = timeout
        self.mount("http://", _AbortableAdapter())
        self.mount("https://", _TrustStoreAdapter(tls_context(ca_bundle)))

    def request(self, method: str | bytes, url: str | bytes, *args: Any,
                **kwargs: Any) -> requests.Response:
        kwargs["verify"] = True  # never False, whatever the caller passed
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)


def system_proxy_settings(reg: Any = None) -> dict[str, Any]:
    """What Windows' Internet settings say about proxies for the current user: a fixed proxy
    (used), a PAC script (``AutoConfigURL``, not evaluated) and automatic detection (WPAD)."""
    if reg is None:
        if sys.platform != "win32":
            return {}
        from .registry import system_registry

        reg = system_registry()

    def value(name: str) -> Any:
        got = reg.get("HKCU", INTERNET_SETTINGS, name) if reg is not None else None
        return got[0] if got else None

    return {"proxy_enabled": bool(value("ProxyEnable")), "proxy_server": value("ProxyServer") or "",
            "pac_url": value("AutoConfigURL") or "", "proxy_override": value("ProxyOverride") or ""}
