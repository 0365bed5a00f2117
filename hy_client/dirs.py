"""Where the user's files live: config, data and logs (``HY_CONFIG_DIR`` / ``HY_DATA_DIR`` /
``HY_LOG_DIR`` override). Kept apart from ``config`` so the GUI can find its own state file
before the first window without loading TOML or the error catalogue."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "hy-client"


def _platform_dir(kind: str) -> str:
    import platformdirs  # only when no override is set

    return str(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, False))


def config_dir() -> Path:
    return Path(os.environ.get("HY_CONFIG_DIR") or _usual_config_dir()
                or _platform_dir("config"))


def _usual_config_dir() -> str | None:
    """platformdirs' config dir where its rule is only environment variables (Linux: the XDG
    rule), without importing platformdirs (~5 ms): the GUI reads its state file and names its
    single instance from this dir before the first window. None elsewhere: Windows asks the
    shell for the folder (the variable may say otherwise), so platformdirs answers there. A
    test holds the two equal."""
    if not sys.platform.startswith("linux"):
        return None
    base = os.environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(base):
        home = os.environ.get("HOME", "")
        if not os.path.isabs(home):
            return None
        base = home.rstrip("/") + "/.config"  # as ``os.path.expanduser("~/.config")``
    return os.path.join(base, APP_NAME)


def data_dir() -> Path:
    return Path(os.environ.get("HY_DATA_DIR") or _platform_dir("data"))


def log_dir() -> Path:
    return Path(os.environ.get("HY_LOG_DIR") or _platform_dir("log"))
