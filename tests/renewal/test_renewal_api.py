"""The platform's renewal endpoints with software keys: proof, CSR checks, idempotency, one
certificate per CSR, the activation moving in one step."""

from __future__ import annotations

import base64
import sqlite3
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from hy_client import auth, errors
from hy_client.api import models
from hy_client.api.client import ApiError
from hy_client.sandbox.demo import uscc
from tests.platform_fixtures import make_client, register_account
from tests.renewal_fixtures import ORG, unit_code

_units = count()


def _bind(platform, provisioned, **issue: object):
    """A fresh unit's account with a software key's certificate naming that unit activated,
    and a logged-in client."""
    client = make_client(platform.url)
    code = uscc(f"91430400MA4P{next(_units):04d}Y")
    client.login(*register_account(client, code=code))
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = provisioned.ca.issue(key.public_key(), cn=ORG, organization=ORG, uscc=code,
                                not_after=now + timedelta(days=20), **issue)  # type: ignore[arg-type]
    der = cert.public_bytes(Encoding.DER)
    nonce = client.challenge().nonce
    sig = auth.sign_message(key, "ES256", auth.challenge_message(client.origin, nonce))
    client.activate(models.ActivationRequest(nonce=nonce, auth_token=models.AuthToken(
        **auth.build_auth_token(der, "ES256", sig)), user_type="bidder"))
    return client, key, cert


@pytest.fixture
def bound(platform, provisioned):
    client, key, cert = _bind(platform, provisioned, key_agreement=True)
    yield client, key, cert
    client.close()


def _request(client, old_key, old_cert, csr_der: bytes, *, sign_over: bytes | None = None
             ) -> models.RenewalRequest:
    nonce = client.challenge().nonce
    message = auth.renewal_message(client.origin, nonce, sign_over or csr_der)
    sig = auth.sign_message(old_key, "ES256", message)
    return models.RenewalRequest(nonce=nonce, auth_token=models.AuthToken(
        **auth.build_auth_token(old_cert.public_bytes(Encoding.DER), "ES256", sig)),
        csr=auth.b64encode(csr_der))


def _usage(cert: x509.Certificate) -> x509.KeyUsage:
    return cert.extensions.get_extension_for_class(x509.KeyUsage).value


def _extended(cert: x509.Certificate) -> list[x509.ObjectIdentifier]:
    return list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)


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
    # the same profile: the unit's code (what activation checks), key usages, clientAuth
    assert unit_code(cert) == unit_code(old_cert) != ""
    assert _usage(cert) == _usage(old_cert)
    assert auth.is_client_auth(cert) and _extended(cert) == _extended(old_cert)
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


def test_renewed_certificate_names_client_auth_and_keeps_other_extended_usages(
        platform, provisioned):
    """A legacy certificate without an EKU extension (accepted for login) renews into one that
    names clientAuth; other extended usages the old one had stay."""
    login, mail = ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION
    for old_usages, renewed in (([], [login]), ([login, mail], [login, mail])):
        client, old_key, old_cert = _bind(platform, provisioned, extended_usages=old_usages)
        try:
            renewal = client.request_renewal(_request(client, old_key, old_cert, _csr(
                ec.generate_private_key(ec.SECP256R1()), old_cert.subject)))
            cert = x509.load_der_x509_certificate(base64.b64decode(renewal.certificate))
            assert _extended(cert) == renewed and auth.is_client_auth(cert)
            assert _usage(cert) == _usage(old_cert) and unit_code(cert) == unit_code(old_cert)
        finally:
            client.close()


def test_a_certificate_naming_another_unit_does_not_renew_into_this_account(
        platform, provisioned):
    """A binding made before the identity rule (A200) cannot be carried into a new
    certificate: the request is refused before anything is issued."""
    client, _key, _cert = _bind(platform, provisioned)
    try:
        other = uscc(f"91430400MA4P{next(_units):04d}Y")
        stranger = ec.generate_private_key(ec.SECP256R1())
        foreign = provisioned.ca.issue(stranger.public_key(), cn=ORG, organization=ORG,
                                       uscc=other, days=20)
        der = foreign.public_bytes(Encoding.DER)
        sha = auth.describe_certificate(der, foreign).sha256
        me = client.me().id
        conn = sqlite3.connect(platform.data_dir / "sandbox.sqlite3", timeout=10,
                               isolation_level=None)
        try:  # the old, unchecked binding, written as the platform stored it then
            conn.execute(
                "INSERT INTO activations (account_id, cert_sha256, subject_cn, organization,"
                " not_after, user_type, created_at) VALUES (?, ?, ?, ?, ?, 'bidder', ?)",
                (me, sha, ORG, ORG, foreign.not_valid_after_utc.timestamp(),
                 datetime.now(UTC).timestamp()))
            with pytest.raises(ApiError) as refused:
                client.request_renewal(_request(client, stranger, foreign, _csr(
                    ec.generate_private_key(ec.SECP256R1()), foreign.subject)))
            assert refused.value.info is errors.CERT_IDENTITY_MISMATCH
            assert conn.execute("SELECT COUNT(*) FROM renewals WHERE account_id = ?",
                                (me,)).fetchone()[0] == 0
        finally:
            conn.close()
    finally:
        client.close()


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
    no_login = ca.issue_for(key, old.subject, not_before=now - timedelta(hours=1),
                            not_after=now + timedelta(days=365),
                            extended_usages=[ExtendedKeyUsageOID.EMAIL_PROTECTION])
    assert "clientAuth" in chain_problem(der(no_login), der(old), chain, now)
    renamed = ca.issue(key, cn="别的公司", organization=ORG)
    assert "subject" in chain_problem(der(renamed), der(old), chain, now)
    assert chain_problem(der(good), der(old), chain, now - timedelta(days=1)) == "not valid now"
