"""Logging to a rotating file under the user's log dir (user-only: it names certificates and
accounts). Secrets are never passed to a logger."""

from __future__ import annotations

import logging
import sys

from . import config
from .private import PrivateRotatingFileHandler, private_dir

LOG_FILE = "hy-client.log"


def log_path() -> str:
    return str(config.log_dir() / LOG_FILE)


def setup_logging(verbose: bool = False) -> None:
    root = logging.getLogger()
    if getattr(root, "_hy_configured", False):
        return
    root.setLevel(logging.DEBUG)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    try:
        private_dir(config.log_dir())
        handler: logging.Handler = PrivateRotatingFileHandler(
            log_path(), maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setLevel(logging.INFO)
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(fmt)
    root.addHandler(handler)
    if verbose:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.DEBUG)
        console.setFormatter(fmt)
        root.addHandler(console)
    root._hy_configured = True  # type: ignore[attr-defined]
