"""Mechanism choice and verification need no token: checked on plain mechanism sets and keys."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from pkcs11 import KeyType, Mechanism

from hy_client.errors import HyError
from hy_client.token.mechanisms import choose_mechanism, verify


def test_the_token_hashes_when_it_can_else_the_host_does():
    assert choose_mechanism("RS256", KeyType.RSA, {Mechanism.SHA256_RSA_PKCS,
                                                   Mechanism.RSA_PKCS})[::2] == (
        Mechanism.SHA256_RSA_PKCS, None)
    mech, param, prepare = choose_mechanism("RS256", KeyType.RSA, {Mechanism.RSA_PKCS})
    assert mech == Mechanism.RSA_PKCS and param is None and prepare is not None
    assert prepare(b"x").endswith(hashlib.sha256(b"x").digest())
    assert len(prepare(b"x")) == 19 + 32  # DigestInfo prefix + digest
    mech, _param, prepare = choose_mechanism("ES384", KeyType.EC, {Mechanism.ECDSA})
    assert mech == Mechanism.ECDSA and prepare is not None
    assert prepare(b"x") == hashlib.sha384(b"x").digest()


@pytest.mark.parametrize(("algorithm", "key_type", "mechanisms"), [
    ("ES256", KeyType.RSA, {Mechanism.ECDSA}),  # algorithm and key disagree
    ("PS256", KeyType.RSA, {Mechanism.SHA256_RSA_PKCS}),  # no PSS on the token
    ("ES256", KeyType.EC, set()),
])
def test_no_usable_mechanism_is_a_catalogue_error(algorithm, key_type, mechanisms):
    with pytest.raises(HyError) as caught:
        choose_mechanism(algorithm, key_type, mechanisms)
    assert caught.value.code.startswith("T")


def test_verify_accepts_raw_ecdsa_and_rsa_and_refuses_a_changed_message():
    data = b"challenge"
    ec_key = ec.generate_private_key(ec.SECP256R1())
    r, s = decode_dss_signature(ec_key.sign(data, ec.ECDSA(hashes.SHA256())))
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    assert verify(ec_key.public_key(), "ES256", data, raw)
    assert not verify(ec_key.public_key(), "ES256", data + b"!", raw)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signature = rsa_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    assert verify(rsa_key.public_key(), "RS256", data, signature)
    assert not verify(rsa_key.public_key(), "PS256", data, signature)
