"""Files that hold a bidder's data (log, readiness, first-run state, settings): user-only.

POSIX: created 0600 from the first byte (never written wider and narrowed later), an existing
wider file is narrowed when next written, their folders are made 0700. Windows: the files live
under the user's profile (``%LOCALAPPDATA%``/``%APPDATA%``), whose ACL already admits only the
user, SYSTEM and administrators; the mode bits below do not apply there.
"""

from __future__ import annotations

import contextlib
import io
import logging.handlers
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path, *, narrow: bool = False) -> Path:
    """``path`` (and missing parents) created user-only; ``narrow``: an existing folder that
    an older version made wider is made user-only too (best effort)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if narrow:
        with contextlib.suppress(OSError):
            os.chmod(path, DIR_MODE)
    return path


def open_private(path: Path, flags: int) -> int:
    """``os.open`` with a user-only mode, narrowing a file that an older version made wider."""
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0), FILE_MODE)
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.fchmod(fd, FILE_MODE)
    return fd


def write_private(path: Path, data: bytes | str, *, fsync: bool = False) -> None:
    """Write atomically (temp file, then rename) with a user-only mode. ``fsync``: the data
    and the rename reach the disk before this returns (they survive a power cut)."""
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    with os.fdopen(fd, "wb") as out:
        out.write(raw)
        if fsync:
            out.flush()
            os.fsync(out.fileno())
    os.replace(tmp, path)
    if fsync and hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log file (and its rotated copies, renamed from it) user-only."""

    def _open(self) -> io.TextIOWrapper:
        fd = open_private(Path(self.baseFilename), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        return io.TextIOWrapper(os.fdopen(fd, "ab"), encoding=self.encoding or "utf-8",
                                errors=self.errors, write_through=True)
