"""A real key, non-destructively: list, PIN flags, log in, sign, self-test (see conftest)."""

from __future__ import annotations

import os

import pytest
from cryptography import x509

from hy_client.token.mechanisms import verify

from .conftest import TIMEOUT, Device


def test_the_key_is_listed_with_its_certificates(device: Device):
    token = device.token
    assert token.serial and token.label
    assert token.flags.token_initialized
    certs = device.certificates()
    assert certs, "the key holds no readable certificate"
    for cert in certs:
        assert cert.subject_cn and cert.not_after is not None
        assert len(cert.sha256) == 64


def test_pin_flags_are_readable(device: Device):
    flags = device.service.token_flags(device.serial).result(TIMEOUT)
    assert flags.token_initialized
    assert not flags.user_pin_locked, "the PIN is locked: unlock it at the CA first"


def test_each_login_certificate_signs_a_challenge_the_platform_would_accept(logged_in: Device):
    challenge = os.urandom(64)
    signed = 0
    token = logged_in.service.token_info(logged_in.serial).result(TIMEOUT)
    for cert in token.certificates:
        if cert.error is not None or not cert.has_private_key:
            continue
        public = x509.load_der_x509_certificate(cert.der).public_key()
        algorithm = ("RS256" if cert.key_algorithm.startswith("RSA") else
                     "ES384" if cert.key_algorithm == "EC-P384" else "ES256")
        if not cert.key_algorithm.startswith(("RSA", "EC-")):
            continue  # SM2 and others: the self-test below reports them
        signature = logged_in.service.sign(logged_in.serial, cert.id, challenge, algorithm
                                           ).result(TIMEOUT)
        assert verify(public, algorithm, challenge, signature), cert.subject_cn
        signed += 1
    if not signed:
        pytest.skip("no RSA/EC certificate with a private key on this key")


def test_self_test_signs_and_decrypts_on_the_key(logged_in: Device):
    token = logged_in.service.token_info(logged_in.serial).result(TIMEOUT)
    tested = [logged_in.service.self_test(logged_in.serial, c.id).result(TIMEOUT)
              for c in token.certificates if c.error is None and c.has_private_key]
    if not tested:
        pytest.skip("no certificate with a private key on this key")
    # every key signs; a key whose certificate allows encryption must also decrypt (bid opening)
    usages = {c.id: set(c.key_usage) for c in token.certificates}
    failed = [(r.cert_id, r.detail) for r in tested if not r.signature_ok or (
        r.decrypt_ok is False and usages[r.cert_id] & {"key_encipherment", "data_encipherment"})]
    assert not failed
