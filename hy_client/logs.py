"""Logging to a rotating file under the user's log dir, readable by the user only (it names
certificates and accounts). Secrets are never passed to a logger.

The GUI and the CLI write separate files (``hy-client-gui.log``, ``hy-client.log``): on Windows a
file another process holds open cannot be renamed, so a shared file could never roll over while
the tray app runs (WinError 32). A rollover Windows still refuses (two CLI runs at once) is
skipped for a while and the current file kept, instead of an error on every record.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Literal

from . import config
from .private import PrivateRotatingFileHandler, private_dir

Program = Literal["cli", "gui"]
LOG_FILES: dict[Program, str] = {"cli": "hy-client.log", "gui": "hy-client-gui.log"}
LOG_FILE = LOG_FILES["cli"]
ROLLOVER_RETRY_SECONDS = 300.0

_program: Program = "cli"


def log_path(program: Program | None = None) -> str:
    """This program's log file (the one ``setup_logging`` chose), or the named program's."""
    return str(config.log_dir() / LOG_FILES[program or _program])


class RotatingLog(PrivateRotatingFileHandler):
    """Rolls over like its base; when the rename is refused, keeps writing to the current file
    and tries again after ``ROLLOVER_RETRY_SECONDS``."""

    _retry_at = 0.0

    def shouldRollover(self, record: logging.LogRecord) -> int:
        if time.monotonic() < self._retry_at:
            return 0
        return int(super().shouldRollover(record))

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:  # PermissionError / WinError 32: the file is open elsewhere
            self._retry_at = time.monotonic() + ROLLOVER_RETRY_SECONDS
            if self.stream is None:
                self.stream = self._open()


def setup_logging(verbose: bool = False, program: Program = "cli") -> None:
    global _program
    root = logging.getLogger()
    if getattr(root, "_hy_configured", False):
        return
    _program = program
    root.setLevel(logging.DEBUG)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    try:
        private_dir(config.log_dir())
        handler: logging.Handler = RotatingLog(
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
