"""Local autosave of forms in SQLite: nothing typed is lost to a crash, a kill or a failed submit.

WAL with ``synchronous=FULL``: a save that returned is on disk, and a process killed mid-save
leaves the previous draft intact. Each draft carries an Idempotency-Key made at its first save
and kept across saves and restarts until a submit succeeds, so a retried submit can never
create a second record. Password fields are never written here.

Whose draft: every draft belongs to one (platform origin, account id) — a bid agent keeps
several companies on one PC, and a draft restored under the wrong account would submit one
company's name and 统一社会信用代码 under another. :meth:`DraftStore.for_account` is the only
way to read or write drafts. Drafts saved before drafts had an owner (schema 0: one ``drafts``
table keyed by form only) are moved, once, into a quarantine that is never restored by itself:
the user sees each (company, form, when) and assigns it to the current account or discards it.
"""

from __future__ import annotations

import builtins
import contextlib
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
from .owner import origin_key

DB_FILE = "drafts.sqlite3"

SCHEMA_VERSION = 1  # PRAGMA user_version; 0: the unscoped ``drafts`` table of old
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS account_drafts (
    origin          TEXT NOT NULL,
    account_id      INTEGER NOT NULL,
    form_key        TEXT NOT NULL,
    spec_name       TEXT NOT NULL,
    data            TEXT NOT NULL,
    record_id       INTEGER,
    idempotency_key TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (origin, account_id, form_key)
)""",
    """CREATE TABLE IF NOT EXISTS quarantined_drafts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    form_key        TEXT NOT NULL,
    spec_name       TEXT NOT NULL,
    data            TEXT NOT NULL,
    record_id       INTEGER,
    updated_at      TEXT NOT NULL,
    quarantined_at  TEXT NOT NULL
)""",
)
# which company a draft names (a profile draft: the unit's name and code, or the person's)
_NAME_FIELDS = ("name",)
_CODE_FIELDS = ("uscc", "id_number")


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


@dataclass(frozen=True)
class QuarantinedDraft:
    """A draft from before drafts had an owner: shown to the user, never restored by itself."""

    id: int
    form_key: str
    spec_name: str
    data: dict[str, str]
    record_id: int | None
    updated_at: datetime

    @property
    def company(self) -> str:
        """The unit or person the draft names ("" when the form does not say, e.g. 资质)."""
        name = next((self.data[k] for k in _NAME_FIELDS if self.data.get(k)), "")
        code = next((self.data[k] for k in _CODE_FIELDS if self.data.get(k)), "")
        return f"{name}（{code}）" if name and code else name or code

    @property
    def form_title(self) -> str:
        try:
            return get_spec(self.spec_name).title_zh
        except KeyError:
            return self.spec_name


def identity_differs(data: Mapping[str, str], own: Mapping[str, str]) -> builtins.list[str]:
    """The identity fields (单位名称/姓名, 统一社会信用代码/身份证号) where a draft names someone
    else than the account's own record; restoring such a draft must be confirmed first."""
    out = []
    for key in (*_NAME_FIELDS, *_CODE_FIELDS):
        mine, theirs = (own.get(key) or "").strip(), (data.get(key) or "").strip()
        if mine and theirs and mine.upper() != theirs.upper():
            out.append(key)
    return out


def default_path() -> Path:
    return config.data_dir() / DB_FILE


