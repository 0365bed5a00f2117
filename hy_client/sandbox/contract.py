"""The API contract: the OpenAPI document the sandbox serves, committed as docs/api/openapi.json."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


def openapi_document() -> dict[str, Any]:
    from .app import create_app
    from .settings import SandboxSettings

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(SandboxSettings(data_dir=Path(tmp)), prepare=False)
        return app.openapi()
