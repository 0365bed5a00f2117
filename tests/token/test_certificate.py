"""Certificate parsing on raw DER (no token): Chinese names, USCC, status, key types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hy_client import errors
from hy_client.token.certificate import find_uscc, parse_certificate
from tests.softhsm_fixtures import ORG, VALID_USCC

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _der(ca, *, key=None, **kw) -> bytes:
    key = key or ec.generate_private_key(ec.SECP256R1())
    cert = ca.issue(key.public_key(), not_before=NOW - timedelta(days=10), **kw)
    return cert.public_bytes(serialization.Encoding.DER)


def test_chinese_subject_and_uscc(test_ca):
    der = _der(test_ca, cn="张三", organization=ORG, uscc=VALID_USCC, days=100)
    info = parse_certificate(der, now=NOW, cert_id=b"\x01", label="签名")
    assert info.error is None
    assert info.subject_cn == "张三" and info.organization == ORG
    assert f"O={ORG}" in info.subject and f"serialNumber={VALID_USCC}" in info.subject
    assert info.uscc == VALID_USCC and info.uscc_invalid is None
    assert info.id == "01" and info.label == "签名"
    assert info.key_algorithm == "EC-P256"
    assert info.key_usage == ["digital_signature", "key_encipherment"]
    assert info.days_left == 90 and info.status == "valid"
    assert info.not_after is not None and info.not_after.tzinfo is not None
    js = info.to_json()
    assert js["not_after"].endswith("Z") and js["error"] is None and js["id"] == "01"


def test_uscc_with_wrong_check_character_is_not_reported_as_valid(test_ca):
    wrong = VALID_USCC[:17] + ("0" if VALID_USCC[17] != "0" else "1")
    info = parse_certificate(_der(test_ca, cn="x", uscc=wrong), now=NOW)
    assert info.uscc is None and info.uscc_invalid == wrong


def test_uscc_in_ou_or_inside_cn():
    ou = x509.Name([x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"USCC:{VALID_USCC}")])
    cn = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"某某公司({VALID_USCC})")])
    assert find_uscc(ou) == (VALID_USCC, None)
    assert find_uscc(cn) == (VALID_USCC, None)
    assert find_uscc(x509.Name([])) == (None, None)


def test_statuses(test_ca):
    der = _der(test_ca, cn="x", days=40)  # valid from NOW-10d to NOW+30d
    assert parse_certificate(der, now=NOW).status == "valid"
    assert parse_certificate(der, now=NOW + timedelta(days=5)).status == "expiring"
    expired = parse_certificate(der, now=NOW + timedelta(days=31))
    assert expired.status == "expired" and expired.days_left is not None
    assert expired.days_left < 0
    assert parse_certificate(der, now=NOW - timedelta(days=11)).status == "not_yet_valid"


def test_garbage_is_reported_not_raised():
    info = parse_certificate(b"\x30\x03abc", cert_id=b"\x09")
    assert info.error is errors.CERT_UNPARSEABLE and info.status == "invalid"
    assert not info.usable_for_login and info.to_json()["error"]["code"] == "T111"


def test_sm2_recognised_by_curve_oid(test_ca):
    der = _der(test_ca, cn="国密")
    p256 = bytes.fromhex("06082a8648ce3d030107")
    sm2 = bytes.fromhex("06082a811ccf5501822d")  # 1.2.156.10197.1.301, same length
    info = parse_certificate(der.replace(p256, sm2), now=NOW, has_private_key=True)
    assert info.error is None and info.key_algorithm == "SM2"
    assert not info.usable_for_login


def test_rsa_usable_for_login_needs_a_key(test_ca):
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = _der(test_ca, key=key, cn="x")
    assert parse_certificate(der, has_private_key=True).key_algorithm == "RSA-2048"
    assert parse_certificate(der, has_private_key=True).usable_for_login
    assert parse_certificate(der, has_private_key=None).usable_for_login
    assert not parse_certificate(der, has_private_key=False).usable_for_login
