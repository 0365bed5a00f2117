"""What one sandbox instance needs: where its files live, which origin it is, and its clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import config

DEFAULT_HOST = "127.0.0.1"


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class SandboxSettings:
    """``clock_offset`` shifts the server's time (clock-skew diagnostics; expiry tests), ``clock``
    replaces the time source altogether (tests advance it). ``renewal_review`` holds renewal
requests for a reviewer instead of approving them at once (payment/approval simulated)."""

    data_dir: Path = field(default_factory=lambda: config.data_dir() / "sandbox")
    host: str = DEFAULT_HOST
    port: int = config.SANDBOX_PORT
    origin: str = ""  # empty: http://host:port
    clock_offset: timedelta = timedelta(0)
    clock: Callable[[], datetime] = system_clock
    demo_data: bool = True
    renewal_review: bool = False  # renewals wait for `sandbox review approve-renewal`
    upload_quota: int = 500 * 1024 * 1024  # bytes of attachments per account
    upload_concurrency: int = 3  # uploads per account at once (per server process)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if not self.origin:
            host = f"[{self.host}]" if ":" in self.host else self.host
            self.origin = config.origin_of(f"http://{host}:{self.port}")

    @property
    def url(self) -> str:
        return self.origin

    def now(self) -> datetime:
        return self.clock() + self.clock_offset

    @property
    def db_path(self) -> Path:
        return self.data_dir / "sandbox.sqlite3"

    @property
    def ca_dir(self) -> Path:
        return self.data_dir / "ca"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def drivers_dir(self) -> Path:
        return self.data_dir / "drivers"

    @property
    def server_file(self) -> Path:
        """Written by ``serve``: where a running sandbox listens (for the app simulator)."""
        return self.data_dir / "server.json"
