"""Running the sandbox under uvicorn (``hy-client sandbox serve``).

Loopback only unless ``public``. With several workers uvicorn needs an import string, so the
settings travel to the workers in ``HY_SANDBOX_SETTINGS`` and ``app_from_env`` rebuilds them.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from .. import errors
from ..config import is_loopback_host
from .settings import SandboxSettings

ENV = "HY_SANDBOX_SETTINGS"


def _encode(settings: SandboxSettings) -> str:
    return json.dumps({"data_dir": str(settings.data_dir), "host": settings.host,
                       "port": settings.port, "origin": settings.origin,
                       "clock_offset": settings.clock_offset.total_seconds(),
                       "demo_data": settings.demo_data,
                       "renewal_review": settings.renewal_review})


def _decode(text: str) -> SandboxSettings:
    raw = json.loads(text)
    return SandboxSettings(data_dir=Path(raw["data_dir"]), host=raw["host"], port=raw["port"],
                           origin=raw["origin"],
                           clock_offset=timedelta(seconds=raw["clock_offset"]),
                           demo_data=raw["demo_data"],
                           renewal_review=bool(raw.get("renewal_review")))


def app_from_env() -> Any:
    """uvicorn factory for worker processes."""
    from .app import create_app

    return create_app(_decode(os.environ[ENV]))


def check_host(host: str, public: bool) -> None:
    if not public and not is_loopback_host(host):
        raise errors.HyError(errors.SANDBOX_NOT_LOOPBACK, host)


def write_server_file(settings: SandboxSettings) -> None:
    """Tell local tools (the app simulator) where this sandbox listens."""
    settings.server_file.write_text(json.dumps({"url": settings.url, "pid": os.getpid()}),
                                    "utf-8")


def read_server_url(data_dir: Path) -> str:
    try:
        return str(json.loads((data_dir / "server.json").read_text("utf-8"))["url"])
    except (OSError, ValueError, KeyError):
        raise errors.HyError(errors.SANDBOX_NOT_RUNNING) from None


def serve(settings: SandboxSettings, *, public: bool = False, workers: int = 1) -> None:
    import uvicorn

    check_host(settings.host, public)
    options: dict[str, Any] = {"host": settings.host, "port": settings.port,
                               "log_level": "warning", "access_log": False,
                               "timeout_keep_alive": 30}
    if workers > 1:
        from .app import create_app

        create_app(settings)  # prepare data once, before the workers race for it
        os.environ[ENV] = _encode(settings)
        write_server_file(settings)
        uvicorn.run("hy_client.sandbox.server:app_from_env", factory=True, workers=workers,
                    **options)
        return
    from .app import create_app

    app = create_app(settings)
    write_server_file(settings)
    uvicorn.run(app, **options)
