"""A real HTTP server on loopback serving a driver repo with Range, and a SoftHSM2 token.

The server can be told to cut a response after N bytes (a broken connection, which a file on
disk cannot produce) and records the Range headers it saw.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from hy_client.drivers.detect import ModuleLoad, TokenSeen
from hy_client.sandbox.driver_repo import ensure_driver_repo

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
ROUTES = {"/api/v1/drivers/catalogue": "catalogue.json",
          "/api/v1/drivers/catalogue.sig": "catalogue.json.sig"}


@dataclass
class RepoServer:
    root: Path
    base_url: str = ""
    cut_after: int | None = None  # cut the next file response after this many bytes
    ranges: list[str] = field(default_factory=list)

    def path_for(self, url_path: str) -> Path | None:
        if url_path in ROUTES:
            return self.root / ROUTES[url_path]
        m = re.fullmatch(r"/api/v1/drivers/files/([A-Za-z0-9._-]+)", url_path)
        return self.root / "files" / m.group(1) if m else None

    def file_url(self, name: str) -> str:
        return f"{self.base_url}/api/v1/drivers/files/{name}"


def _handler(state: RepoServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = state.path_for(self.path)
            if path is None or not path.is_file():
                self.send_error(404)
                return
            data = path.read_bytes()
            start, status = 0, 200
            header = self.headers.get("Range")
            if header:
                state.ranges.append(header)
                m = re.fullmatch(r"bytes=(\d+)-", header)
                start = int(m.group(1)) if m else 0
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.end_headers()
                    return
                status = 206
            body = data[start:]
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            if state.cut_after is not None and "/files/" in self.path:
                cut, state.cut_after = state.cut_after, None
                self.wfile.write(body[:cut])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


@pytest.fixture
def repo_server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    state = RepoServer(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def sandbox_repo(tmp_path, repo_server):
    """The sandbox's real driver repo, served by ``repo_server``; returns (server, pubkey hex)."""
    repo = ensure_driver_repo(tmp_path / "sandbox-data", repo_server.base_url)
    repo_server.root = repo
    return repo_server, (repo / "catalogue.pub").read_text().strip()


@pytest.fixture
def session():
    with requests.Session() as s:
        yield s


@pytest.fixture
def softhsm_token(tmp_path, monkeypatch):
    """An initialised SoftHSM2 token in a temp token dir; returns its label."""
    tokens = tmp_path / "softhsm-tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "drv-test",
                    "--so-pin", "12345678", "--pin", "123456"], check=True,
                   capture_output=True, env=os.environ.copy())
    return "drv-test"


def pkcs11_tool_probe(path: str) -> ModuleLoad:
    """Load a module in a separate process (OpenSC's pkcs11-tool) and list its tokens."""
    from hy_client import errors

    run = subprocess.run(["pkcs11-tool", "--module", path, "-L"], capture_output=True,
                         text=True, env=os.environ.copy(), timeout=60)
    if run.returncode != 0:
        raise errors.HyError(errors.MODULE_LOAD_FAILED, run.stderr.strip()[:200])
    tokens, current = [], {}
    for line in run.stdout.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "token label":
            current = {"label": value.strip()}
        elif key in ("token manufacturer", "token model", "serial num") and current:
            current[key.split()[-1]] = value.strip()
            if key == "serial num":
                tokens.append(TokenSeen(current["label"], current.get("manufacturer", ""),
                                        current.get("model", ""), current["num"]))
                current = {}
    return ModuleLoad(tokens=tuple(tokens))
