"""hy-auth:1 with 国密 SM2 (SM2-SM3) over HTTP: the same checks as the other algorithms, plus
the confusions SM2 invites (ID in Z_A, r‖s vs DER, SM2 vs ECDSA names, a foreign SM2 CA)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from hy_client import auth, sm2
from hy_client.sandbox.appsim import AppSimulator
from hy_client.sandbox.sm2ca import Sm2TestCA
from tests.sandbox.helpers import (
    Api,
    Credential,
    activate,
    assert_replay_refused,
    code_of,
    make_credential,
    sandbox_ca,
    sandbox_sm2_ca,
    token_login,
)


@pytest.fixture(scope="module")
def bound(shared_sandbox):
    """An SM2 and a P-256 credential, both activated for the demo bidder."""
    api = Api(shared_sandbox.api).login_demo("bidder")
    creds = {"SM2-SM3": make_credential(sandbox_sm2_ca(shared_sandbox), "SM2-SM3"),
             "ES256": make_credential(sandbox_ca(shared_sandbox), "ES256")}
    for cred in creds.values():
        r = activate(api, shared_sandbox.origin, cred)
        assert r.status_code == 201, r.text
    return creds


def _login_with(sb, cred: Credential, sign) -> object:
    """token-login whose signature ``sign(message)`` makes (to forge what a client got wrong)."""
    api = Api(sb.api)
    nonce = api.call("POST", "/auth/challenge").json()["nonce"]
    token = auth.build_auth_token(cred.der, cred.algorithm,
                                  sign(auth.challenge_message(sb.origin, nonce)), "test")
    return api.call("POST", "/auth/token-login", json={"nonce": nonce, "auth_token": token})


def test_sm2_login_works_and_session_is_the_bidders(shared_sandbox, bound):
    api = Api(shared_sandbox.api)
    r = token_login(api, shared_sandbox.origin, bound["SM2-SM3"])
    assert r.status_code == 200, r.text
    api.token = r.json()["token"]
    assert api.call("GET", "/me").json()["username"] == "demo_bidder"


def test_sm2_activation_lists_the_certificate(shared_sandbox, bound):
    api = Api(shared_sandbox.api).login_demo("bidder")
    listed = api.call("GET", "/activations").json()
    wanted = hashlib.sha256(bound["SM2-SM3"].der).hexdigest()
    assert wanted in {a["cert_sha256"] for a in listed}


def test_replayed_sm2_token_is_refused(shared_sandbox, bound):
    assert_replay_refused(shared_sandbox, bound["SM2-SM3"])


def test_sm2_signature_for_another_origin(shared_sandbox, bound):
    cred = bound["SM2-SM3"]
    api = Api(shared_sandbox.api)
    nonce = api.call("POST", "/auth/challenge").json()["nonce"]
    token = cred.auth_token("http://127.0.0.1:1", nonce)
    r = api.call("POST", "/auth/token-login", json={"nonce": nonce, "auth_token": token})
    assert (r.status_code, code_of(r)) == (401, "A113")


def test_wrong_id_in_z_a_is_refused(shared_sandbox, bound):
    key = bound["SM2-SM3"].key
    r = _login_with(shared_sandbox, bound["SM2-SM3"],
                    lambda m: key.sign(m, b"ALICE123@YAHOO.COM"))
    assert (r.status_code, code_of(r)) == (401, "A113")
    # an empty ID is another Z_A too
    r = _login_with(shared_sandbox, bound["SM2-SM3"], lambda m: key.sign(m, b""))
    assert code_of(r) == "A113"


def test_der_signature_is_refused_not_read_as_raw(shared_sandbox, bound):
    key = bound["SM2-SM3"].key
    r = _login_with(shared_sandbox, bound["SM2-SM3"], key.sign_der)
    assert (r.status_code, code_of(r)) == (401, "A113")
    # e = SM3(M) without Z_A: what a driver that hashes but skips Z_A returns
    r = _login_with(shared_sandbox, bound["SM2-SM3"], lambda m: key.sign_digest(sm2.sm3(m)))
    assert code_of(r) == "A113"
    # the right e, signed by the same key through the digest path, is accepted
    r = _login_with(shared_sandbox, bound["SM2-SM3"],
                    lambda m: key.sign_digest(sm2.digest(key.public.point, m)))
    assert r.status_code == 200, r.text


def test_sm2_certificate_with_an_ecdsa_name_and_the_reverse(shared_sandbox, bound):
    sm2_cred, ec_cred = bound["SM2-SM3"], bound["ES256"]
    for name in ("ES256", "ES384", "RS256"):
        r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, sm2_cred,
                        algorithm=name)
        assert (r.status_code, code_of(r)) == (400, "A107"), name
    # a P-256 key (same field size as SM2) presented as SM2-SM3, signed with ECDSA
    r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, ec_cred,
                    algorithm="SM2-SM3")
    assert (r.status_code, code_of(r)) == (400, "A107")


def test_certificate_from_a_foreign_sm2_ca(shared_sandbox, tmp_path):
    foreign = make_credential(Sm2TestCA.create(tmp_path / "foreign", name="衡阳国密测试CA"),
                              "SM2-SM3")
    r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, foreign)
    assert (r.status_code, code_of(r)) == (401, "A110")


def test_sm2_leaf_under_the_rsa_ca_name_is_untrusted(shared_sandbox, tmp_path):
    """An SM2 CA that copies the trusted RSA CA's names chains to nothing."""
    copy = Sm2TestCA.create(tmp_path / "copy", name="衡阳测试CA")
    cred = make_credential(copy, "SM2-SM3")
    r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, cred)
    assert code_of(r) == "A110"


