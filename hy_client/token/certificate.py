"""Certificate parsing that needs no token: the GUI, renewal advice and the sandbox use it on DER.

A certificate that does not parse becomes a ``CertificateInfo`` with ``error`` set, never an
exception: a token holding one damaged object must still list its other certificates.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from .. import errors
from ..forms.validators import USCC_CHARSET, check_uscc
from .models import CertificateInfo, CertStatus

SM2_CURVE_OID = "1.2.156.10197.1.301"
# The DER of that OID: how it appears inside SubjectPublicKeyInfo (cryptography cannot load it).
_SM2_OID_DER = bytes.fromhex("06082a811ccf5501822d")
EXPIRING_DAYS = 30

_USCC_SHAPE = re.compile(rf"(?<![0-9A-Z])[{USCC_CHARSET}]{{18}}(?![0-9A-Z])")
_CURVES = {"secp256r1": "EC-P256", "secp384r1": "EC-P384", "secp521r1": "EC-P521"}
_KEY_USAGES = ("digital_signature", "content_commitment", "key_encipherment",
               "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign")


def parse_certificate(der: bytes, *, now: datetime | None = None, cert_id: bytes = b"",
                      label: str = "", has_private_key: bool | None = None,
                      expiring_days: int = EXPIRING_DAYS) -> CertificateInfo:
    """Describe one DER certificate; ``now`` (aware) fixes the clock for days left and status."""
    sha256 = hashlib.sha256(der).hexdigest()
    try:
        cert = x509.load_der_x509_certificate(der)
        return _describe(cert, der, sha256, now or datetime.now(UTC), cert_id, label,
                         has_private_key, expiring_days)
    except Exception as exc:  # any malformed field: report, do not crash the listing
        return CertificateInfo(
            id=cert_id.hex(), label=label, subject="", subject_cn="", organization="",
            uscc=None, issuer="", serial="", not_before=None, not_after=None, days_left=None,
            status="invalid", key_algorithm="", key_usage=[], sha256=sha256,
            has_private_key=has_private_key, error=errors.CERT_UNPARSEABLE,
            error_detail=type(exc).__name__, der=der)


def _describe(cert: x509.Certificate, der: bytes, sha256: str, now: datetime, cert_id: bytes,
              label: str, has_private_key: bool | None, expiring_days: int) -> CertificateInfo:
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    days_left = int((not_after - now).total_seconds() // 86400)
    uscc, uscc_invalid = find_uscc(cert.subject)
    return CertificateInfo(
        id=cert_id.hex(), label=label, subject=_rfc4514(cert.subject),
        subject_cn=_first(cert.subject, NameOID.COMMON_NAME),
        organization=_first(cert.subject, NameOID.ORGANIZATION_NAME),
        uscc=uscc, uscc_invalid=uscc_invalid, issuer=_rfc4514(cert.issuer),
        serial=format(cert.serial_number, "X"), not_before=not_before, not_after=not_after,
        days_left=days_left, status=cert_status(not_before, not_after, now, expiring_days),
        key_algorithm=key_algorithm(cert), key_usage=key_usage(cert), sha256=sha256,
        has_private_key=has_private_key, der=der)


def cert_status(not_before: datetime, not_after: datetime, now: datetime,
                expiring_days: int = EXPIRING_DAYS) -> CertStatus:
    if now < not_before:
        return "not_yet_valid"
    if now >= not_after:
        return "expired"
    if (not_after - now).total_seconds() < expiring_days * 86400:
        return "expiring"
    return "valid"


def _rfc4514(name: x509.Name) -> str:
    """RFC 4514 text with Chinese intact and serialNumber by name (not 2.5.4.5)."""
    return name.rfc4514_string({NameOID.SERIAL_NUMBER: "serialNumber"})


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def find_uscc(subject: x509.Name) -> tuple[str | None, str | None]:
    """The 统一社会信用代码 in a subject: (valid code, or None; a wrongly checked one, or None).

    CAs put it in serialNumber (sometimes with a prefix), in an OU, or inside the CN.
    """
    invalid = None
    for oid in (NameOID.SERIAL_NUMBER, NameOID.ORGANIZATIONAL_UNIT_NAME, NameOID.COMMON_NAME):
        for attr in subject.get_attributes_for_oid(oid):
            for candidate in _USCC_SHAPE.findall(str(attr.value).upper()):
                if check_uscc(candidate):
                    return candidate, None
                invalid = invalid or candidate
    return None, invalid


def key_algorithm(cert: x509.Certificate) -> str:
    """``RSA-2048``, ``EC-P256``…; ``SM2`` by its curve OID, which cryptography cannot load."""
    if _SM2_OID_DER in cert.tbs_certificate_bytes:
        return "SM2"
    try:
        key = cert.public_key()
    except Exception:
        return f"unknown ({cert.public_key_algorithm_oid.dotted_string})"
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA-{key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return _CURVES.get(key.curve.name, f"EC-{key.curve.name}")
    return type(key).__name__


def key_usage(cert: x509.Certificate) -> list[str]:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return []
    names = [n for n in _KEY_USAGES if getattr(usage, n)]
    if usage.key_agreement:
        names += [n for n in ("encipher_only", "decipher_only") if getattr(usage, n)]
    return names
