"""hy-auth:1 end to end over HTTP: every check of DESIGN.md answers its own code, never a 5xx."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from hy_client import auth, errors
from hy_client.sandbox.ca import TestCA
from tests.sandbox.helpers import (
    Api,
    activate,
    assert_replay_refused,
    code_of,
    make_credential,
    sandbox_ca,
    token_login,
)


@pytest.fixture(scope="module")
def bound(shared_sandbox):
    """Four credentials activated for the demo bidder, one per algorithm."""
    ca = sandbox_ca(shared_sandbox)
    api = Api(shared_sandbox.api).login_demo("bidder")
    creds = {alg: make_credential(ca, alg) for alg in ("ES256", "ES384", "RS256", "PS256")}
    for cred in creds.values():
        assert activate(api, shared_sandbox.origin, cred).status_code == 201
    return creds


def test_challenge_message_is_two_sha256_digests():
    message = auth.challenge_message("http://127.0.0.1:8765", "bm9uY2U=")
    assert len(message) == 64
    assert message[:32] == hashlib.sha256(b"http://127.0.0.1:8765").digest()
    assert message[32:] == hashlib.sha256(b"bm9uY2U=").digest()


@pytest.mark.parametrize("algorithm", ["ES256", "ES384", "RS256", "PS256"])
def test_valid_login_for_each_algorithm(shared_sandbox, bound, algorithm):
    api = Api(shared_sandbox.api)
    r = token_login(api, shared_sandbox.origin, bound[algorithm])
    assert r.status_code == 200, r.text
    session = r.json()
    assert session["account"]["username"] == "demo_bidder"
    api.token = session["token"]
    assert api.call("GET", "/me").json()["username"] == "demo_bidder"


def test_nonce_is_32_random_bytes_base64(shared_sandbox):
    nonce = Api(shared_sandbox.api).call("POST", "/auth/challenge").json()["nonce"]
    assert len(base64.b64decode(nonce, validate=True)) == 32


def test_replayed_nonce_is_refused(shared_sandbox, bound):
    assert_replay_refused(shared_sandbox, bound["ES256"])


def test_nonce_is_deleted_even_when_the_login_fails(shared_sandbox, bound):
    api, cred = Api(shared_sandbox.api), bound["ES256"]
    nonce = api.call("POST", "/auth/challenge").json()["nonce"]
    bad = cred.auth_token("http://evil.example", nonce)
    assert code_of(api.call("POST", "/auth/token-login",
                            json={"nonce": nonce, "auth_token": bad})) == "A113"
    good = {"nonce": nonce, "auth_token": cred.auth_token(shared_sandbox.origin, nonce)}
    assert code_of(api.call("POST", "/auth/token-login", json=good)) == "A105"


def test_nonce_of_another_client_is_refused(shared_sandbox, bound):
    asker, thief = Api(shared_sandbox.api), Api(shared_sandbox.api)
    nonce = asker.call("POST", "/auth/challenge").json()["nonce"]
    body = {"nonce": nonce, "auth_token": bound["ES256"].auth_token(shared_sandbox.origin, nonce)}
    r = thief.call("POST", "/auth/token-login", json=body)
    assert (r.status_code, code_of(r)) == (401, "A105")


def test_expired_nonce(clocked_sandbox):
    sb = clocked_sandbox
    api = Api(sb.api).login_demo("bidder")
    cred = make_credential(sandbox_ca(sb), "ES256")
    assert activate(api, sb.origin, cred).status_code == 201
    client = Api(sb.api)
    nonce = client.call("POST", "/auth/challenge").json()["nonce"]
    sb.clock.advance(minutes=5, seconds=1)
    r = client.call("POST", "/auth/token-login",
                    json={"nonce": nonce, "auth_token": cred.auth_token(sb.origin, nonce)})
    assert (r.status_code, code_of(r)) == (401, "A105")


def test_signature_over_another_origin(shared_sandbox, bound):
    r = token_login(Api(shared_sandbox.api), "http://127.0.0.1:1", bound["ES256"])
    assert (r.status_code, code_of(r)) == (401, "A113")


@pytest.mark.parametrize("shape", ["swapped", "concatenated", "nonce-as-origin"])
def test_origin_and_nonce_bytes_shifted(shared_sandbox, bound, shape):
    api, cred, origin = Api(shared_sandbox.api), bound["ES256"], shared_sandbox.origin
    nonce = api.call("POST", "/auth/challenge").json()["nonce"]
    h = lambda s: hashlib.sha256(s.encode()).digest()  # noqa: E731
    message = {"swapped": h(nonce) + h(origin),
               "concatenated": h(origin + nonce) + h(""),
               "nonce-as-origin": h(origin[:-2]) + h(origin[-2:] + nonce)}[shape]
    token = auth.build_auth_token(cred.der, "ES256", auth.sign_message(cred.key, "ES256", message))
    r = api.call("POST", "/auth/token-login", json={"nonce": nonce, "auth_token": token})
    assert (r.status_code, code_of(r)) == (401, "A113")


def test_certificate_from_an_untrusted_ca(shared_sandbox, tmp_path):
    stranger = make_credential(TestCA.create(tmp_path / "other", name="陌生CA"), "ES256")
    r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, stranger)
    assert (r.status_code, code_of(r)) == (401, "A110")


def test_expired_and_not_yet_valid_certificates(shared_sandbox):
    ca, now = sandbox_ca(shared_sandbox), datetime.now(UTC)
    expired = make_credential(ca, "ES256", not_before=now - timedelta(days=30),
                              not_after=now - timedelta(days=1))
    future = make_credential(ca, "ES256", not_before=now + timedelta(days=1), days=30)
    for cred, code in ((expired, "A108"), (future, "A109")):
        r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, cred)
        assert (r.status_code, code_of(r)) == (401, code)


def test_certificate_without_digital_signature(shared_sandbox):
    cred = make_credential(sandbox_ca(shared_sandbox), "ES256", digital_signature=False)
    r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, cred)
    assert (r.status_code, code_of(r)) == (401, "A111")


def test_unbound_certificate(shared_sandbox):
    cred = make_credential(sandbox_ca(shared_sandbox), "ES256")
    r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, cred)
    assert (r.status_code, code_of(r)) == (401, "A112")


@pytest.mark.parametrize("algorithm", ["RS256", "PS256", "ES384", "none", "HS256", "", "es256"])
def test_algorithm_not_matching_the_key_or_not_allowed(shared_sandbox, bound, algorithm):
    r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, bound["ES256"],
                    algorithm=algorithm)
    assert (r.status_code, code_of(r)) == (400, "A107")


def test_rsa_key_with_ec_algorithm(shared_sandbox, bound):
    r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, bound["RS256"],
                    algorithm="ES256")
    assert code_of(r) == "A107"


@pytest.mark.parametrize("override", [
    {"signature": "A" * 3000},                      # oversized
    {"certificate": "A" * 20000},                   # oversized
    {"certificate": "MIIB"},                        # truncated DER
    {"certificate": "not base64!"},                 # bad base64
    {"signature": "%%%"},                           # bad base64
    {"format": "hy-auth:2"},                        # unknown format
    {"format": 7},                                  # wrong type
    {"app_version": "x" * 100},                     # oversized
])
def test_malformed_tokens(shared_sandbox, bound, override):
    r = token_login(Api(shared_sandbox.api), shared_sandbox.origin, bound["ES256"], **override)
    assert (r.status_code, code_of(r)) == (400, "A106"), r.text


def test_truncated_ecdsa_signature(shared_sandbox, bound):
    api, cred = Api(shared_sandbox.api), bound["ES256"]
    token = None
    nonce = api.call("POST", "/auth/challenge").json()["nonce"]
    token = cred.auth_token(shared_sandbox.origin, nonce)
    raw = base64.b64decode(token["signature"])
    token["signature"] = base64.b64encode(raw[:-1]).decode()
    r = api.call("POST", "/auth/token-login", json={"nonce": nonce, "auth_token": token})
    assert (r.status_code, code_of(r)) == (401, "A113")


@pytest.mark.parametrize("body", [
    b"", b"{", b"[]", b'{"nonce": 1}', b'{"nonce": "x", "auth_token": "y"}',
    b'{"nonce": "' + b"n" * 200 + b'", "auth_token": {}}', b"\xff\xfe", b"null",
])
def test_garbage_bodies_never_5xx(shared_sandbox, body):
    r = Api(shared_sandbox.api).call("POST", "/auth/token-login", data=body,
                                     headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and code_of(r) == "A106"


def test_activation_refuses_a_certificate_of_another_account(shared_sandbox, bound):
    agency = Api(shared_sandbox.api).login_demo("agency")
    r = activate(agency, shared_sandbox.origin, bound["ES256"], "agency")
    assert (r.status_code, code_of(r)) == (409, "A120")


def test_activation_list_and_unbind(shared_sandbox):
    sb = shared_sandbox
    api = Api(sb.api).login_demo("person")
    cred = make_credential(sandbox_ca(sb), "ES256", cn="张伟", organization="")
    created = activate(api, sb.origin, cred).json()
    assert created["cert_sha256"] == hashlib.sha256(cred.der).hexdigest()
    listed = api.call("GET", "/activations").json()
    assert [a["id"] for a in listed] == [created["id"]]
    other = Api(sb.api).login_demo("agency")
    assert other.call("DELETE", f"/activations/{created['id']}").status_code == 404
    assert api.call("DELETE", f"/activations/{created['id']}").status_code == 204
    assert code_of(token_login(Api(sb.api), sb.origin, cred)) == "A112"


def test_validator_order_reports_format_before_nonce():
    """A malformed token never consumes a nonce: checks 1-3 come before the lookup."""
    consumed = []
    key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(errors.HyError) as caught:
        auth.validate_auth_token(
            "n", {"format": "x", "certificate": "AA==", "algorithm": "ES256",
                  "signature": "AA=="},
            origin="o", trust=auth.TrustStore(roots=[]), now=datetime.now(UTC),
            consume_nonce=lambda n: consumed.append(n) or True, is_bound=None)
    assert caught.value.code == "A106" and consumed == []
    assert key  # a key exists only to show no signing happened
