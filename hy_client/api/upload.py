"""Attachment uploads: checked before sending, streamed as multipart without loading the file.

The body is a file-like object with a known length, so requests sends a Content-Length and
reads it block by block: memory stays flat whatever the file size, every block reports
progress, a cancel flag stops between blocks, and the SHA-256 is taken from the bytes actually
sent (compared with the platform's answer afterwards).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .. import errors, net
from .models import ATTACHMENT_MAX_BYTES, sniff_content_type

log = logging.getLogger(__name__)
BLOCK = 64 * 1024
UPLOAD_STALL = 20.0  # seconds without a byte moving before an upload is given up
WATCH_INTERVAL = 0.1  # how often the watchdog looks: a cancel takes effect within this

Progress = Callable[[int, int], None]  # (bytes sent, total bytes)


@dataclass(frozen=True)
class AttachmentFile:
    """A local file that passed the checks the platform would make."""

    path: Path
    filename: str
    content_type: str
    size: int


def check_attachment(path: str | os.PathLike[str], *,
                     max_bytes: int = ATTACHMENT_MAX_BYTES) -> AttachmentFile:
    """Size and type checked before a single byte goes out (F102, F103, F105)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise errors.HyError(errors.NOT_FOUND, f"{type(exc).__name__}: {p.name}") from None
    if size == 0:
        raise errors.HyError(errors.ATTACHMENT_EMPTY, p.name)
    if size > max_bytes:
        raise errors.HyError(errors.ATTACHMENT_TOO_LARGE, f"{size} bytes")
    ctype = sniff_content_type(head)
    if ctype is None:
        raise errors.HyError(errors.ATTACHMENT_TYPE, p.name)
    return AttachmentFile(p, p.name, ctype, size)


class CancelToken:
    """Set from any thread (a Cancel button) to stop an upload between blocks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking at once on cancel; True when cancelled."""
        return self._event.wait(timeout)

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


def _quote(filename: str) -> str:
    # RFC 7578: the name goes as UTF-8 inside quotes; quotes and line breaks cannot appear.
    return filename.replace("\\", "_").replace('"', "%22").replace("\r", "").replace("\n", "")


class MultipartFileBody:
    """One ``file`` part as a readable stream of known length (re-creatable for a retry)."""

    def __init__(self, attachment: AttachmentFile, *, progress: Progress | None = None,
                 cancel: CancelToken | None = None, field: str = "file") -> None:
        self.boundary = uuid.uuid4().hex
        self._head = (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; '
            f'filename="{_quote(attachment.filename)}"\r\n'
            f"Content-Type: {attachment.content_type}\r\n\r\n").encode()
        self._tail = f"\r\n--{self.boundary}--\r\n".encode("ascii")
        self.attachment = attachment
        self._length = len(self._head) + attachment.size + len(self._tail)
        self._progress = progress
        self._cancel = cancel
        self._file: BinaryIO | None = None
        self._stage = 0  # 0 head, 1 file, 2 tail, 3 done
        self._sent_file = 0
        self._digest = hashlib.sha256()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the file bytes that were sent."""
        return self._digest.hexdigest()

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None and self._cancel.cancelled:
            self.close()
            raise errors.UserCancelled()
        if self._stage == 0:
            self._stage = 1
            self._file = self.attachment.path.open("rb")
            return self._head
        if self._stage == 1:
            assert self._file is not None
            block = self._file.read(BLOCK if size is None or size < 0 else min(size, BLOCK))
            if block:
                self._sent_file += len(block)
                if self._sent_file > self.attachment.size:
                    # The file grew while we sent it: what the platform gets is not what we checked.
                    self.close()
                    raise errors.HyError(errors.ATTACHMENT_HASH_MISMATCH, "file changed")
                self._digest.update(block)
                if self._progress is not None:
                    self._progress(self._sent_file, self.attachment.size)
                return block
            self.close()
            if self._sent_file != self.attachment.size:
                raise errors.HyError(errors.ATTACHMENT_HASH_MISMATCH, "file changed")
            self._stage = 2
        if self._stage == 2:
            self._stage = 3
            return self._tail
        return b""

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class UploadWatchdog:
    """Cuts the uploading thread's connection on cancel or when no bytes move for ``stall``
    seconds, so neither waits on a frozen platform (blocked sends and reads wake at once).

    Use as a context manager around the request on the uploading thread; ``progress`` wraps
    the caller's progress callback to note each block; ``reason`` is the error to raise once
    the connection was cut (None when it was not).
    """

    def __init__(self, stall: float, cancel: CancelToken | None = None) -> None:
        self.stall = stall
        self.cancel = cancel
        self._last = 0.0
        self._why: errors.HyError | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._owner = 0

    def progress(self, inner: Progress | None) -> Progress:
        def note(sent: int, total: int) -> None:
            self._last = time.monotonic()
            if inner is not None:
                inner(sent, total)
        return note

    def reason(self) -> errors.HyError | None:
        """Why the connection failed, when it was ours: cancelled, or no bytes moved for the
        stall bound (also when the socket's own timeout fired a moment before the watchdog)."""
        return self._why if self._why is not None else self._cause()

    def _cause(self) -> errors.HyError | None:
        """Cancelled, or no bytes moved for the stall bound (the one test both sides use)."""
        if self.cancel is not None and self.cancel.cancelled:
            return errors.UserCancelled()
        if time.monotonic() - self._last >= self.stall:
            return errors.HyError(errors.UPLOAD_STALLED, f"{self.stall:.0f} s")
        return None

    def __enter__(self) -> UploadWatchdog:
        self._owner = threading.get_ident()
        self._last = time.monotonic()
        self._thread = threading.Thread(target=self._watch, name="upload-watchdog", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        net.forget_thread(self._owner)

    def _watch(self) -> None:
        while not self._done.wait(WATCH_INTERVAL):
            why = self._cause()
            if why is None:
                continue
            self._why = why
            log.info("upload aborted: %s", why.code)
            net.abort_thread(self._owner)
            return
