"""The SM2 test token through python-pkcs11, as the client loads any vendor module.

Its signatures are checked with hy_client.sm2 and, independently, with the openssl command.
"""

from __future__ import annotations

import subprocess

import pkcs11
import pytest
from pkcs11 import Attribute, ObjectClass, TokenFlag

from hy_client import sm2
from hy_client.sandbox import sm2token
from hy_client.token.vendor import vendor_mechanism
from tests.sm2_fixtures import make_sm2_token

SIGN_HASH = vendor_mechanism(sm2token.CKM_SM2_SM3)
SIGN_DIGEST = vendor_mechanism(sm2token.CKM_SM2)
DECRYPT = vendor_mechanism(sm2token.CKM_SM2_ENCRYPT)


@pytest.fixture
def lib(sm2_module, sm2_token):
    lib = pkcs11.lib(sm2_module)
    lib.reinitialize()  # tokens written by other tests since the last C_Initialize
    return lib


def _token(lib, label):
    return lib.get_token(token_label=label)


def test_slots_token_info_and_mechanisms(lib, sm2_token):
    token = _token(lib, sm2_token.label)
    assert token.serial.decode().strip() == sm2_token.serial
    assert token.flags & TokenFlag.LOGIN_REQUIRED and token.flags & TokenFlag.TOKEN_INITIALIZED
    assert {int(m) for m in token.slot.get_mechanisms()} == {
        sm2token.CKM_SM2_SM3, sm2token.CKM_SM2, sm2token.CKM_SM2_ENCRYPT}
    assert lib.manufacturer_id.strip() == "hy-client test"


def test_objects_private_key_only_after_login(lib, sm2_token):
    token = _token(lib, sm2_token.label)
    with token.open() as session:
        certs = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))
        assert [bytes(c[Attribute.VALUE]) for c in certs] == [sm2_token.cert_der]
        assert certs[0][Attribute.LABEL] == "国密签名证书"
        assert list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})) == []
    with token.open(user_pin=sm2_token.pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=sm2_token.key_id)
        assert key[Attribute.EC_PARAMS] == bytes.fromhex("06082a811ccf5501822d")
        with pytest.raises(pkcs11.AttributeSensitive):
            key[Attribute.VALUE]


def _verify_with_openssl(tmp_path, token, message, raw):
    (tmp_path / "cert.der").write_bytes(token.cert_der)
    subprocess.run(["openssl", "x509", "-inform", "DER", "-in", tmp_path / "cert.der",
                    "-pubkey", "-noout", "-out", tmp_path / "pub.pem"], check=True)
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig").write_bytes(sm2.raw_to_der(raw))
    done = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                           tmp_path / "pub.pem", "-rawin", "-digest", "sm3", "-in",
                           tmp_path / "msg", "-sigfile", tmp_path / "sig", "-pkeyopt",
                           "distid:1234567812345678"], capture_output=True, text=True)
    return done.returncode == 0


def test_token_hashes_signature_verifies_here_and_in_openssl(lib, sm2_token, tmp_path):
    message = "衡阳 hy-auth:1 challenge".encode()
    with _token(lib, sm2_token.label).open(user_pin=sm2_token.pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=sm2_token.key_id)
        raw = key.sign(message, mechanism=SIGN_HASH)
        alice = key.sign(message, mechanism=SIGN_HASH, mechanism_param=b"ALICE123@YAHOO.COM")
    public = sm2_token.key.public
    assert len(raw) == 64
    assert sm2.verify(public, message, raw)
    assert not sm2.verify(public, message + b".", raw)
    assert _verify_with_openssl(tmp_path, sm2_token, message, raw)
    # the mechanism parameter is the ID that goes into Z_A
    assert sm2.verify(public, message, alice, b"ALICE123@YAHOO.COM")
    assert not sm2.verify(public, message, alice)


def test_caller_hashes_variant_signs_the_digest(lib, sm2_token):
    message = b"bid opening"
    e = sm2.digest(sm2_token.key.public.point, message)
    with _token(lib, sm2_token.label).open(user_pin=sm2_token.pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=sm2_token.key_id)
        raw = key.sign(e, mechanism=SIGN_DIGEST)
        with pytest.raises(pkcs11.DataLenRange):
            key.sign(message, mechanism=SIGN_DIGEST)  # not a 32-byte digest
    assert sm2.verify(sm2_token.key.public, message, raw)


def test_decrypts_gmt0009_ciphertext(lib, sm2_token):
    secret = b"bid key 0123456789abcdef"
    with _token(lib, sm2_token.label).open(user_pin=sm2_token.pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=sm2_token.key_id)
        clear = key.decrypt(sm2.encrypt(sm2_token.key.public, secret), mechanism=DECRYPT)
    assert bytes(clear) == secret


def test_der_token_and_restricted_mechanisms(lib, sm2_root, sm2_ca):
    tok = make_sm2_token(sm2_root, sm2_ca, label="HY-SM2-DER", serial="SM2DER000001",
                         mechanisms=("digest",), sig_encoding="der")
    lib.reinitialize()
    token = _token(lib, tok.label)
    assert {int(m) for m in token.slot.get_mechanisms()} == {sm2token.CKM_SM2}
    with token.open(user_pin=tok.pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=tok.key_id)
        der = key.sign(sm2.digest(tok.key.public.point, b"m"), mechanism=SIGN_DIGEST)
        with pytest.raises(pkcs11.MechanismInvalid):
            key.sign(b"m", mechanism=SIGN_HASH)
    assert der[0] == 0x30 and sm2.verify(tok.key.public, b"m", sm2.der_to_raw(der))


def test_pin_tries_counter_and_lock(lib, sm2_root, sm2_ca):
    tok = make_sm2_token(sm2_root, sm2_ca, label="HY-SM2-PIN", serial="SM2PIN000001",
                         max_tries=3)
    lib.reinitialize()
    with pytest.raises(pkcs11.PinIncorrect):
        _token(lib, tok.label).open(user_pin="000000")
    assert _token(lib, tok.label).flags & TokenFlag.USER_PIN_COUNT_LOW
    _token(lib, tok.label).open(user_pin=tok.pin).close()  # a right PIN restores the count
    assert not _token(lib, tok.label).flags & TokenFlag.USER_PIN_COUNT_LOW
    for _ in range(2):
        with pytest.raises(pkcs11.PinIncorrect):
            _token(lib, tok.label).open(user_pin="000000")
    assert _token(lib, tok.label).flags & TokenFlag.USER_PIN_FINAL_TRY
    with pytest.raises(pkcs11.PinLocked):
        _token(lib, tok.label).open(user_pin="000000")
    assert _token(lib, tok.label).flags & TokenFlag.USER_PIN_LOCKED
    with pytest.raises(pkcs11.PinLocked):
        _token(lib, tok.label).open(user_pin=tok.pin)
    lib.reinitialize()  # the counter is kept in the token's directory
    assert _token(lib, tok.label).flags & TokenFlag.USER_PIN_LOCKED
