"""Accounts, sessions, hy-auth:1 logins, remote activation and bids: the platform's rules.

Plain functions over a connection and the instance's context, raising catalogue errors; the
HTTP layer (``app.py``) only maps them, so the review CLI and provisioning reuse them directly.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import auth, errors, usernames
from ..api import models
from ..forms import validate
from ..forms.validators import password_error
from . import db, identity
from .passwords import hash_password, new_nonce, new_token, token_hash, verify_password

SESSION_IDLE = timedelta(minutes=30)
SESSION_ABSOLUTE = timedelta(hours=12)  # ASVS V3.3.2 (level 2): re-authenticate twice a day
SESSION_TOUCH = timedelta(seconds=30)  # refresh last_used at most this often (fewer writes)
NONCE_LIFETIME = timedelta(minutes=5)
LOCKOUT_FAILURES = 5
CLIENT_LOCKOUT_FAILURES = 20  # one address guessing across many names
LOCKOUT_TIME = timedelta(minutes=15)


@dataclass(frozen=True)
class Context:
    """What the rules need from the running instance."""

    origin: str
    now: Callable[[], datetime]
    trust: Callable[[], auth.TrustStore]
    references: models.ReferenceLists


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    kind: str
    user_type: str
    display_name: str

    def model(self) -> models.Account:
        return models.Account(id=self.id, username=self.username, kind=self.kind,  # type: ignore[arg-type]
                              user_type=self.user_type, display_name=self.display_name)  # type: ignore[arg-type]


def _account(row: sqlite3.Row) -> AccountRow:
    return AccountRow(row["id"], row["username"], row["kind"], row["user_type"],
                      row["display_name"])


def account_by_id(conn: sqlite3.Connection, account_id: int) -> AccountRow:
    """``account_id`` comes from the database (a session, a binding, a code), never a caller."""
    row = conn.execute("SELECT * FROM accounts WHERE id = ?", (account_id,)).fetchone()
    if row is None:
        raise errors.HyError(errors.NOT_FOUND)
    return _account(row)


def account_by_username(conn: sqlite3.Connection, username: str) -> AccountRow | None:
    """The account whose canonical username matches (``VICT`` and ``vict　`` are ``vict``)."""
    row = conn.execute("SELECT * FROM accounts WHERE username_key = ?",
                       (usernames.canonical(username),)).fetchone()
    return None if row is None else _account(row)


# --- registration and password login --------------------------------------------------------
def register(conn: sqlite3.Connection, ctx: Context, body: models.Registration,
             password_hash: str) -> AccountRow:
    """``password_hash`` is made by the caller, outside the write transaction."""
    spec = f"registration_{body.kind}"
    # The account form's username rule is the platform's own (hy_client.usernames).
    found = validate("account", {"username": body.username, "password": body.password,
                                 "password_confirm": body.password})
    found += validate(spec, body.data)
    if found:
        raise errors.ValidationError(found)
    if password_error(body.password):
        raise errors.HyError(errors.PASSWORD_WEAK)
    if account_by_username(conn, body.username) is not None:
        raise errors.HyError(errors.USERNAME_TAKEN)
    identity.check_unregistered(conn, body.kind, body.data)
    return create_account(conn, ctx, username=body.username, password_hash=password_hash,
                          kind=body.kind, user_type=body.user_type, data=body.data)


def create_account(conn: sqlite3.Connection, ctx: Context, *, username: str, kind: str,
                   user_type: str, data: dict[str, str], password: str = "",
                   password_hash: str = "") -> AccountRow:
    """Stored under its display form, unique on its canonical form."""
    shown = usernames.display(username)
    try:
        cur = conn.execute(
            "INSERT INTO accounts (username, username_key, kind, user_type, display_name,"
            " password_hash, registration, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (shown, usernames.canonical(username), kind, user_type, data.get("name") or shown,
             password_hash or hash_password(password), json.dumps(data, ensure_ascii=False),
             db.ts(ctx.now())))
    except sqlite3.IntegrityError:
        raise errors.HyError(errors.USERNAME_TAKEN) from None
    account_id = int(cur.lastrowid or 0)
    # The profile starts as a draft holding what registration already knows.
    profile = {k: v for k, v in data.items() if k in ("name", "uscc", "id_number", "mobile",
                                                       "legal_rep", "contact", "contact_phone",
                                                       "email")}
    conn.execute(
        "INSERT INTO records (account_id, kind, spec, status, data, updated_at)"
        " VALUES (?, 'profile', ?, 'draft', ?, ?)",
        (account_id, f"profile_{kind}", json.dumps(profile, ensure_ascii=False),
         db.ts(ctx.now())))
    return account_by_id(conn, account_id)


def _locked(conn: sqlite3.Connection, account_id: int, client: str, now: float) -> bool:
    row = conn.execute("SELECT locked_until FROM login_failures WHERE account_id = ?"
                       " AND client = ?", (account_id, client)).fetchone()
    return row is not None and row["locked_until"] > now


def _count_failure(conn: sqlite3.Connection, account_id: int, client: str, now: float,
                   limit: int) -> None:
    row = conn.execute("SELECT failures, locked_until FROM login_failures WHERE account_id = ?"
                       " AND client = ?", (account_id, client)).fetchone()
    if row is not None and row["locked_until"] > now:
        return  # already locked: the lock runs its course
    failures = 1 if row is None or row["locked_until"] else row["failures"] + 1
    locked = now + LOCKOUT_TIME.total_seconds() if failures >= limit else 0
    conn.execute("INSERT OR REPLACE INTO login_failures (account_id, client, failures,"
                 " locked_until) VALUES (?, ?, ?, ?)",
                 (account_id, client, 0 if locked else failures, locked))


def password_login(conn: sqlite3.Connection, ctx: Context, client: str,
                   body: models.PasswordLogin) -> models.Session:
    """One answer (A101) and one scrypt for an unknown name, a wrong password and a lock.

    Five failures lock the account for 15 minutes *for that client* (its network address):
    a stranger elsewhere cannot lock a bidder out. Twenty failures from one client on any
    names lock that client. The password is checked outside the write transaction, so
    hashing runs in parallel and never holds up other writers. Call without a transaction.
    """
    row = conn.execute("SELECT * FROM accounts WHERE username_key = ?",
                       (usernames.canonical(body.username),)).fetchone()
    stored = row["password_hash"] if row is not None else _DUMMY_HASH
    matched = verify_password(body.password, stored) and row is not None
    account_id = int(row["id"]) if row is not None else 0
    with db.write(conn):
        now = db.ts(ctx.now())
        allowed = not (_locked(conn, account_id, client, now) or _locked(conn, 0, client, now))
        if matched and allowed:
            current = conn.execute("SELECT * FROM accounts WHERE id = ?",
                                   (account_id,)).fetchone()
            if current is not None and current["password_hash"] == stored:
                conn.execute("DELETE FROM login_failures WHERE account_id = ? AND client = ?",
                             (account_id, client))
                return create_session(conn, ctx, _account(current), via="password")
        if not matched:
            if account_id:
                _count_failure(conn, account_id, client, now, LOCKOUT_FAILURES)
            _count_failure(conn, 0, client, now, CLIENT_LOCKOUT_FAILURES)
    raise errors.HyError(errors.BAD_CREDENTIALS)


_DUMMY_HASH = hash_password("not-a-password-0")


def change_password(conn: sqlite3.Connection, account: AccountRow, current_token: str,
                    body: models.PasswordChange) -> None:
    """Every other session of the account ends (ASVS V3.3.3); this one stays. Hashing runs
    before the write transaction; the update applies only if no one changed it meanwhile."""
    row = conn.execute("SELECT password_hash FROM accounts WHERE id = ?",
                       (account.id,)).fetchone()
    if row is None or not verify_password(body.old_password, row["password_hash"]):
        raise errors.HyError(errors.BAD_CREDENTIALS)
    if password_error(body.new_password):
        raise errors.HyError(errors.PASSWORD_WEAK)
    new_hash = hash_password(body.new_password)
    with db.write(conn):
        cur = conn.execute("UPDATE accounts SET password_hash = ? WHERE id = ?"
                           " AND password_hash = ?", (new_hash, account.id, row["password_hash"]))
        if cur.rowcount == 0:
            raise errors.HyError(errors.CONFLICT, "password changed meanwhile")
        conn.execute("DELETE FROM sessions WHERE account_id = ? AND token_hash != ?",
                     (account.id, token_hash(current_token)))
        conn.execute("DELETE FROM login_failures WHERE account_id = ?", (account.id,))


def reset_password(conn: sqlite3.Connection, username: str, new_password: str) -> AccountRow:
    """The platform's password reset (support desk): a new password and no session survives."""
    if password_error(new_password):
        raise errors.HyError(errors.PASSWORD_WEAK)
    new_hash = hash_password(new_password)
    with db.write(conn):
        account = account_by_username(conn, username)
        if account is None:
            raise errors.HyError(errors.NOT_FOUND)
        conn.execute("UPDATE accounts SET password_hash = ? WHERE id = ?",
                     (new_hash, account.id))
        end_sessions(conn, account.id)
        conn.execute("DELETE FROM login_failures WHERE account_id = ?", (account.id,))
    return account