def test_sm2_key_usage_and_validity(shared_sandbox):
    ca = sandbox_sm2_ca(shared_sandbox)
    now = datetime.now(UTC)
    no_sign = make_credential(ca, "SM2-SM3", digital_signature=False)
    expired = make_credential(ca, "SM2-SM3", not_before=now - timedelta(days=30),
                              not_after=now - timedelta(days=1))
    for cred, code in ((no_sign, "A111"), (expired, "A108")):
        r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, cred)
        assert code_of(r) == code


def test_app_binding_after_sm2_ca_login(clocked_sandbox, tmp_path):
    """标证通: a session started with an SM2 key binds the app as a password session does."""
    api = Api(clocked_sandbox.api).login_demo("bidder")
    cred = make_credential(sandbox_sm2_ca(clocked_sandbox), "SM2-SM3")
    assert activate(api, clocked_sandbox.origin, cred).status_code == 201
    desktop = Api(clocked_sandbox.api)
    r = token_login(desktop, clocked_sandbox.origin, cred)
    assert r.status_code == 200, r.text
    desktop.token = r.json()["token"]
    qr = desktop.call("POST", "/app/qr", json={"kind": "bind"}).json()
    app = AppSimulator(tmp_path / "phone", clocked_sandbox.url)
    app.bind(qr["payload"])
    confirmed = desktop.call("POST", f"/app/qr/{qr['id']}/confirm", json={"approve": True})
    assert confirmed.json()["state"] == "confirmed", confirmed.text
    assert [d["id"] for d in desktop.call("GET", "/app/devices").json()] == [app.device_id()]


def test_renewal_proved_with_an_sm2_certificate_is_not_a_server_error(shared_sandbox, bound):
    """The proof is checked with SM2; reading the current key afterwards must not fail."""
    cred = bound["SM2-SM3"]
    api = Api(shared_sandbox.api).login_demo("bidder")
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.load_der_x509_certificate(cred.der).subject).sign(
        ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()).public_bytes(Encoding.DER)
    nonce = api.call("POST", "/auth/challenge").json()["nonce"]
    signature = auth.sign_message(cred.key, "SM2-SM3",
                                  auth.renewal_message(shared_sandbox.origin, nonce, csr))
    r = api.call("POST", "/renewals", json={
        "nonce": nonce, "csr": base64.b64encode(csr).decode(),
        "auth_token": auth.build_auth_token(cred.der, "SM2-SM3", signature, "test")})
    assert r.status_code < 500, r.text
