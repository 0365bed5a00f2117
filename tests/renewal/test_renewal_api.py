"""The platform's renewal endpoints with software keys: proof, CSR checks, idempotency, one
certificate per CSR, the activation moving in one step."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from hy_client import auth, errors
from hy_client.api import models
from hy_client.api.client import ApiError
from tests.platform_fixtures import make_client, register_account
from tests.renewal_fixtures import ORG


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def bound(platform, provisioned):
    """A fresh account with a software key's certificate activated, and a logged-in client."""
    client = make_client(platform.url)
    username, password = register_account(client)
    client.login(username, password)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = provisioned.ca.issue(key.public_key(), cn=ORG, organization=ORG,
                                not_after=now + timedelta(days=20))
    der = cert.public_bytes(Encoding.DER)
    nonce = client.challenge().nonce
    sig = auth.sign_message(key, "ES256", auth.challenge_message(client.origin, nonce))
    client.activate(models.ActivationRequest(nonce=nonce, auth_token=models.AuthToken(
        **auth.build_auth_token(der, "ES256", sig)), user_type="bidder"))
    yield client, key, cert
    client.close()


def _request(client, old_key, old_cert, csr_der: bytes, *, sign_over: bytes | None = None
             ) -> models.RenewalRequest:
    nonce = client.challenge().nonce
    message = auth.renewal_message(client.origin, nonce, sign_over or csr_der)
    sig = auth.sign_message(old_key, "ES256", message)
    return models.RenewalRequest(nonce=nonce, auth_token=models.AuthToken(
        **auth.build_auth_token(old_cert.public_bytes(Encoding.DER), "ES256", sig)),
        csr=_b64(csr_der))


def _csr(key, subject: x509.Name) -> bytes:
    return x509.CertificateSigningRequestBuilder().subject_name(subject).sign(
        key, hashes.SHA256()).public_bytes(Encoding.DER)


def test_issue_same_subject_new_serial_new_validity_and_move_activation(bound):
    client, old_key, old_cert = bound
    new_key = ec.generate_private_key(ec.SECP256R1())
    csr = _csr(new_key, x509.Name([]))  # the subject asked for is ignored: the old one is kept
    body = _request(client, old_key, old_cert, csr)
    renewal = client.request_renewal(body, "idem-1")
    assert renewal.state == "issued" and len(renewal.chain) == 2
    cert = x509.load_der_x509_certificate(base64.b64decode(renewal.certificate))
    assert cert.subject == old_cert.subject and cert.serial_number != old_cert.serial_number
    assert cert.not_valid_after_utc > old_cert.not_valid_after_utc + timedelta(days=300)
    assert cert.public_key() == new_key.public_key()
    # the same request again with its key: the stored answer, no second certificate
    assert client.request_renewal(body, "idem-1") == renewal
    # the same CSR under a new nonce and key (a resumed client): the same renewal
    again = client.request_renewal(_request(client, old_key, old_cert, csr), "idem-2")
    assert again.id == renewal.id and again.certificate == renewal.certificate
    # activation moves only with proof by the new key
    nonce = client.challenge().nonce
    wrong = auth.sign_message(old_key, "ES256", auth.challenge_message(client.origin, nonce))
    with pytest.raises(ApiError):
        client.activate_renewal(renewal.id, models.RenewalActivation(
            nonce=nonce, auth_token=models.AuthToken(**auth.build_auth_token(
                old_cert.public_bytes(Encoding.DER), "ES256", wrong))))
    assert [a.cert_sha256 for a in client.activations()] == [renewal.old_cert_sha256]
    nonce = client.challenge().nonce
    sig = auth.sign_message(new_key, "ES256", auth.challenge_message(client.origin, nonce))
    proof = models.RenewalActivation(nonce=nonce, auth_token=models.AuthToken(
        **auth.build_auth_token(cert.public_bytes(Encoding.DER), "ES256", sig)))
    activation = client.activate_renewal(renewal.id, proof)
    assert [a.cert_sha256 for a in client.activations()] == [activation.cert_sha256]
    assert activation.cert_sha256 == renewal.cert_sha256
    assert client.renewal(renewal.id).state == "activated"


@pytest.mark.parametrize("fault", ["proof_for_other_csr", "csr_not_self_signed", "same_key",
                                   "garbage_csr", "small_rsa"])
def test_bad_requests_are_refused_with_a_code(bound, fault):
    client, old_key, old_cert = bound
    new_key = ec.generate_private_key(ec.SECP256R1())
    csr = _csr(new_key, old_cert.subject)
    sign_over = None
    if fault == "proof_for_other_csr":
        sign_over = _csr(ec.generate_private_key(ec.SECP256R1()), old_cert.subject)
    elif fault == "csr_not_self_signed":
        csr = csr[:-8] + bytes(8)
    elif fault == "same_key":
        csr = _csr(old_key, old_cert.subject)
    elif fault == "garbage_csr":
        csr = b"\x30\x03abc"
    elif fault == "small_rsa":
        from cryptography.hazmat.primitives.asymmetric import rsa
        csr = _csr(rsa.generate_private_key(public_exponent=65537, key_size=1024),
                   old_cert.subject)
    with pytest.raises(ApiError) as refused:
        client.request_renewal(_request(client, old_key, old_cert, csr, sign_over=sign_over))
    expected = errors.SIGNATURE_INVALID if fault == "proof_for_other_csr" else \
        errors.RENEWAL_CSR_INVALID
    assert refused.value.info is expected
    assert [a.cert_sha256 for a in client.activations()] != []


def test_chain_check_refuses_another_ca_another_subject_and_not_yet_valid(provisioned):
    from hy_client.renewal_flow import chain_problem
    from hy_client.sandbox.ca import TestCA

    ca, other = provisioned.ca, TestCA.create()
    now = datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    old = ca.issue(key, cn=ORG, organization=ORG)
    chain = [c.public_bytes(Encoding.DER) for c in (ca.issuing, ca.root)]

    def der(cert: x509.Certificate) -> bytes:
        return cert.public_bytes(Encoding.DER)

    good = ca.issue_for(key, old.subject, not_before=now - timedelta(hours=1),
                        not_after=now + timedelta(days=365))
    assert chain_problem(der(good), der(old), chain, now) == ""
    foreign = other.issue_for(key, old.subject, not_before=now - timedelta(hours=1),
                              not_after=now + timedelta(days=365))
    other_chain = [c.public_bytes(Encoding.DER) for c in (other.issuing, other.root)]
    assert chain_problem(der(foreign), der(old), chain, now) == "chain does not verify"
    assert chain_problem(der(foreign), der(old), other_chain, now) == \
        "not the CA of the current certificate"
    renamed = ca.issue(key, cn="别的公司", organization=ORG)
    assert "subject" in chain_problem(der(renamed), der(old), chain, now)
    assert chain_problem(der(good), der(old), chain, now - timedelta(days=1)) == "not valid now"