# --- sessions -------------------------------------------------------------------------------
def create_session(conn: sqlite3.Connection, ctx: Context, account: AccountRow, *,
                   via: str) -> models.Session:
    """``via`` says how it was made (``password``, ``cert:<sha256>``, ``app:<device id>``), so
    removing that certificate or device ends the sessions it opened."""
    token, now = new_token(), ctx.now()
    conn.execute("INSERT INTO sessions (token_hash, account_id, last_used, created_at, via)"
                 " VALUES (?, ?, ?, ?, ?)",
                 (token_hash(token), account.id, db.ts(now), db.ts(now), via))
    return models.Session(token=token, expires_at=now + SESSION_IDLE, account=account.model())


def end_sessions(conn: sqlite3.Connection, account_id: int, via: str | None = None) -> None:
    """End the account's sessions (only those opened ``via`` one credential, when given)."""
    if via is None:
        conn.execute("DELETE FROM sessions WHERE account_id = ?", (account_id,))
    else:
        conn.execute("DELETE FROM sessions WHERE account_id = ? AND via = ?", (account_id, via))


def session_account(conn: sqlite3.Connection, ctx: Context, token: str | None) -> AccountRow:
    """The account behind a bearer token; A104 without one, A103 once idle for 30 minutes or
    older than the absolute lifetime (ASVS V3.3.2), however busy."""
    if not token:
        raise errors.HyError(errors.NOT_LOGGED_IN)
    key, now = token_hash(token), ctx.now()
    row = conn.execute(
        "SELECT s.last_used, s.created_at AS session_created, a.* FROM sessions s"
        " JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?", (key,)).fetchone()
    if row is None:
        raise errors.HyError(errors.SESSION_EXPIRED)
    last_used = db.dt_required(row["last_used"])
    created = db.dt_required(row["session_created"])
    if now - last_used > SESSION_IDLE or now - created > SESSION_ABSOLUTE:
        with db.write(conn):
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (key,))
        raise errors.HyError(errors.SESSION_EXPIRED)
    if now - last_used > SESSION_TOUCH:
        with db.write(conn):
            conn.execute("UPDATE sessions SET last_used = ? WHERE token_hash = ?",
                         (db.ts(now), key))
    return _account(row)


