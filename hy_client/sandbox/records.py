"""Profile, qualifications and personnel: drafts, submission and the review workflow.

A bidder's profile is approved on submission; an agency's profile, and every qualification and
personnel record, waits for the market-entity section (``review``). Saving an approved or
rejected record makes it a draft again; a submitted one is frozen until reviewed.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Literal

from .. import errors
from ..api import models
from ..forms import get_spec, validate
from ..records import EDITABLE, SUBMITTABLE
from . import db
from .files import attachment_model
from .service import AccountRow, Context

Kind = Literal["profile", "qualification", "personnel"]


def spec_for(kind: Kind, account: AccountRow) -> str:
    return f"profile_{account.kind}" if kind == "profile" else kind


def _check(ctx: Context, spec: str, data: dict[str, str], *, partial: bool) -> None:
    found = validate(spec, data, partial=partial, references=ctx.references)
    if found:
        raise errors.ValidationError(found)


def _attachments(conn: sqlite3.Connection, account: AccountRow,
                 ids: list[str]) -> list[models.Attachment]:
    out = []
    for attachment_id in ids:
        row = conn.execute("SELECT * FROM attachments WHERE id = ? AND account_id = ?",
                           (attachment_id, account.id)).fetchone()
        if row is None:  # someone else's or unknown: never linked, never revealed
            raise errors.ValidationError([errors.FieldError("attachments", "电子件不存在")])
        out.append(attachment_model(row))
    return out


def to_model(conn: sqlite3.Connection, row: sqlite3.Row) -> models.Record:
    ids = json.loads(row["attachments"])
    attachments = []
    for attachment_id in ids:
        found = conn.execute("SELECT * FROM attachments WHERE id = ?",
                             (attachment_id,)).fetchone()
        if found is not None:
            attachments.append(attachment_model(found))
    return models.Record(
        id=row["id"], spec=row["spec"], status=row["status"], data=json.loads(row["data"]),
        attachments=attachments, reject_reason=row["reject_reason"],
        updated_at=db.dt_required(row["updated_at"]), submitted_at=db.dt(row["submitted_at"]))


def get_row(conn: sqlite3.Connection, account: AccountRow, kind: Kind,
            record_id: int | None = None) -> sqlite3.Row:
    """The account's own record; another account's id is simply not found."""
    if record_id is None:
        row = conn.execute("SELECT * FROM records WHERE account_id = ? AND kind = 'profile'",
                           (account.id,)).fetchone()
    else:
        row = conn.execute("SELECT * FROM records WHERE id = ? AND account_id = ? AND kind = ?",
                           (record_id, account.id, kind)).fetchone()
    if row is None:
        raise errors.HyError(errors.NOT_FOUND)
    return row


def get(conn: sqlite3.Connection, account: AccountRow, kind: Kind,
        record_id: int | None = None) -> models.Record:
    return to_model(conn, get_row(conn, account, kind, record_id))


def list_records(conn: sqlite3.Connection, account: AccountRow,
                 kind: Kind) -> list[models.Record]:
    rows = conn.execute("SELECT * FROM records WHERE account_id = ? AND kind = ? ORDER BY id",
                        (account.id, kind)).fetchall()
    return [to_model(conn, r) for r in rows]


def create(conn: sqlite3.Connection, ctx: Context, account: AccountRow, kind: Kind,
           body: models.RecordWrite) -> models.Record:
    spec = spec_for(kind, account)
    _check(ctx, spec, body.data, partial=True)
    _attachments(conn, account, body.attachments)
    cur = conn.execute(
        "INSERT INTO records (account_id, kind, spec, status, data, attachments, updated_at)"
        " VALUES (?, ?, ?, 'draft', ?, ?, ?)",
        (account.id, kind, spec, json.dumps(body.data, ensure_ascii=False),
         json.dumps(body.attachments), db.ts(ctx.now())))
    return get(conn, account, kind, int(cur.lastrowid or 0))


def save(conn: sqlite3.Connection, ctx: Context, account: AccountRow, kind: Kind,
         record_id: int | None, body: models.RecordWrite) -> models.Record:
    row = get_row(conn, account, kind, record_id)
    if row["status"] not in EDITABLE:
        raise errors.HyError(errors.CONFLICT, row["status"])
    _check(ctx, row["spec"], body.data, partial=True)
    _attachments(conn, account, body.attachments)
    conn.execute(
        "UPDATE records SET status = 'draft', data = ?, attachments = ?, reject_reason = '',"
        " updated_at = ?, submitted_at = NULL WHERE id = ?",
        (json.dumps(body.data, ensure_ascii=False), json.dumps(body.attachments),
         db.ts(ctx.now()), row["id"]))
    return get(conn, account, kind, row["id"])


def submit(conn: sqlite3.Connection, ctx: Context, account: AccountRow, kind: Kind,
           record_id: int | None) -> models.Record:
    row = get_row(conn, account, kind, record_id)
    if row["status"] not in SUBMITTABLE:
        raise errors.HyError(errors.CONFLICT, row["status"])
    _check(ctx, row["spec"], json.loads(row["data"]), partial=False)
    missing = get_spec(row["spec"]).attachments_error(len(json.loads(row["attachments"])))
    if missing is not None:
        raise errors.ValidationError([missing])
    status = "approved" if kind == "profile" and account.user_type == "bidder" else "submitted"
    now = db.ts(ctx.now())
    conn.execute("UPDATE records SET status = ?, submitted_at = ?, updated_at = ? WHERE id = ?",
                 (status, now, now, row["id"]))
    return get(conn, account, kind, row["id"])


def delete(conn: sqlite3.Connection, account: AccountRow, kind: Kind, record_id: int) -> None:
    row = get_row(conn, account, kind, record_id)
    if row["status"] not in SUBMITTABLE:
        raise errors.HyError(errors.CONFLICT, row["status"])
    conn.execute("DELETE FROM records WHERE id = ?", (row["id"],))


# --- the reviewers' side ------------------------------------------------------------------
def review_queue(conn: sqlite3.Connection, *, all_states: bool = False) -> list[models.ReviewItem]:
    rows = conn.execute(
        "SELECT r.id, r.kind, r.status, r.submitted_at, a.username FROM records r"
        " JOIN accounts a ON a.id = r.account_id WHERE ? OR r.status = 'submitted'"
        " ORDER BY r.submitted_at, r.id", (all_states,)).fetchall()
    return [models.ReviewItem(kind=r["kind"], id=r["id"], account=r["username"],
                              status=r["status"], submitted_at=db.dt(r["submitted_at"]))
            for r in rows]


def decide(conn: sqlite3.Connection, ctx: Context, record_id: int, *, approve: bool,
           reason: str = "") -> models.ReviewItem:
    """``record_id`` is in range: the CLI's ``row_id`` checks it, as ``RowId`` does on routes."""
    row = conn.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise errors.HyError(errors.NOT_FOUND)
    if row["status"] != "submitted":
        raise errors.HyError(errors.CONFLICT, row["status"])
    if not approve and not reason.strip():
        raise errors.ValidationError([errors.FieldError("reason", "请填写退回原因")])
    conn.execute("UPDATE records SET status = ?, reject_reason = ?, updated_at = ? WHERE id = ?",
                 ("approved" if approve else "rejected", "" if approve else reason.strip(),
                  db.ts(ctx.now()), record_id))
    return next(i for i in review_queue(conn, all_states=True) if i.id == record_id)
