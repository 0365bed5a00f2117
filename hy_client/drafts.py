"""Local autosave of forms in SQLite: nothing typed is lost to a crash, a kill or a failed submit.

WAL with ``synchronous=FULL``: a save that returned is on disk, and a process killed mid-save
leaves the previous draft intact. Each draft carries an Idempotency-Key made at its first save
and kept across saves and restarts until a submit succeeds, so a retried submit can never
create a second record. Password fields are never written here.
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import config, errors
from .forms import get_spec

DB_FILE = "drafts.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    form_key        TEXT PRIMARY KEY,
    spec_name       TEXT NOT NULL,
    data            TEXT NOT NULL,
    record_id       INTEGER,
    idempotency_key TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    updated_at      TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Draft:
    """One autosaved form; ``form_key`` names the instance ("profile", "qualification:new")."""

    form_key: str
    spec_name: str
    data: dict[str, str]
    record_id: int | None
    idempotency_key: str
    revision: int  # grows with every save; lets a finished submit spot edits made meanwhile
    updated_at: datetime


def default_path() -> Path:
    return config.data_dir() / DB_FILE


class DraftStore:
    """Thread-safe: the GUI autosaves from a worker while the main window reads the list."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():  # personal data (ID numbers): owner-only from the start
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            self._db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise errors.HyError(errors.DRAFT_STORE_ERROR, type(exc).__name__) from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> DraftStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise errors.HyError(errors.DRAFT_STORE_ERROR, type(exc).__name__) from None

    def save(self, form_key: str, spec_name: str, data: Mapping[str, str], *,
             record_id: int | None = None) -> Draft:
        """Store the form as typed (secret fields dropped); keeps the key and a known record id."""
        spec = get_spec(spec_name)
        kept = {f.key: data[f.key] for f in spec.fields
                if not f.secret and isinstance(data.get(f.key), str)}
        now = datetime.now(UTC).isoformat()
        with self._tx() as db:
            db.execute(
                "INSERT INTO drafts (form_key, spec_name, data, record_id, idempotency_key,"
                " revision, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)"
                " ON CONFLICT(form_key) DO UPDATE SET spec_name = excluded.spec_name,"
                " data = excluded.data, record_id = COALESCE(excluded.record_id, record_id),"
                " revision = revision + 1, updated_at = excluded.updated_at",
                (form_key, spec_name, json.dumps(kept, ensure_ascii=False), record_id,
                 _new_key(), now))
            row = db.execute(_SELECT + " WHERE form_key = ?", (form_key,)).fetchone()
        return _draft(row)

    def link_record(self, form_key: str, record_id: int) -> None:
        """Note the platform's id of a just-created record, leaving the typed data and the
        revision alone: an autosave that landed meanwhile stays as typed, and still unsent."""
        with self._tx() as db:
            db.execute("UPDATE drafts SET record_id = ? WHERE form_key = ?",
                       (record_id, form_key))

    def load(self, form_key: str) -> Draft | None:
        with self._tx() as db:
            row = db.execute(_SELECT + " WHERE form_key = ?", (form_key,)).fetchone()
        return _draft(row) if row else None

    def list(self) -> builtins.list[Draft]:
        """All drafts, the most recently saved first (for "restore unsaved changes?")."""
        with self._tx() as db:
            rows = db.execute(_SELECT + " ORDER BY updated_at DESC, form_key").fetchall()
        return [_draft(r) for r in rows]

    def discard(self, form_key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM drafts WHERE form_key = ?", (form_key,))

    def mark_submitted(self, form_key: str, *, revision: int | None = None) -> None:
        """The submit succeeded: its key is spent.

        With the ``revision`` that was submitted: if the form was edited meanwhile, the newer
        text stays as a draft under a fresh key; otherwise (or without ``revision``) the draft
        is removed, since the platform now holds it.
        """
        with self._tx() as db:
            if revision is not None:
                db.execute("UPDATE drafts SET idempotency_key = ? WHERE form_key = ?"
                           " AND revision > ?", (_new_key(), form_key, revision))
                db.execute("DELETE FROM drafts WHERE form_key = ? AND revision <= ?",
                           (form_key, revision))
            else:
                db.execute("DELETE FROM drafts WHERE form_key = ?", (form_key,))

    def integrity_ok(self) -> bool:
        with self._tx() as db:
            return bool(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")


_SELECT = ("SELECT form_key, spec_name, data, record_id, idempotency_key, revision, updated_at"
           " FROM drafts")


def _new_key() -> str:
    return str(uuid.uuid4())


def _draft(row: tuple[str, str, str, int | None, str, int, str]) -> Draft:
    form_key, spec_name, data, record_id, key, revision, updated_at = row
    return Draft(form_key, spec_name, json.loads(data), record_id, key, revision,
                 datetime.fromisoformat(updated_at))
