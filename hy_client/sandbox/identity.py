"""Whose account, whose certificate: one account per 统一社会信用代码 (unit) or 身份证号 (natural
person), and a certificate activates only into the account its subject names.

The certificate's code is its subject serialNumber (where CAs put the USCC or ID number). A
certificate carrying none cannot be matched and is accepted as before; the real platform's CA
certificates always carry one.
"""

from __future__ import annotations

import json
import sqlite3

from .. import errors

CODE_FIELDS = {"unit": "uscc", "person": "id_number"}


def account_code(kind: str, registration: str | dict[str, str]) -> str:
    """The account's USCC (unit) or ID number (person), upper case; "" when not registered."""
    data = json.loads(registration) if isinstance(registration, str) else registration
    value = data.get(CODE_FIELDS.get(kind, ""), "") if isinstance(data, dict) else ""
    return str(value or "").strip().upper()


def check_unregistered(conn: sqlite3.Connection, kind: str, data: dict[str, str]) -> None:
    """A second account for the same unit or person is refused (A201)."""
    code = account_code(kind, data)
    if not code:
        return
    for row in conn.execute("SELECT kind, registration FROM accounts WHERE kind = ?", (kind,)):
        if account_code(row["kind"], row["registration"]) == code:
            raise errors.HyError(errors.IDENTITY_ALREADY_REGISTERED)


def check_certificate_holder(conn: sqlite3.Connection, account_id: int,
                             serial_number: str) -> None:
    """The certificate's subject code must be the account's own (A200)."""
    code = serial_number.strip().upper()
    if not code:
        return
    row = conn.execute("SELECT kind, registration FROM accounts WHERE id = ?",
                       (account_id,)).fetchone()
    mine = account_code(row["kind"], row["registration"]) if row is not None else ""
    if code != mine:
        raise errors.HyError(errors.CERT_IDENTITY_MISMATCH)
