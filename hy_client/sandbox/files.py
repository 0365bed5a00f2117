"""Electronic documents: ≤ 20 MB, PDF/JPEG/PNG recognised by their bytes, never by the name."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import errors
from ..api import models
from . import db
from .service import AccountRow, Context

MAX_SIZE = models.ATTACHMENT_MAX_BYTES


def sniff(content: bytes) -> str:
    """The content type from the file's first bytes; F103 for anything else."""
    content_type = models.sniff_content_type(content[:16])
    if content_type is None:
        raise errors.HyError(errors.ATTACHMENT_TYPE)
    return content_type


MAX_FILENAME = 200


def check_filename(name: str) -> str:
    """The name as stored and offered on download, or F246: never ``.``/``..``, a path
    separator, a control or format character; NFC, trimmed, at most 200 characters."""
    name = unicodedata.normalize("NFC", name).strip()
    if (name in ("", ".", "..") or len(name) > MAX_FILENAME
            or any(c in "/\\" or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
                   for c in name)):
        raise errors.HyError(errors.FILENAME_UNSAFE)
    return name


def check_quota(conn: sqlite3.Connection, account: AccountRow, adding: int, quota: int) -> None:
    used = conn.execute("SELECT COALESCE(SUM(size), 0) FROM attachments WHERE account_id = ?",
                        (account.id,)).fetchone()[0]
    if used + adding > quota or (adding == 0 and used >= quota):
        raise errors.HyError(errors.UPLOAD_QUOTA)


class UploadSlots:
    """At most ``limit`` uploads per account at once: one account cannot fill the disk or the
    server's time with parallel uploads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._busy: dict[int, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, account_id: int) -> Iterator[None]:
        with self._lock:
            if self._busy.get(account_id, 0) >= self.limit:
                raise errors.HyError(errors.UPLOAD_BUSY)
            self._busy[account_id] = self._busy.get(account_id, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._busy[account_id] -= 1
                if not self._busy[account_id]:
                    del self._busy[account_id]


def attachment_model(row: sqlite3.Row) -> models.Attachment:
    return models.Attachment(id=row["id"], filename=row["filename"],
                             content_type=row["content_type"], size=row["size"],
                             sha256=row["sha256"], created_at=db.dt_required(row["created_at"]))


def store(conn: sqlite3.Connection, ctx: Context, folder: Path, account: AccountRow,
          filename: str, content: bytes, quota: int) -> models.Attachment:
    """Called inside the write transaction, so the quota check and the insert are one step;
    ``filename`` is already checked (``check_filename``, at the upload route)."""
    if not content:
        raise errors.HyError(errors.ATTACHMENT_EMPTY)
    if len(content) > MAX_SIZE:
        raise errors.HyError(errors.ATTACHMENT_TOO_LARGE)
    content_type = sniff(content)
    check_quota(conn, account, len(content), quota)
    attachment_id = secrets.token_urlsafe(16)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / attachment_id).write_bytes(content)
    conn.execute(
        "INSERT INTO attachments (id, account_id, filename, content_type, size, sha256,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (attachment_id, account.id, filename, content_type, len(content),
         hashlib.sha256(content).hexdigest(), db.ts(ctx.now())))
    return get(conn, account, attachment_id)


def get(conn: sqlite3.Connection, account: AccountRow, attachment_id: str) -> models.Attachment:
    row = conn.execute("SELECT * FROM attachments WHERE id = ? AND account_id = ?",
                       (attachment_id, account.id)).fetchone()
    if row is None:
        raise errors.HyError(errors.NOT_FOUND)
    return attachment_model(row)


def content_path(folder: Path, attachment: models.Attachment) -> Path:
    path = folder / attachment.id
    if not path.is_file():
        raise errors.HyError(errors.NOT_FOUND)
    return path
