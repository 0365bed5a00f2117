"""Online certificate renewal (在线延期): the platform's rules, as the sandbox plays them.

A bidder's client sends a PKCS#10 request signed by a key it just generated on the token, with
proof of the current certificate (hy-auth:1 over the login message plus the CSR's hash). The
account's payment and approval are simulated: approved at once, or held for a reviewer
(``sandbox review approve-renewal``). The test CA then issues a certificate with the current
certificate's subject, a new serial and a new validity. The activation moves to the new
certificate only when the client proves it holds the new key (``activate``), in one
transaction: the account is bound to exactly one of the two at any moment.

One renewal per CSR: the same request again (another Idempotency-Key, a resumed client)
answers the renewal already made, so no second certificate is ever issued for one key.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from .. import auth, errors
from ..api import models
from . import db, identity
from .ca import TestCA
from .service import AccountRow, Context, _activation, _bound_account, _nonce_consumer

RENEWED_DAYS = 365
CSR_MAX = 12 * 1024


def _model(row: sqlite3.Row, ca: TestCA | None) -> models.Renewal:
    cert = bytes(row["certificate"] or b"")
    chain = ([auth.b64encode(c.public_bytes(Encoding.DER)) for c in (ca.issuing, ca.root)]
             if cert and ca is not None else [])
    return models.Renewal(
        id=row["id"], state=row["state"], old_cert_sha256=row["old_cert_sha256"],
        csr_sha256=row["csr_sha256"], certificate=auth.b64encode(cert) if cert else "", chain=chain,
        cert_sha256=row["cert_sha256"], not_after=db.dt(row["not_after"]),
        reject_reason=row["reject_reason"], created_at=db.dt_required(row["created_at"]))


def _issue_renewed(ca: TestCA, old: x509.Certificate, public_key: object, now: datetime
                   ) -> x509.Certificate:
    """The old certificate again with the new key: its subject (so its 统一社会信用代码 or
    身份证号, the identity activation checks), its key usages, and its extended key usages with
    clientAuth always among them (the platform logs in only with such a certificate)."""
    try:
        usage: x509.KeyUsage | None = old.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    try:
        extended = list(old.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        extended = []
    if ExtendedKeyUsageOID.CLIENT_AUTH not in extended:
        extended.append(ExtendedKeyUsageOID.CLIENT_AUTH)
    return ca.issue_for(
        public_key, old.subject, not_before=now - timedelta(hours=1),
        not_after=now + timedelta(days=RENEWED_DAYS), digital_signature=True,
        key_encipherment=usage.key_encipherment if usage is not None else True,
        key_agreement=usage.key_agreement if usage is not None else False,
        extended_usages=extended)


def _load_csr(text: str) -> tuple[bytes, x509.CertificateSigningRequest]:
    try:
        der = auth.b64decode_strict(text)
    except errors.HyError:
        raise errors.HyError(errors.RENEWAL_CSR_INVALID, "base64") from None
    if not der or len(der) > CSR_MAX:
        raise errors.HyError(errors.RENEWAL_CSR_INVALID, "size")
    try:
        csr = x509.load_der_x509_csr(der)
        public = csr.public_key()
        valid = csr.is_signature_valid
    except (ValueError, TypeError, x509.UnsupportedGeneralNameType):
        raise errors.HyError(errors.RENEWAL_CSR_INVALID, "DER") from None
    except Exception:  # an unsupported key algorithm (SM2 here), anything else unparsable
        raise errors.HyError(errors.RENEWAL_CSR_INVALID, "key algorithm") from None
    if not valid:
        raise errors.HyError(errors.RENEWAL_CSR_INVALID, "signature")
    if isinstance(public, rsa.RSAPublicKey):
        if public.key_size < 2048:
            raise errors.HyError(errors.RENEWAL_CSR_INVALID, "RSA key too small")
    elif not (isinstance(public, ec.EllipticCurvePublicKey)
              and isinstance(public.curve, ec.SECP256R1 | ec.SECP384R1)):
        raise errors.HyError(errors.RENEWAL_CSR_INVALID, "key algorithm")
    return der, csr


def request(conn: sqlite3.Connection, ctx: Context, client: str, account: AccountRow,
            body: models.RenewalRequest, *, ca: TestCA, review: bool) -> models.Renewal:
    """Check the proof and the CSR, record the renewal, issue at once unless ``review``."""
    csr_der, csr = _load_csr(body.csr)
    csr_sha = hashlib.sha256(csr_der).hexdigest()
    existing = conn.execute("SELECT * FROM renewals WHERE csr_sha256 = ?",
                            (csr_sha,)).fetchone()
    if existing is not None:  # a resumed client: the renewal already made, never a second one
        if existing["account_id"] != account.id:
            raise errors.HyError(errors.CONFLICT, "CSR already used")
        return _model(existing, ca)
    verified = auth.validate_auth_token(
        body.nonce, body.auth_token, origin=ctx.origin, trust=ctx.trust(), now=ctx.now(),
        consume_nonce=_nonce_consumer(conn, ctx, client),
        is_bound=lambda v: _bound_account(conn, v.sha256) == account.id,
        message=auth.renewal_message(ctx.origin, body.nonce, csr_der))
    # a certificate bound before the identity rule renews only into the account it names
    identity.check_certificate_holder(conn, account.id, verified.serial_number)
    old_public = auth.certificate_key(verified.certificate, verified.der)  # SM2 too
    if csr.public_key() == old_public:
        raise errors.HyError(errors.RENEWAL_CSR_INVALID, "the new key is the current key")
    now = ctx.now()
    cur = conn.execute(
        "INSERT INTO renewals (account_id, old_cert_sha256, old_certificate, csr_sha256, csr,"
        " state, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
        (account.id, verified.sha256, verified.der, csr_sha, csr_der, db.ts(now)))
    renewal_id = int(cur.lastrowid or 0)
    if not review:
        return decide(conn, ctx, ca, renewal_id, approve=True)
    return get(conn, account, renewal_id, ca)


def decide(conn: sqlite3.Connection, ctx: Context, ca: TestCA, renewal_id: int, *,
           approve: bool, reason: str = "") -> models.Renewal:
    """The reviewer's decision; approval issues the certificate (same subject, new key,
    new serial, new validity from now)."""
    row = conn.execute("SELECT * FROM renewals WHERE id = ?", (renewal_id,)).fetchone()
    if row is None:
        raise errors.HyError(errors.NOT_FOUND)
    if row["state"] != "pending":
        raise errors.HyError(errors.CONFLICT, row["state"])
    now = ctx.now()
    if not approve:
        conn.execute("UPDATE renewals SET state = 'rejected', reject_reason = ?, decided_at = ?"
                     " WHERE id = ?", (reason, db.ts(now), renewal_id))
    else:
        csr = x509.load_der_x509_csr(bytes(row["csr"]))
        old = x509.load_der_x509_certificate(bytes(row["old_certificate"]))
        cert = _issue_renewed(ca, old, csr.public_key(), now)
        der = cert.public_bytes(Encoding.DER)
        conn.execute(
            "UPDATE renewals SET state = 'issued', certificate = ?, cert_sha256 = ?,"
            " not_after = ?, decided_at = ? WHERE id = ?",
            (der, hashlib.sha256(der).hexdigest(), db.ts(cert.not_valid_after_utc),
             db.ts(now), renewal_id))
    row = conn.execute("SELECT * FROM renewals WHERE id = ?", (renewal_id,)).fetchone()
    return _model(row, ca)


def get(conn: sqlite3.Connection, account: AccountRow, renewal_id: int,
        ca: TestCA | None) -> models.Renewal:
    row = conn.execute("SELECT * FROM renewals WHERE id = ? AND account_id = ?",
                       (renewal_id, account.id)).fetchone()
    if row is None:
        raise errors.HyError(errors.NOT_FOUND)
    return _model(row, ca)


def pending(conn: sqlite3.Connection, *, all_states: bool = False) -> list[sqlite3.Row]:
    """The reviewers' list: renewals waiting (or every one), with the account's username."""
    return conn.execute(
        "SELECT r.id, r.state, r.created_at, r.old_cert_sha256, a.username FROM renewals r"
        " JOIN accounts a ON a.id = r.account_id WHERE ? OR r.state = 'pending' ORDER BY r.id",
        (all_states,)).fetchall()


def activate(conn: sqlite3.Connection, ctx: Context, client: str, account: AccountRow,
             renewal_id: int, body: models.RenewalActivation) -> models.Activation:
    """Move the old certificate's activation to the new one, proven by the new key.

    One transaction (the caller's ``db.write``): the old binding's row is updated in place,
    keeping its user type; a repeat after success answers the same activation."""
    row = conn.execute("SELECT * FROM renewals WHERE id = ? AND account_id = ?",
                       (renewal_id, account.id)).fetchone()
    if row is None:
        raise errors.HyError(errors.NOT_FOUND)
    if row["state"] == "pending":
        raise errors.HyError(errors.RENEWAL_PENDING)
    if row["state"] == "rejected":
        raise errors.HyError(errors.RENEWAL_REJECTED, row["reject_reason"][:100])
    new_sha = row["cert_sha256"]
    auth.validate_auth_token(
        body.nonce, body.auth_token, origin=ctx.origin, trust=ctx.trust(), now=ctx.now(),
        consume_nonce=_nonce_consumer(conn, ctx, client), is_bound=None)
    sent = auth.b64decode_strict(body.auth_token.certificate)
    if hashlib.sha256(sent).hexdigest() != new_sha:
        raise errors.HyError(errors.RENEWAL_CSR_INVALID, "not the renewed certificate")
    if row["state"] == "issued":
        cert = x509.load_der_x509_certificate(bytes(row["certificate"]))
        verified = auth.describe_certificate(bytes(row["certificate"]), cert)
        identity.check_certificate_holder(conn, account.id, verified.serial_number)
        cur = conn.execute(
            "UPDATE activations SET cert_sha256 = ?, subject_cn = ?, organization = ?,"
            " not_after = ? WHERE cert_sha256 = ? AND account_id = ?",
            (new_sha, verified.subject_cn, verified.organization, db.ts(verified.not_after),
             row["old_cert_sha256"], account.id))
        if cur.rowcount != 1:
            raise errors.HyError(errors.CERT_NOT_ACTIVATED, "current certificate")
        conn.execute("UPDATE renewals SET state = 'activated' WHERE id = ?", (renewal_id,))
    found = conn.execute("SELECT * FROM activations WHERE cert_sha256 = ? AND account_id = ?",
                         (new_sha, account.id)).fetchone()
    if found is None:
        raise errors.HyError(errors.CERT_NOT_ACTIVATED)
    return _activation(found)
