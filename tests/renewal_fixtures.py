"""What renewal tests share (core and GUI): a token holding a key whose certificate expires in
20 days, written with external tools only, and bids written into the sandbox's database."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from hy_client.sandbox import softhsm
from hy_client.sandbox.demo import uscc
from tests.softhsm_fixtures import SO_PIN

ORG = "衡阳市延期测试建设有限公司"
PIN = "246810"
_labels = count()


def unit_code(cert: x509.Certificate) -> str:
    """The 统一社会信用代码 a certificate's subject names: register the account with it, as the
    platform activates a certificate only into the account its subject names (A200)."""
    return str(cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value)


def make_token(provisioned: Any, *, key: str = "ec",
               days: int = 20) -> tuple[str, x509.Certificate]:
    """A token written with external tools only (as when a key is plugged in), its certificate
    naming a unit of its own (one account per 统一社会信用代码, A201)."""
    n = next(_labels)
    label = f"renew-{n}-{key}"
    provisioned.env.init_token(label, SO_PIN, PIN)
    private = (ec.generate_private_key(ec.SECP256R1()) if key == "ec"
               else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    now = datetime.now(UTC)
    cert = provisioned.ca.issue(private.public_key(), cn=ORG, organization=ORG,
                                uscc=uscc(f"91430400MA4R{n:04d}Y"),
                                not_before=now - timedelta(days=345),
                                not_after=now + timedelta(days=days))
    softhsm.pkcs11_tool_write(provisioned.env, provisioned.module, label, PIN, private, cert,
                              b"\x01", f"{ORG} 签名证书", decrypt=key != "ec")
    return label, cert



def _db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "sandbox.sqlite3", timeout=10, isolation_level=None)


def insert_bid(data_dir: Path, account_id: int, code: str, opens_in: timedelta,
               cert_sha256: str) -> int:
    """A bid encrypted to ``cert_sha256``, opening ``opens_in`` from now (deadline the same)."""
    when = (datetime.now(UTC) + opens_in).timestamp()
    conn = _db(data_dir)
    try:
        cur = conn.execute(
            "INSERT INTO bids (account_id, project_code, project_name, documents_downloaded_at,"
            " bid_deadline, bid_opening, cert_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (account_id, code, f"测试项目{code}", when - 86400 * 3, when, when, cert_sha256))
        return int(cur.lastrowid or 0)
    finally:
        conn.close()


def move_bid(data_dir: Path, bid_id: int, opens_in: timedelta) -> None:
    when = (datetime.now(UTC) + opens_in).timestamp()
    conn = _db(data_dir)
    try:
        conn.execute("UPDATE bids SET bid_opening = ?, bid_deadline = ? WHERE id = ?",
                     (when, when, bid_id))
    finally:
        conn.close()
