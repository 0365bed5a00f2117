"""Real sandbox servers for tests: a subprocess (`hy-client sandbox serve`) or an in-process
uvicorn thread whose clock a test can move. Both listen on a free loopback port.

Use from a conftest::

    from sandbox_fixtures import sandbox_server  # noqa: F401  (after loading this file)

``sandbox_server`` (module scope) yields a ``SandboxProcess`` with ``.url``, ``.origin``,
``.data_dir``, ``.stop()`` and ``.start()`` (same port and data: "server stopped mid-submit").
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, timeout: float = START_TIMEOUT,
                 alive: object = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(alive) and not alive():
            raise RuntimeError("sandbox exited during start")
        try:
            if requests.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"sandbox at {url} did not start")


@dataclass
class SandboxProcess:
    """`hy-client sandbox serve` as a child process."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    extra_args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.url

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    def start(self) -> SandboxProcess:
        if self.proc is not None and self.proc.poll() is None:
            return self
        env = {**os.environ, **self.env}
        log = (self.data_dir.parent / f"{self.data_dir.name}-server.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hy_client.cli", "sandbox", "serve", "--port", str(self.port),
             "--data", str(self.data_dir), *self.extra_args],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        proc = self.proc
        try:
            wait_healthy(self.url, alive=lambda: proc.poll() is None)
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


# A platform frozen mid-request (``kill -STOP``): what the client would wait on it without
# the abort, the pause itself, and an upload larger than the loopback socket buffers, so the
# sender really blocks once the platform is frozen.
FROZEN_WAIT = 60.0


@contextmanager
def frozen(server: SandboxProcess) -> Iterator[None]:
    assert server.proc is not None
    os.kill(server.proc.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)


def big_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "营业执照扫描件.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(19 * 1024 * 1024))
    return path


@pytest.fixture(scope="module")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    base = tmp_path_factory.mktemp("sandbox-server")
    env = {f"HY_{n}_DIR": str(base / n.lower()) for n in ("CONFIG", "DATA", "LOG")}
    server = SandboxProcess(base / "data", env=env).start()
    try:
        yield server
    finally:
        server.stop()


class ManualClock:
    """A clock a test moves forward (nonce and session expiry, lockout, QR expiry)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, **delta: float) -> None:
        with self._lock:
            self.now += timedelta(**delta)


@dataclass
class ThreadedSandbox:
    url: str
    data_dir: Path
    clock: ManualClock
    app: object

    @property
    def origin(self) -> str:
        return self.url

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"


@contextmanager
def threaded_sandbox(data_dir: Path, clock: ManualClock | None = None) -> Iterator[ThreadedSandbox]:
    """The real app under uvicorn on a loopback port, in this process, with a test clock."""
    import uvicorn

    from hy_client.sandbox.app import create_app
    from hy_client.sandbox.settings import SandboxSettings

    clock = clock or ManualClock()
    port = free_port()
    app = create_app(SandboxSettings(data_dir=data_dir, port=port, clock=clock))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, name="sandbox-test-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, alive=thread.is_alive)
        yield ThreadedSandbox(url, data_dir, clock, app)
    finally:
        server.should_exit = True
        thread.join(10)
