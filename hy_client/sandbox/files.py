"""Electronic documents: ≤ 20 MB, PDF/JPEG/PNG recognised by their bytes, never by the name."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
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


def safe_filename(name: str) -> str:
    """Only the last path component, without control characters, at most 200 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return (name or "file")[:200]


def attachment_model(row: sqlite3.Row) -> models.Attachment:
    return models.Attachment(id=row["id"], filename=row["filename"],
                             content_type=row["content_type"], size=row["size"],
                             sha256=row["sha256"], created_at=db.dt_required(row["created_at"]))


def store(conn: sqlite3.Connection, ctx: Context, folder: Path, account: AccountRow,
          filename: str, content: bytes) -> models.Attachment:
    if not content:
        raise errors.HyError(errors.ATTACHMENT_EMPTY)
    if len(content) > MAX_SIZE:
        raise errors.HyError(errors.ATTACHMENT_TOO_LARGE)
    content_type = sniff(content)
    attachment_id = secrets.token_urlsafe(16)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / attachment_id).write_bytes(content)
    conn.execute(
        "INSERT INTO attachments (id, account_id, filename, content_type, size, sha256,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (attachment_id, account.id, safe_filename(filename), content_type, len(content),
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
