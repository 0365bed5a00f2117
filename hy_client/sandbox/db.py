"""The sandbox's SQLite file (WAL): schema, connections, and small helpers over rows.

Times are stored as POSIX seconds (REAL) of the sandbox's own clock.
"""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .. import usernames
from ..errors import HyError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    user_type TEXT NOT NULL, display_name TEXT NOT NULL, password_hash TEXT NOT NULL,
    registration TEXT NOT NULL DEFAULT '{}', failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0, created_at REAL NOT NULL, username_key TEXT);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, account_id INTEGER NOT NULL, last_used REAL NOT NULL,
    created_at REAL NOT NULL DEFAULT 0, via TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS sessions_account ON sessions (account_id);
CREATE TABLE IF NOT EXISTS login_failures (
    account_id INTEGER NOT NULL, client TEXT NOT NULL, failures INTEGER NOT NULL,
    locked_until REAL NOT NULL, PRIMARY KEY (account_id, client));
CREATE TABLE IF NOT EXISTS nonces (
    nonce TEXT PRIMARY KEY, client TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS activations (
    id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, cert_sha256 TEXT NOT NULL UNIQUE,
    subject_cn TEXT NOT NULL, organization TEXT NOT NULL, not_after REAL NOT NULL,
    user_type TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY, account_id INTEGER NOT NULL, name TEXT NOT NULL,
    public_key BLOB NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS qr_codes (
    id TEXT PRIMARY KEY, payload TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, client TEXT NOT NULL,
    account_id INTEGER, state TEXT NOT NULL, expires REAL NOT NULL, device_id TEXT,
    session_token TEXT, pending_key BLOB, pending_name TEXT);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, kind TEXT NOT NULL, spec TEXT NOT NULL,
    status TEXT NOT NULL, data TEXT NOT NULL, attachments TEXT NOT NULL DEFAULT '[]',
    reject_reason TEXT NOT NULL DEFAULT '', updated_at REAL NOT NULL, submitted_at REAL);
CREATE INDEX IF NOT EXISTS records_account ON records (account_id, kind);
CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY, account_id INTEGER NOT NULL, filename TEXT NOT NULL,
    content_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
    created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS bids (
    id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, project_code TEXT NOT NULL,
    project_name TEXT NOT NULL, documents_downloaded_at REAL, bid_deadline REAL NOT NULL,
    bid_opening REAL NOT NULL, cert_sha256 TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS renewals (
    id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, old_cert_sha256 TEXT NOT NULL,
    old_certificate BLOB NOT NULL, csr_sha256 TEXT NOT NULL UNIQUE, csr BLOB NOT NULL,
    state TEXT NOT NULL, certificate BLOB, cert_sha256 TEXT NOT NULL DEFAULT '', not_after REAL,
    reject_reason TEXT NOT NULL DEFAULT '', created_at REAL NOT NULL, decided_at REAL);
CREATE TABLE IF NOT EXISTS idempotency (
    scope TEXT NOT NULL, key TEXT NOT NULL, body_hash TEXT NOT NULL, status INTEGER NOT NULL,
    answer TEXT NOT NULL, created_at REAL NOT NULL, PRIMARY KEY (scope, key));
"""


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode; writers open ``BEGIN IMMEDIATE`` through ``write``."""
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


# Columns added after the first release: an older sandbox database gets them on start.
_ADDED_COLUMNS = (("accounts", "username_key", "TEXT"),
                  ("sessions", "created_at", "REAL NOT NULL DEFAULT 0"),
                  ("sessions", "via", "TEXT NOT NULL DEFAULT ''"),
                  ("qr_codes", "pending_key", "BLOB"), ("qr_codes", "pending_name", "TEXT"))


def init_db(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        for table, column, declaration in _ADDED_COLUMNS:
            have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            if have and column not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        conn.executescript(SCHEMA)
        with write(conn):
            for row in conn.execute("SELECT id, username FROM accounts"
                                    " WHERE username_key IS NULL").fetchall():
                conn.execute("UPDATE accounts SET username_key = ? WHERE id = ?",
                             (usernames.canonical(row["username"]), row["id"]))
        conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS accounts_username_key"
                     " ON accounts (username_key)")
    finally:
        conn.close()


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once so concurrent writers queue rather than deadlock.

    A refusal (HyError) still commits: what was written before it is deliberate — a consumed
    nonce stays consumed, a failed password attempt stays counted. Anything else rolls back.
    Inside an open transaction it simply joins it.
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except HyError:
        conn.execute("COMMIT")
        raise
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def ts(when: datetime) -> float:
    return when.timestamp()


def dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def dt_required(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row["value"])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


class Pool:
    """A few reusable connections (opening one costs more than most requests' queries)."""

    def __init__(self, path: Path, size: int = 8) -> None:
        self.path = path
        self._free: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._size = size

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._free.get_nowait()
        except queue.Empty:
            conn = connect(self.path)
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if self._free.qsize() < self._size:
                self._free.put(conn)
            else:
                conn.close()

    def close(self) -> None:
        while True:
            try:
                self._free.get_nowait().close()
            except queue.Empty:
                return
