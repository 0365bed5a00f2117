"""provision-token makes a real SoftHSM2 key; logging in with it signs on the token."""

from __future__ import annotations

import hashlib

import pkcs11
import pytest
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

from hy_client import auth
from hy_client.sandbox.provision import provision_token
from hy_client.sandbox.softhsm import softhsm_module
from tests.sandbox.helpers import Api, code_of
from tests.sandbox_fixtures import threaded_sandbox

pytestmark = pytest.mark.skipif(softhsm_module() is None, reason="SoftHSM2 not installed")


def sign_on_token(module: str, label: str, pin: str, message: bytes) -> tuple[bytes, bytes]:
    lib = pkcs11.lib(module)
    lib.reinitialize()
    with lib.get_token(token_label=label).open(user_pin=pin) as session:
        cert = next(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))
        key = session.get_key(ObjectClass.PRIVATE_KEY, KeyType.EC)
        signature = key.sign(hashlib.sha256(message).digest(), mechanism=Mechanism.ECDSA)
        return bytes(cert[Attribute.VALUE]), bytes(signature)


def test_provisioned_token_logs_in_as_the_demo_bidder(tmp_path, monkeypatch):
    monkeypatch.delenv("SOFTHSM2_CONF", raising=False)
    data = tmp_path / "data"
    result = provision_token(data, label="HY-TEST", pin="246810", days=20)
    assert result.bound_to == "demo_bidder" and result.subject_cn == "衡阳市湘江建设工程有限公司"
    with threaded_sandbox(data) as sb:
        api = Api(sb.api)
        nonce = api.call("POST", "/auth/challenge").json()["nonce"]
        der, signature = sign_on_token(result.module, "HY-TEST", "246810",
                                       auth.challenge_message(sb.origin, nonce))
        body = {"nonce": nonce, "auth_token": auth.build_auth_token(der, "ES256", signature)}
        r = api.call("POST", "/auth/token-login", json=body)
        assert r.status_code == 200, r.text
        api.token = r.json()["token"]
        bids = api.call("GET", "/bids").json()
        assert {b["cert_sha256"] for b in bids} == {result.cert_sha256}
        days_left = [(b["bid_opening"] > result.not_after.isoformat()) for b in bids]
        assert any(days_left)  # one bid opens after the certificate expires


def test_unbound_token_needs_activation(tmp_path, monkeypatch):
    monkeypatch.delenv("SOFTHSM2_CONF", raising=False)
    data = tmp_path / "data"
    result = provision_token(data, label="HY-FREE", pin="135790", bind_to=None,
                             key_type="ec")
    assert result.bound_to is None
    with threaded_sandbox(data) as sb:
        api = Api(sb.api)
        nonce = api.call("POST", "/auth/challenge").json()["nonce"]
        der, signature = sign_on_token(result.module, "HY-FREE", "135790",
                                       auth.challenge_message(sb.origin, nonce))
        r = api.call("POST", "/auth/token-login", json={
            "nonce": nonce, "auth_token": auth.build_auth_token(der, "ES256", signature)})
        assert code_of(r) == "A112"
    with pytest.raises(Exception) as again:
        provision_token(data, label="HY-FREE", pin="135790", bind_to=None)
    assert getattr(again.value, "code", "") == "S105"
