"""标证通: binding and login QR codes, completed by the phone app with its device key.

The desktop keeps the QR's ``id`` (a secret, polled with ``GET /app/qr/{id}``) and shows the
``payload``; the app only ever sees the payload. A code lives ≤ 120 s, works once, and its status
(with the new session) is answered only to the desktop client that asked for it. The session is
made when that poll hands it over, so no session token ever rests in the database.

Every step the app takes is signed with its EC P-256 key (ES256, r‖s), see docs/app-qr.md:

- bind: ``payload|bind|key|name`` with the key being bound (proof of possession); the device
  is bound only when the logged-in desktop confirms the phone it shows (name, key fingerprint);
- scan: ``payload|scan|device_id``; a login code names the account the desktop asked for, and
  only a phone bound to that account may scan it (no login into someone else's account);
- decide: ``payload|approve`` or ``payload|deny``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import sqlite3
from datetime import timedelta
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key

from .. import auth, errors, usernames
from ..api import models
from . import db
from .service import AccountRow, Context, account_by_id, create_session, end_sessions

QR_LIFETIME = timedelta(seconds=120)
PAYLOAD_PREFIX = "hyapp:1"
# ``qr_codes.session_token`` only marks a confirmed login whose session the desktop has not
# collected yet (the column name is kept for existing sandbox databases).
_HANDOVER_DUE = "due"
_NO_ACCOUNT = -1  # a login code for a name that has no account: no phone can ever scan it


def decision_message(payload: str, approve: bool) -> bytes:
    """What the app signs to approve or deny a login QR."""
    return f"{payload}|{'approve' if approve else 'deny'}".encode()


def bind_message(payload: str, device_public_key: str, device_name: str) -> bytes:
    """What the app signs, with the key it binds, to complete a bind QR."""
    return f"{payload}|bind|{device_public_key}|{device_name}".encode()


def scan_message(payload: str, device_id: str) -> bytes:
    """What the bound app signs when it scans a login QR."""
    return f"{payload}|scan|{device_id}".encode()


def fingerprint(der: bytes) -> str:
    """The device key as both screens show it: the first 8 bytes of its SHA-256, grouped."""
    digest = hashlib.sha256(der).hexdigest()[:16].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def create(conn: sqlite3.Connection, ctx: Context, kind: str, client: str,
           account: AccountRow | None, username: str = "") -> models.QrCode:
    if kind == "bind" and account is None:
        raise errors.HyError(errors.NOT_LOGGED_IN)
    if kind == "login":
        if not usernames.display(username):
            raise errors.ValidationError([errors.FieldError("username", "请填写要登录的账号")])
        row = conn.execute("SELECT id FROM accounts WHERE username_key = ?",
                           (usernames.canonical(username),)).fetchone()
        account_id = int(row["id"]) if row is not None else _NO_ACCOUNT  # nothing to enumerate
    else:
        assert account is not None
        account_id = account.id
    now = ctx.now()
    conn.execute("DELETE FROM qr_codes WHERE expires < ?", (db.ts(now - timedelta(hours=1)),))
    qr_id = secrets.token_urlsafe(24)
    payload = f"{PAYLOAD_PREFIX}:{kind}:{secrets.token_urlsafe(18)}"
    expires = now + QR_LIFETIME
    conn.execute(
        "INSERT INTO qr_codes (id, payload, kind, client, account_id, state, expires)"
        " VALUES (?, ?, ?, ?, ?, 'pending', ?)",
        (qr_id, payload, kind, client, account_id, db.ts(expires)))
    return models.QrCode(id=qr_id, kind=kind, payload=payload, expires_at=expires)  # type: ignore[arg-type]


def _state(ctx: Context, row: sqlite3.Row) -> str:
    if row["state"] in ("pending", "scanned") and row["expires"] < db.ts(ctx.now()):
        return "expired"
    return str(row["state"])


def _status(conn: sqlite3.Connection, ctx: Context, row: sqlite3.Row,
            session: models.Session | None = None) -> models.QrStatus:
    name, key, account = "", b"", ""
    if row["pending_key"] is not None:
        name, key = row["pending_name"] or "", bytes(row["pending_key"])
    elif row["device_id"]:
        device = conn.execute("SELECT name, public_key FROM devices WHERE id = ?",
                              (row["device_id"],)).fetchone()
        if device is not None:
            name, key = device["name"], bytes(device["public_key"])
    if row["state"] != "pending" and row["account_id"] and row["account_id"] > 0:
        found = conn.execute("SELECT username FROM accounts WHERE id = ?",
                             (row["account_id"],)).fetchone()
        account = found["username"] if found else ""
    return models.QrStatus(id=row["id"], kind=row["kind"], state=_state(ctx, row),  # type: ignore[arg-type]
                           expires_at=db.dt_required(row["expires"]), session=session,
                           device_name=name, device_fingerprint=fingerprint(key) if key else "",
                           account=account)


def _row(conn: sqlite3.Connection, qr_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM qr_codes WHERE id = ?", (qr_id,)).fetchone()
    assert row is not None
    return row


def status(conn: sqlite3.Connection, ctx: Context, qr_id: str, client: str) -> models.QrStatus:
    """The desktop's poll; a confirmed login hands over its session once."""
    row = conn.execute("SELECT * FROM qr_codes WHERE id = ?", (qr_id,)).fetchone()
    if row is None or row["client"] != client:
        raise errors.HyError(errors.NOT_FOUND)
    session = None
    if row["session_token"] == _HANDOVER_DUE:
        conn.execute("UPDATE qr_codes SET session_token = NULL WHERE id = ?", (qr_id,))
        session = create_session(conn, ctx, account_by_id(conn, row["account_id"]),
                                 via=f"app:{row['device_id']}")
    return _status(conn, ctx, row, session)