def logout(conn: sqlite3.Connection, token: str) -> None:
    conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))


# --- hy-auth:1 ------------------------------------------------------------------------------
def challenge(conn: sqlite3.Connection, ctx: Context, client: str) -> models.Challenge:
    """A single-use nonce for 5 minutes, usable only by the client that asked for it."""
    now = ctx.now()
    conn.execute("DELETE FROM nonces WHERE expires < ?", (db.ts(now),))
    nonce, expires = new_nonce(), now + NONCE_LIFETIME
    conn.execute("INSERT INTO nonces (nonce, client, expires) VALUES (?, ?, ?)",
                 (nonce, client, db.ts(expires)))
    return models.Challenge(nonce=nonce, expires_at=expires)


def _nonce_consumer(conn: sqlite3.Connection, ctx: Context, client: str) -> Callable[[str], bool]:
    def consume(nonce: str) -> bool:
        with db.write(conn):  # its own short transaction unless the caller holds one
            row = conn.execute("DELETE FROM nonces WHERE nonce = ? RETURNING client, expires",
                               (nonce,)).fetchone()
        return (row is not None and row["client"] == client
                and row["expires"] >= db.ts(ctx.now()))
    return consume


def _bound_account(conn: sqlite3.Connection, sha256: str) -> int | None:
    row = conn.execute("SELECT account_id FROM activations WHERE cert_sha256 = ?",
                       (sha256,)).fetchone()
    return None if row is None else int(row["account_id"])


