"""A tiny raw HTTP server on loopback that answers exactly what a test scripts.

It serves what the real sandbox never would (truncated JSON, HTML, wrong shapes, 503s) so the
client's handling of a misbehaving platform is tested over real sockets.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, bytes):
            return self.body, headers
        if isinstance(self.body, str):
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
            return self.body.encode(), headers
        headers.setdefault("Content-Type", "application/json")
        return json.dumps(self.body).encode(), headers


Route = Callable[[Request], Reply]


class RawServer:
    """``route(method, path, *replies)`` queues answers (the last one repeats)."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._routes: dict[tuple[str, str], deque[Reply | Route]] = defaultdict(deque)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Request(self.command, self.path, {k: v for k, v in self.headers.items()},
                              body)
                server.requests.append(req)
                reply = server._next(req)
                if reply.delay:
                    threading.Event().wait(reply.delay)
                data, headers = reply.encoded()
                self.send_response(reply.status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (timeout test)
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def route(self, method: str, path: str, *replies: Reply | Route) -> None:
        queue = self._routes[(method, "/api/v1" + path)]
        queue.clear()
        queue.extend(replies)

    def _next(self, req: Request) -> Reply:
        queue = self._routes.get((req.method, req.path.split("?")[0]))
        if not queue:
            return Reply(404, "<html><body>Not Found</body></html>")
        item = queue.popleft() if len(queue) > 1 else queue[0]
        return item(req) if callable(item) else item

    def hits(self, method: str, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path == "/api/v1" + path]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