class DraftStore:
    """The drafts file. Thread-safe: the GUI autosaves from a worker while the window reads."""

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
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise errors.HyError(errors.DRAFT_STORE_ERROR, type(exc).__name__) from None

    def _migrate(self) -> None:
        """Schema 0 → 1 in one transaction: unscoped drafts go to the quarantine."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                db.execute(statement)
            old = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                             " AND name = 'drafts'").fetchone()
            if old:
                db.execute(
                    "INSERT INTO quarantined_drafts (form_key, spec_name, data, record_id,"
                    " updated_at, quarantined_at) SELECT form_key, spec_name, data, record_id,"
                    " updated_at, ? FROM drafts ORDER BY updated_at",
                    (datetime.now(UTC).isoformat(),))
                db.execute("DROP TABLE drafts")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

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

    def for_account(self, origin: str, account_id: int) -> AccountDrafts:
        """The drafts of one account on one platform: all another account can never see."""
        if not origin or account_id is None:
            raise ValueError("a draft owner needs the platform origin and the account id")
        return AccountDrafts(self, origin_key(origin), int(account_id))

    def integrity_ok(self) -> bool:
        with self._tx() as db:
            return bool(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    # --- the quarantine ---------------------------------------------------------------------
    def quarantined(self) -> builtins.list[QuarantinedDraft]:
        """Drafts of unknown owner, newest first: which company, which form, when."""
        with self._tx() as db:
            rows = db.execute("SELECT id, form_key, spec_name, data, record_id, updated_at"
                              " FROM quarantined_drafts ORDER BY updated_at DESC, id").fetchall()
        return [QuarantinedDraft(i, k, s, json.loads(d), r, datetime.fromisoformat(u))
                for i, k, s, d, r, u in rows]

    def discard_quarantined(self, draft_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM quarantined_drafts WHERE id = ?", (draft_id,))

    def assign_quarantined(self, draft_id: int, owner: AccountDrafts, *,
                           keep_record: bool = False) -> Draft:
        """Give a quarantined draft to ``owner``; it then opens like any of its drafts.

        The record id it named is dropped unless ``keep_record`` (the caller checked the record
        is this account's): a qualification becomes a new one rather than an edit of another
        company's record. A draft the account already has for that form is never overwritten
        (DRAFT_EXISTS): it is restored or discarded first.
        """
        with self._tx() as db:
            row = db.execute("SELECT form_key, spec_name, data, record_id, updated_at"
                             " FROM quarantined_drafts WHERE id = ?", (draft_id,)).fetchone()
            if row is None:
                raise errors.HyError(errors.NOT_FOUND, f"quarantined draft {draft_id}")
            key, spec_name, data, record_id, updated_at = row
            if key != "profile" and not keep_record:
                key = f"{key.split(':', 1)[0]}:new-{uuid.uuid4().hex}"
                record_id = None
            taken = db.execute("SELECT 1 FROM account_drafts WHERE origin = ? AND account_id = ?"
                               " AND form_key = ?", (owner.origin, owner.account_id, key)
                               ).fetchone()
            if taken:
                raise errors.HyError(errors.DRAFT_EXISTS, key)
            db.execute("INSERT INTO account_drafts (origin, account_id, form_key, spec_name, data,"
                       " record_id, idempotency_key, revision, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                       (owner.origin, owner.account_id, key, spec_name, data,
                        record_id if keep_record else None, _new_key(), updated_at))
            db.execute("DELETE FROM quarantined_drafts WHERE id = ?", (draft_id,))
        draft = owner.load(key)
        assert draft is not None
        return draft


class AccountDrafts:
    """One account's drafts (``DraftStore.for_account``): every query carries the owner."""

    def __init__(self, store: DraftStore, origin: str, account_id: int) -> None:
        self.store, self.origin, self.account_id = store, origin, account_id

    @property
    def path(self) -> Path:
        return self.store.path

    def _tx(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self.store._tx()

    @property
    def _owner(self) -> tuple[str, int]:
        return self.origin, self.account_id

    def save(self, form_key: str, spec_name: str, data: Mapping[str, str], *,
             record_id: int | None = None) -> Draft:
        """Store the form as typed (secret fields dropped); keeps the key and a known record id."""
        spec = get_spec(spec_name)
        kept = {f.key: data[f.key] for f in spec.fields
                if not f.secret and isinstance(data.get(f.key), str)}
        now = datetime.now(UTC).isoformat()
        with self._tx() as db:
            db.execute(
                "INSERT INTO account_drafts (origin, account_id, form_key, spec_name, data,"
                " record_id, idempotency_key, revision, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)"
                " ON CONFLICT(origin, account_id, form_key) DO UPDATE SET"
                " spec_name = excluded.spec_name, data = excluded.data,"
                " record_id = COALESCE(excluded.record_id, record_id),"
                " revision = revision + 1, updated_at = excluded.updated_at",
                (*self._owner, form_key, spec_name, json.dumps(kept, ensure_ascii=False),
                 record_id, _new_key(), now))
            row = db.execute(_SELECT_MINE + " AND form_key = ?",
                             (*self._owner, form_key)).fetchone()
        return _draft(row)

    def link_record(self, form_key: str, record_id: int) -> None:
        """Note the platform's id of a just-created record, leaving the typed data and the
        revision alone: an autosave that landed meanwhile stays as typed, and still unsent."""
        with self._tx() as db:
            db.execute("UPDATE account_drafts SET record_id = ?"
                       " WHERE origin = ? AND account_id = ? AND form_key = ?",
                       (record_id, *self._owner, form_key))

    def load(self, form_key: str) -> Draft | None:
        with self._tx() as db:
            row = db.execute(_SELECT_MINE + " AND form_key = ?",
                             (*self._owner, form_key)).fetchone()
        return _draft(row) if row else None

    def list(self) -> builtins.list[Draft]:
        """This account's drafts, the most recently saved first."""
        with self._tx() as db:
            rows = db.execute(_SELECT_MINE + " ORDER BY updated_at DESC, form_key",
                              self._owner).fetchall()
        return [_draft(r) for r in rows]

    def discard(self, form_key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM account_drafts"
                       " WHERE origin = ? AND account_id = ? AND form_key = ?",
                       (*self._owner, form_key))

    def mark_submitted(self, form_key: str, *, revision: int | None = None) -> None:
        """The submit succeeded: its key is spent.

        With the ``revision`` that was submitted: if the form was edited meanwhile, the newer
        text stays as a draft under a fresh key; otherwise (or without ``revision``) the draft
        is removed, since the platform now holds it.
        """
        with self._tx() as db:
            if revision is not None:
                db.execute("UPDATE account_drafts SET idempotency_key = ?"
                           " WHERE origin = ? AND account_id = ? AND form_key = ? AND revision > ?",
                           (_new_key(), *self._owner, form_key, revision))
                db.execute("DELETE FROM account_drafts"
                           " WHERE origin = ? AND account_id = ? AND form_key = ?"
                           " AND revision <= ?",
                           (*self._owner, form_key, revision))
            else:
                db.execute("DELETE FROM account_drafts"
                       " WHERE origin = ? AND account_id = ? AND form_key = ?",
                           (*self._owner, form_key))

    def integrity_ok(self) -> bool:
        return self.store.integrity_ok()


_SELECT = ("SELECT form_key, spec_name, data, record_id, idempotency_key, revision, updated_at"
           " FROM account_drafts")
_SELECT_MINE = _SELECT + " WHERE origin = ? AND account_id = ?"


def _new_key() -> str:
    return str(uuid.uuid4())


def _draft(row: tuple[str, str, str, int | None, str, int, str]) -> Draft:
    form_key, spec_name, data, record_id, key, revision, updated_at = row
    return Draft(form_key, spec_name, json.loads(data), record_id, key, revision,
                 datetime.fromisoformat(updated_at))
