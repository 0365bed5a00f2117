"""SM2 through TokenService on the SM2 test token, with conventions from a signed catalogue.

The bundled catalogue's private key is not in the repository, so these catalogues are signed
with a test key and trusted the way a configured key is (``load_catalogue`` with that key).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hy_client import errors, sm2
from hy_client.drivers import catalogue as cat
from hy_client.drivers.sm2 import resolver
from hy_client.errors import HyError
from hy_client.sandbox import sm2token
from hy_client.token.service import TokenService
from tests.sm2_fixtures import make_sm2_token

KEY = Ed25519PrivateKey.generate()


def signed_catalogue(module: str, sm2_description, *, hints_only: bool = False):
    entry = {"id": "hy-test-sm2", "vendor": {"zh": "国密测试CA锁", "en": "SM2 test token"},
             "os": ["linux"], "arch": ["x86_64"], "version": "1",
             "modules": {} if hints_only else {"linux": [module]},
             "token_hints": {"manufacturer": ["hy-client test"], "model": ["SM2 test token"]},
             "sm2": sm2_description}
    body, signature = cat.sign_catalogue(
        {"format": cat.FORMAT, "version": 7, "expires": "2099-01-01T00:00:00Z",
         "drivers": [entry]}, KEY)
    return cat.load_catalogue(body, signature, [cat.public_key_hex(KEY)])


def _service(module, description, **kw):
    conventions = resolver([signed_catalogue(module, description, **kw)]) \
        if description is not None else None
    return TokenService([module], sm2=conventions)


def _cert(service, token):
    info = service.scan(refresh=True).result(30)
    listed = {t.serial: t for m in info for t in m.tokens}[token.serial]
    return listed.certificates[0]


def test_described_module_signs_sm2_that_verifies(sm2_module, sm2_token):
    with _service(sm2_module, sm2token.catalogue_sm2()) as service:
        cert = _cert(service, sm2_token)
        assert (cert.key_algorithm, cert.sm2_mechanism_known, cert.usable_for_login) == (
            "SM2", True, True)
        assert cert.organization == "衡阳市国密建设工程有限公司"
        assert "VENDOR_0x80005301" in service.token_info(sm2_token.serial).result(10).mechanisms
        service.login(sm2_token.serial, sm2_token.pin).result(30)
        signature = service.sign(sm2_token.serial, cert.id, b"challenge", "SM2-SM3").result(30)
        assert sm2.verify(sm2_token.key.public, b"challenge", signature)
        result = service.self_test(sm2_token.serial, cert.id).result(30)
        assert (result.ok, result.signature_ok, result.decrypt_ok) == (True, True, True)


def test_digest_variant_and_der_output(sm2_module, sm2_root, sm2_ca):
    token = make_sm2_token(sm2_root, sm2_ca, label="HY-SM2-DIG", serial="SM2DIGEST001",
                           mechanisms=("digest",), sig_encoding="der")
    described = {"sign": [{"mechanism": "0x80005301", "input": "message", "output": "raw"},
                          {"mechanism": "0x80005302", "input": "digest", "output": "der"}]}
    with _service(sm2_module, described, hints_only=True) as service:
        cert = _cert(service, token)
        assert cert.usable_for_login
        service.login(token.serial, token.pin).result(30)
        signature = service.sign(token.serial, cert.id, b"m", "SM2-SM3").result(30)
        assert len(signature) == 64 and sm2.verify(token.key.public, b"m", signature)
        result = service.self_test(token.serial, cert.id).result(30)
        assert result.ok and result.decrypt_ok is None
        assert result.note is errors.SM2_NO_DECRYPTION
        assert result.to_json()["note"]["code"] == "T283"


def test_module_without_description_is_reported_not_used(sm2_module, sm2_token):
    with _service(sm2_module, None) as service:
        cert = _cert(service, sm2_token)
        assert (cert.sm2_mechanism_known, cert.usable_for_login) == (False, False)
        assert cert.to_json()["warning"]["message"] == "已发现SM2密钥，但该驱动的SM2算法未知"
        assert cert.to_json()["warning"]["code"] == "T280"
        service.login(sm2_token.serial, sm2_token.pin).result(30)
        with pytest.raises(HyError) as refused:
            service.sign(sm2_token.serial, cert.id, b"m", "SM2-SM3").result(30)
        assert refused.value.info is errors.SM2_MECHANISM_UNKNOWN
        result = service.self_test(sm2_token.serial, cert.id).result(30)
        assert not result.ok and result.error is errors.SM2_MECHANISM_UNKNOWN


def test_description_not_offered_by_the_token_is_unknown(sm2_module, sm2_token):
    described = {"sign": [{"mechanism": "0x80009999", "input": "message", "output": "raw"}]}
    with _service(sm2_module, described) as service:
        assert _cert(service, sm2_token).sm2_mechanism_known is False


def test_wrong_description_never_yields_a_wrong_signature(sm2_module, sm2_token):
    # says the token hashes with the ID as a parameter but it is the caller-hashes mechanism
    described = {"sign": [{"mechanism": "0x80005302", "input": "message", "output": "raw"}]}
    with _service(sm2_module, described) as service:
        cert = _cert(service, sm2_token)
        service.login(sm2_token.serial, sm2_token.pin).result(30)
        with pytest.raises(HyError) as refused:
            service.sign(sm2_token.serial, cert.id, bytes(32), "SM2-SM3").result(30)
        assert refused.value.info is errors.SM2_MECHANISM_UNKNOWN
    # says DER where the token answers r‖s
    described = {"sign": [{"mechanism": "0x80005301", "input": "message", "output": "der"}]}
    with _service(sm2_module, described) as service:
        cert = _cert(service, sm2_token)
        service.login(sm2_token.serial, sm2_token.pin).result(30)
        with pytest.raises(HyError) as refused:
            service.sign(sm2_token.serial, cert.id, b"m", "SM2-SM3").result(30)
        assert refused.value.info is errors.SM2_MECHANISM_UNKNOWN


def test_sm2_key_never_signs_under_an_ecdsa_name(sm2_module, sm2_token):
    with _service(sm2_module, sm2token.catalogue_sm2()) as service:
        cert = _cert(service, sm2_token)
        service.login(sm2_token.serial, sm2_token.pin).result(30)
        with pytest.raises(HyError):
            service.sign(sm2_token.serial, cert.id, b"m", "ES256").result(30)


@pytest.mark.parametrize("bad", [
    {"sign": [{"mechanism": "0x00001000", "input": "message", "output": "raw"}]},
    {"sign": [{"mechanism": "0x80005301", "input": "hash", "output": "raw"}]},
    {"sign": [{"mechanism": "0x80005302", "input": "digest", "id": "parameter",
               "output": "raw"}]},
    {"sign": [{"mechanism": "0x80005301", "input": "message", "output": "base64"}]},
    {"sign": [], "decrypt": {"mechanism": "0x80005303", "ciphertext": "c2c3c1"}},
    "sm2",
])
def test_malformed_sm2_descriptions_refuse_the_catalogue(bad):
    with pytest.raises(HyError) as refused:
        signed_catalogue("/x/libsm2token.so", bad)
    assert refused.value.info is errors.CATALOGUE_MALFORMED


def test_reread_certificates_keep_the_sm2_marking(sm2_module, sm2_token):
    """After a renewal re-reads the key's certificates, an SM2 one whose mechanism is known
    stays usable for login (and one whose mechanism is unknown still says so)."""
    for description, known in ((sm2token.catalogue_sm2(), True), (None, False)):
        with _service(sm2_module, description) as service:
            _cert(service, sm2_token)
            service.login(sm2_token.serial, sm2_token.pin).result(30)
            (cert,) = service.reread(sm2_token.serial).result(30).certificates
            assert (cert.sm2_mechanism_known, cert.usable_for_login) == (known, known)


def test_libcrypto_on_windows_is_looked_for_by_absolute_path_only(monkeypatch):
    """Python's own copy by its absolute path; no PATH search, no bare name (an override that
    is not absolute is refused by the loader, as a vendor DLL is)."""
    import os

    monkeypatch.setenv("HY_LIBCRYPTO", "libcrypto.dll")
    override, *names = sm2._candidates("win32")
    assert override == "libcrypto.dll" and len(names) == 2
    assert all(os.path.isabs(n) and n.endswith(".dll") for n in names)