def _by_payload(conn: sqlite3.Connection, ctx: Context, payload: str, kind: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM qr_codes WHERE payload = ? AND kind = ?",
                       (payload, kind)).fetchone()
    if row is None:
        raise errors.HyError(errors.QR_INVALID)
    if _state(ctx, row) == "expired":
        raise errors.HyError(errors.QR_EXPIRED)
    return row


def _verify(key: Any, signature: str, message: bytes) -> None:
    try:
        raw = auth.b64decode_strict(signature)
        auth.verify_signature(key, "ES256", raw, message)
    except errors.HyError:
        raise errors.HyError(errors.APP_PROOF_INVALID) from None


def bind(conn: sqlite3.Connection, ctx: Context, body: models.AppBindComplete) -> models.Device:
    """The phone proves it holds the key; the device waits for the desktop's confirmation."""
    row = _by_payload(conn, ctx, body.payload, "bind")
    if row["state"] != "pending":
        raise errors.HyError(errors.QR_INVALID)
    try:
        der = base64.b64decode(body.device_public_key, validate=True)
        key = load_der_public_key(der)
    except (binascii.Error, ValueError, UnsupportedAlgorithm):
        raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "device key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise errors.HyError(errors.AUTH_ALGORITHM_REJECTED, "device key must be P-256")
    name = body.device_name.strip() or "标证通"
    _verify(key, body.signature, bind_message(body.payload, body.device_public_key,
                                              body.device_name))
    device_id, now = secrets.token_urlsafe(16), ctx.now()
    conn.execute("UPDATE qr_codes SET state = 'scanned', device_id = ?, pending_key = ?,"
                 " pending_name = ? WHERE id = ?", (device_id, der, name, row["id"]))
    return models.Device(id=device_id, name=name, created_at=now)


def confirm(conn: sqlite3.Connection, ctx: Context, qr_id: str, client: str,
            account: AccountRow, approve: bool) -> models.QrStatus:
    """The logged-in desktop that asked for the bind code accepts or refuses the phone shown."""
    row = conn.execute("SELECT * FROM qr_codes WHERE id = ?", (qr_id,)).fetchone()
    if (row is None or row["client"] != client or row["kind"] != "bind"
            or row["account_id"] != account.id):
        raise errors.HyError(errors.NOT_FOUND)
    if _state(ctx, row) == "expired":
        raise errors.HyError(errors.QR_EXPIRED)
    if row["state"] != "scanned" or row["pending_key"] is None:
        raise errors.HyError(errors.QR_INVALID)
    if approve:
        conn.execute("INSERT INTO devices (id, account_id, name, public_key, created_at)"
                     " VALUES (?, ?, ?, ?, ?)", (row["device_id"], account.id,
                                                 row["pending_name"], row["pending_key"],
                                                 db.ts(ctx.now())))
    conn.execute("UPDATE qr_codes SET state = ?, pending_key = NULL, pending_name = NULL"
                 " WHERE id = ?", ("confirmed" if approve else "denied", qr_id))
    return _status(conn, ctx, _row(conn, qr_id))


def _device(conn: sqlite3.Connection, device_id: str) -> sqlite3.Row:
    device = conn.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone()
    if device is None:
        raise errors.HyError(errors.APP_NOT_BOUND)
    return device


def scan(conn: sqlite3.Connection, ctx: Context, body: models.AppScan) -> models.QrStatus:
    row = _by_payload(conn, ctx, body.payload, "login")
    device = _device(conn, body.device_id)
    _verify(load_der_public_key(device["public_key"]), body.signature,
            scan_message(body.payload, body.device_id))
    if row["state"] != "pending":
        raise errors.HyError(errors.QR_INVALID)
    if device["account_id"] != row["account_id"]:
        raise errors.HyError(errors.APP_WRONG_ACCOUNT)
    conn.execute("UPDATE qr_codes SET state = 'scanned', device_id = ? WHERE id = ?",
                 (body.device_id, row["id"]))
    return _status(conn, ctx, _row(conn, row["id"]))


def decide(conn: sqlite3.Connection, ctx: Context, body: models.AppDecision) -> models.QrStatus:
    row = _by_payload(conn, ctx, body.payload, "login")
    device = _device(conn, body.device_id)
    if (row["state"] != "scanned" or row["device_id"] != body.device_id
            or device["account_id"] != row["account_id"]):
        raise errors.HyError(errors.QR_INVALID)
    key = load_der_public_key(device["public_key"])
    signature = auth.b64decode_strict(body.signature)
    auth.verify_signature(key, "ES256", signature, decision_message(body.payload, body.approve))
    conn.execute("UPDATE qr_codes SET state = ?, session_token = ? WHERE id = ?",
                 ("confirmed" if body.approve else "denied",
                  _HANDOVER_DUE if body.approve else None, row["id"]))
    return _status(conn, ctx, _row(conn, row["id"]))


def devices(conn: sqlite3.Connection, account: AccountRow) -> list[models.Device]:
    rows = conn.execute("SELECT * FROM devices WHERE account_id = ? ORDER BY created_at",
                        (account.id,)).fetchall()
    return [models.Device(id=r["id"], name=r["name"], created_at=db.dt_required(r["created_at"]))
            for r in rows]


def unbind(conn: sqlite3.Connection, account: AccountRow, device_id: str) -> None:
    cur = conn.execute("DELETE FROM devices WHERE id = ? AND account_id = ?",
                       (device_id, account.id))
    if cur.rowcount == 0:
        raise errors.HyError(errors.NOT_FOUND)
    end_sessions(conn, account.id, via=f"app:{device_id}")
