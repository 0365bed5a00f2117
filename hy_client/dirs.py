"""Where the user's files live: config, data and logs (``HY_CONFIG_DIR`` / ``HY_DATA_DIR`` /
``HY_LOG_DIR`` override). Kept apart from ``config`` so the GUI can find its own state file
before the first window without loading TOML or the error catalogue."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "hy-client"


def _platform_dir(kind: str) -> str:
    import platformdirs  # only when no override is set

    return str(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, False))


def config_dir() -> Path:
    return Path(os.environ.get("HY_CONFIG_DIR") or _platform_dir("config"))


def data_dir() -> Path:
    return Path(os.environ.get("HY_DATA_DIR") or _platform_dir("data"))


def log_dir() -> Path:
    return Path(os.environ.get("HY_LOG_DIR") or _platform_dir("log"))
