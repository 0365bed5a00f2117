"""hy_client.sm2 against the standards' worked examples and OpenSSL's command line."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from hy_client import errors, sm2

# GB/T 32918.2-2016 (GM/T 0003.2) Annex A: the example curve over F_p-256, ID ALICE123@YAHOO.COM
EXAMPLE_CURVE = sm2.Curve(
    p=0x8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3,
    a=0x787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498,
    b=0x63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A,
    n=0x8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7,
    gx=0x421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D,
    gy=0x0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2)
ALICE_POINT = bytes.fromhex(
    "04" "0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A"
    "7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857")
# GB/T 32918.5-2017 (GM/T 0003.5) Annex A.2: the recommended curve, the default ID.
STD_PUBLIC = sm2.PublicKey(bytes.fromhex(
    "04" "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"))
STD_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA")


def test_sm3_standard_examples():
    assert sm2.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    assert sm2.sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")


def test_z_a_and_e_of_the_annex_a_example():
    za = sm2.z_a(ALICE_POINT, b"ALICE123@YAHOO.COM", EXAMPLE_CURVE)
    assert za.hex().upper() == "F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A"
    assert sm2.sm3(za + b"message digest").hex().upper() == (
        "B524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76")


def test_standard_signature_verifies_only_under_its_id_and_message():
    assert sm2.verify(STD_PUBLIC, b"message digest", STD_SIGNATURE)
    assert not sm2.verify(STD_PUBLIC, b"message digest", STD_SIGNATURE, b"ALICE123@YAHOO.COM")
    assert not sm2.verify(STD_PUBLIC, b"message digest.", STD_SIGNATURE)
    assert not sm2.verify(STD_PUBLIC, b"message digest", sm2.raw_to_der(STD_SIGNATURE))


def test_sign_verify_encrypt_roundtrip_and_der_conversion():
    key = sm2.PrivateKey.generate()
    raw = key.sign(b"m")
    assert sm2.verify(key.public, b"m", raw)
    assert sm2.der_to_raw(sm2.raw_to_der(raw)) == raw
    assert key.decrypt(sm2.encrypt(key.public, b"secret")) == b"secret"
    with pytest.raises(errors.HyError):
        sm2.raw_to_der(raw + b"\0")


def test_openssl_cli_signature_verifies_here(tmp_path):
    """OpenSSL's `pkeyutl -sign -rawin -digest sm3 distid:…`, the reference outside this code."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command")
    key = sm2.PrivateKey.generate()
    (tmp_path / "key.pem").write_bytes(key.pem)
    (tmp_path / "msg").write_bytes(b"hy-auth:1")
    subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", tmp_path / "key.pem", "-rawin",
                    "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in",
                    tmp_path / "msg", "-out", tmp_path / "sig"], check=True)
    der = (tmp_path / "sig").read_bytes()
    assert sm2.verify(key.public, b"hy-auth:1", sm2.der_to_raw(der))
    assert not sm2.verify(key.public, b"hy-auth:1", sm2.der_to_raw(der), b"1234567812345679")


def test_c1c3c2_is_the_gmt0009_ciphertext_rearranged():
    from asn1crypto import core

    key = sm2.PrivateKey.generate()
    der = sm2.encrypt(key.public, b"bid key")
    raw = sm2.ciphertext_c1c3c2(der)
    assert raw[0] == 4 and len(raw) == 65 + 32 + len(b"bid key")
    x, y = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:65], "big")
    spec = [("x", core.Integer), ("y", core.Integer), ("hash", core.OctetString),
            ("ciphertext", core.OctetString)]
    rebuilt = type("C", (core.Sequence,), {"_fields": spec})(
        {"x": x, "y": y, "hash": raw[65:97], "ciphertext": raw[97:]}).dump()
    assert rebuilt == der and key.decrypt(rebuilt) == b"bid key"
    with pytest.raises(errors.HyError):
        sm2.ciphertext_c1c3c2(b"\x30\x03\x02\x01\x01")