def token_login(conn: sqlite3.Connection, ctx: Context, client: str,
                body: models.TokenLogin | dict[str, object]) -> models.Session:
    """Called without a transaction: the nonce is consumed in one short write, the certificate
    and signature are checked outside any lock, the session is made in another short write."""
    nonce, token = _nonce_and_token(body)
    verified = auth.validate_auth_token(
        nonce, token, origin=ctx.origin, trust=ctx.trust(), now=ctx.now(),
        consume_nonce=_nonce_consumer(conn, ctx, client),
        is_bound=lambda v: _bound_account(conn, v.sha256) is not None)
    with db.write(conn):
        account_id = _bound_account(conn, verified.sha256)
        if account_id is None:  # unbound while the signature was being checked
            raise errors.HyError(errors.CERT_NOT_ACTIVATED)
        return create_session(conn, ctx, account_by_id(conn, account_id),
                              via=f"cert:{verified.sha256}")


def _nonce_and_token(body: object) -> tuple[str, object]:
    if isinstance(body, dict):
        nonce, token = body.get("nonce"), body.get("auth_token")
    else:
        nonce, token = getattr(body, "nonce", None), getattr(body, "auth_token", None)
    if not isinstance(nonce, str) or token is None:
        raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "fields")
    return nonce, token


def activate(conn: sqlite3.Connection, ctx: Context, client: str, account: AccountRow,
             body: models.ActivationRequest) -> models.Activation:
    """Remote activation: prove possession over a fresh challenge, then bind with a user type."""
    verified = auth.validate_auth_token(
        body.nonce, body.auth_token, origin=ctx.origin, trust=ctx.trust(), now=ctx.now(),
        consume_nonce=_nonce_consumer(conn, ctx, client), is_bound=None)
    return bind_certificate(conn, ctx, account, verified, body.user_type)


def bind_certificate(conn: sqlite3.Connection, ctx: Context, account: AccountRow,
                     verified: auth.VerifiedCertificate, user_type: str) -> models.Activation:
    owner = _bound_account(conn, verified.sha256)
    if owner is not None and owner != account.id:
        raise errors.HyError(errors.CERT_ALREADY_BOUND)
    identity.check_certificate_holder(conn, account.id, verified.serial_number)
    if owner is None:
        conn.execute(
            "INSERT INTO activations (account_id, cert_sha256, subject_cn, organization,"
            " not_after, user_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (account.id, verified.sha256, verified.subject_cn, verified.organization,
             db.ts(verified.not_after), user_type, db.ts(ctx.now())))
    else:
        conn.execute("UPDATE activations SET user_type = ? WHERE cert_sha256 = ?",
                     (user_type, verified.sha256))
    row = conn.execute("SELECT * FROM activations WHERE cert_sha256 = ?",
                       (verified.sha256,)).fetchone()
    return _activation(row)


def _activation(row: sqlite3.Row) -> models.Activation:
    return models.Activation(
        id=row["id"], cert_sha256=row["cert_sha256"], subject_cn=row["subject_cn"],
        organization=row["organization"], not_after=db.dt_required(row["not_after"]),
        user_type=row["user_type"], created_at=db.dt_required(row["created_at"]))


def activations(conn: sqlite3.Connection, account: AccountRow) -> list[models.Activation]:
    rows = conn.execute("SELECT * FROM activations WHERE account_id = ? ORDER BY id",
                        (account.id,)).fetchall()
    return [_activation(r) for r in rows]


def unbind(conn: sqlite3.Connection, account: AccountRow, activation_id: int) -> None:
    """Deactivate a certificate: the sessions it opened end with it."""
    row = conn.execute("DELETE FROM activations WHERE id = ? AND account_id = ?"
                       " RETURNING cert_sha256", (activation_id, account.id)).fetchone()
    if row is None:
        raise errors.HyError(errors.NOT_FOUND)
    end_sessions(conn, account.id, via=f"cert:{row['cert_sha256']}")


# --- bids -----------------------------------------------------------------------------------
def bids(conn: sqlite3.Connection, account: AccountRow) -> list[models.Bid]:
    rows = conn.execute("SELECT * FROM bids WHERE account_id = ? ORDER BY bid_opening",
                        (account.id,)).fetchall()
    return [models.Bid(id=r["id"], project_code=r["project_code"],
                       project_name=r["project_name"],
                       documents_downloaded_at=db.dt(r["documents_downloaded_at"]),
                       bid_deadline=db.dt_required(r["bid_deadline"]),
                       bid_opening=db.dt_required(r["bid_opening"]),
                       cert_sha256=r["cert_sha256"]) for r in rows]
