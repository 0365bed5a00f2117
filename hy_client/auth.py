"""The hy-auth:1 login-challenge protocol, shared by the client and the sandbox server.

The client signs ``SHA-256(origin) ‖ SHA-256(nonce)`` (64 bytes) with the algorithm's own hash;
the server rebuilds those bytes from its configured origin, so a signature made for another site
is useless here. ECDSA signatures travel as raw r‖s (as in JWS), whatever the token returned.
The server-side checks run in the order of DESIGN.md and each failure raises its catalogue code.

``SM2-SM3`` (国密): the same 64 bytes signed with SM2 over SM3(Z_A ‖ M), Z_A over the default ID
"1234567812345678", the signature raw r‖s (64 bytes, as ES256). An SM2 key is never accepted
under an ECDSA name nor a P-256 key under SM2-SM3, and a DER signature is refused, not read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import errors, sm2

AUTH_FORMAT = "hy-auth:1"
SM2_ALGORITHM = "SM2-SM3"
ALGORITHMS: tuple[str, ...] = ("RS256", "PS256", "ES256", "ES384", SM2_ALGORITHM)
NONCE_MAX = 128
CERT_B64_MAX = 16384
SIGNATURE_B64_MAX = 2048
APP_VERSION_MAX = 64

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | sm2.PublicKey
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | sm2.PrivateKey

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "RS256": hashes.SHA256, "PS256": hashes.SHA256, "ES256": hashes.SHA256, "ES384": hashes.SHA384,
}
_CURVES: dict[str, type[ec.EllipticCurve]] = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1}


def challenge_message(origin: str, nonce: str) -> bytes:
    """The 64 bytes a client signs: SHA-256 of the origin, then SHA-256 of the nonce as sent."""
    return (hashlib.sha256(origin.encode("utf-8")).digest()
            + hashlib.sha256(nonce.encode("utf-8")).digest())


def renewal_message(origin: str, nonce: str, csr_der: bytes) -> bytes:
    """What a renewal request signs with the current key: the login message, then SHA-256 of
    the CSR's DER — the proof binds this CSR to this platform and this fresh nonce."""
    return challenge_message(origin, nonce) + hashlib.sha256(csr_der).digest()


def hash_for(algorithm: str) -> hashes.HashAlgorithm:
    """The hash an algorithm applies over the 64-byte message (a PKCS#11 signer hashes on host)."""
    try:
        return _HASHES[algorithm]()
    except KeyError:
        raise errors.HyError(errors.AUTH_ALGORITHM_REJECTED, algorithm[:16]) from None


def certificate_key(cert: x509.Certificate, der: bytes) -> PublicKey:
    """The certificate's public key; an SM2 key (which cryptography cannot load) as sm2.PublicKey.

    Raises UnsupportedAlgorithm/ValueError for any other key cryptography cannot load."""
    try:
        return cert.public_key()  # type: ignore[return-value]
    except UnsupportedAlgorithm:
        key = sm2.certificate_public_key(der)
        if key is None:
            raise
        return key


def algorithms_for_key(public_key: Any) -> tuple[str, ...]:
    """The algorithms a key may sign with: RSA → RS256/PS256, P-256 → ES256, P-384 → ES384,
    SM2 → SM2-SM3 (and nothing else: the curves differ, an ECDSA name never fits an SM2 key)."""
    if isinstance(public_key, sm2.PublicKey):
        return (SM2_ALGORITHM,)
    if isinstance(public_key, rsa.RSAPublicKey):
        return ("RS256", "PS256")
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return tuple(a for a, c in _CURVES.items() if isinstance(public_key.curve, c))
    return ()


def check_algorithm(algorithm: str, public_key: Any) -> None:
    """Allow-list and key match: an RSA name with an EC key (or "none") is refused."""
    if algorithm not in ALGORITHMS:
        raise errors.HyError(errors.AUTH_ALGORITHM_REJECTED, "not allowed")
    if algorithm not in algorithms_for_key(public_key):
        raise errors.HyError(errors.AUTH_ALGORITHM_REJECTED, "does not match the key")


def _coordinate_size(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> int:
    return (key.curve.key_size + 7) // 8


def ecdsa_raw_to_der(raw: bytes, coordinate_size: int) -> bytes:
    """r‖s (fixed width) → DER, as cryptography verifies; a wrong length is an invalid signature."""
    if len(raw) != 2 * coordinate_size:
        raise errors.HyError(errors.SIGNATURE_INVALID, "ECDSA signature length")
    r = int.from_bytes(raw[:coordinate_size], "big")
    s = int.from_bytes(raw[coordinate_size:], "big")
    return encode_dss_signature(r, s)


def ecdsa_der_to_raw(der: bytes, coordinate_size: int) -> bytes:
    """DER → r‖s, for signers (cryptography, some drivers) that answer in DER."""
    r, s = decode_dss_signature(der)
    return r.to_bytes(coordinate_size, "big") + s.to_bytes(coordinate_size, "big")


def sign_message(private_key: Any, algorithm: str, message: bytes) -> bytes:
    """Sign with a software key (the 标证通 simulator, tests); ECDSA and SM2 come back raw r‖s."""
    if isinstance(private_key, sm2.PrivateKey) and algorithm == SM2_ALGORITHM:
        return private_key.sign(message)
    digest = hash_for(algorithm)
    if isinstance(private_key, rsa.RSAPrivateKey) and algorithm == "RS256":
        return private_key.sign(message, padding.PKCS1v15(), digest)
    if isinstance(private_key, rsa.RSAPrivateKey) and algorithm == "PS256":
        return private_key.sign(message, _pss(), digest)
    if isinstance(private_key, ec.EllipticCurvePrivateKey) and algorithm in _CURVES:
        check_algorithm(algorithm, private_key.public_key())
        der = private_key.sign(message, ec.ECDSA(digest))
        return ecdsa_der_to_raw(der, _coordinate_size(private_key))
    raise errors.HyError(errors.AUTH_ALGORITHM_REJECTED, "does not match the key")


def _pss() -> padding.PSS:
    # Salt as long as the digest (as Web eID and PKCS#11 CKM_SHA256_RSA_PKCS_PSS with sLen=32).
    return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


def verify_signature(public_key: Any, algorithm: str, signature: bytes, message: bytes) -> None:
    """Raise SIGNATURE_INVALID unless ``signature`` is ``algorithm``'s signature of ``message``."""
    check_algorithm(algorithm, public_key)
    if isinstance(public_key, sm2.PublicKey):
        if len(signature) != 64 or not sm2.verify(public_key, message, signature):
            raise errors.HyError(errors.SIGNATURE_INVALID)
        return
    digest = hash_for(algorithm)
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            pad = padding.PKCS1v15() if algorithm == "RS256" else _pss()
            public_key.verify(signature, message, pad, digest)
        else:
            der = ecdsa_raw_to_der(signature, _coordinate_size(public_key))
            public_key.verify(der, message, ec.ECDSA(digest))
    except InvalidSignature:
        raise errors.HyError(errors.SIGNATURE_INVALID) from None


def b64decode_strict(text: str) -> bytes:
    """Standard base64 with padding; anything else is a malformed token, not a crash."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "base64") from None


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def build_auth_token(certificate_der: bytes, algorithm: str, signature: bytes,
                     app_version: str = "") -> dict[str, str]:
    """The ``auth_token`` object of a token-login or activation request."""
    return {"format": AUTH_FORMAT, "certificate": b64encode(certificate_der),
            "algorithm": algorithm, "signature": b64encode(signature), "app_version": app_version}


# --- server side ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TrustStore:
    """Trusted roots plus the intermediates the server knows (clients send only the leaf)."""

    roots: Sequence[x509.Certificate]
    intermediates: Sequence[x509.Certificate] = ()

    def chains(self, leaf: x509.Certificate, now: datetime) -> bool:
        """True when leaf → (intermediates…) → a root verifies, every CA valid at ``now``."""
        cert, seen = leaf, 0
        while seen < 5:
            seen += 1
            for root in self.roots:
                if _issued_by(cert, root, now):
                    return True
            issuer = next((c for c in self.intermediates if _issued_by(cert, c, now)), None)
            if issuer is None:
                return False
            cert = issuer
        return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate, now: datetime) -> bool:
    if cert.issuer != issuer.subject:
        return False
    if not issuer.not_valid_before_utc <= now <= issuer.not_valid_after_utc:
        return False
    try:
        bc = issuer.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not bc.ca:
        return False
    if cert.signature_algorithm_oid.dotted_string == sm2.SM2_SM3_OID:
        # SM2-with-SM3 (GM/T 0015): only an SM2 issuer key, Z_A over the default ID
        issuer_key = sm2.certificate_public_key(issuer.public_bytes(Encoding.DER))
        return issuer_key is not None and sm2.verify_der(
            issuer_key, cert.tbs_certificate_bytes, cert.signature)
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


@dataclass(frozen=True)
class VerifiedCertificate:
    """A certificate that passed hy-auth:1 validation, with what the platform keeps of it."""

    der: bytes
    sha256: str
    subject_cn: str
    organization: str
    serial_number: str  # the subject's serialNumber attribute (the 统一社会信用代码), if any
    not_before: datetime
    not_after: datetime
    certificate: x509.Certificate


def describe_certificate(der: bytes, cert: x509.Certificate) -> VerifiedCertificate:
    def attr(oid: x509.ObjectIdentifier) -> str:
        values = cert.subject.get_attributes_for_oid(oid)
        value = values[0].value if values else ""
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    return VerifiedCertificate(
        der=der, sha256=hashlib.sha256(der).hexdigest(), subject_cn=attr(NameOID.COMMON_NAME),
        organization=attr(NameOID.ORGANIZATION_NAME), serial_number=attr(NameOID.SERIAL_NUMBER),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc, certificate=cert)


def is_client_auth(cert: x509.Certificate) -> bool:
    """Whether the certificate may log in: no EKU extension, or one listing clientAuth."""
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True
    except ValueError:
        return False
    return ExtendedKeyUsageOID.CLIENT_AUTH in usages


def _field(token: Any, name: str) -> str:
    value = token.get(name) if isinstance(token, Mapping) else getattr(token, name, None)
    if value is None and name == "app_version":
        return ""
    if not isinstance(value, str):
        raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, f"{name} missing")
    return value


def validate_auth_token(
    nonce: str,
    token: Any,
    *,
    origin: str,
    trust: TrustStore,
    now: datetime,
    consume_nonce: Callable[[str], bool],
    is_bound: Callable[[VerifiedCertificate], bool] | None,
    message: bytes | None = None,
) -> VerifiedCertificate:
    """Check an AuthToken (a model or a mapping) in DESIGN.md's order; raise HyError on failure.

    ``consume_nonce`` looks the nonce up and deletes it (True when it existed, was unexpired and
    was issued to this client); ``is_bound`` is None for remote activation, which binds.
    ``message``: the signed bytes when not the login message (a renewal adds the CSR's hash).
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    # 1. size bounds
    if not isinstance(nonce, str) or not 0 < len(nonce) <= NONCE_MAX:
        raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "nonce size")
    fmt, cert_b64, algorithm = (_field(token, "format"), _field(token, "certificate"),
                                _field(token, "algorithm"))
    sig_b64, app_version = _field(token, "signature"), _field(token, "app_version")
    if (len(cert_b64) > CERT_B64_MAX or len(sig_b64) > SIGNATURE_B64_MAX or len(fmt) > 32
            or len(algorithm) > 16 or len(app_version) > APP_VERSION_MAX
            or not cert_b64 or not sig_b64):
        raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "size")
    # 2. format
    if fmt != AUTH_FORMAT:
        raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "format")
    der, signature = b64decode_strict(cert_b64), b64decode_strict(sig_b64)
    try:
        cert = x509.load_der_x509_certificate(der)
        public_key = certificate_key(cert, der)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "certificate") from None
    # 3. algorithm allow-list and match with the key
    check_algorithm(algorithm, public_key)
    # 4. nonce: exists, unexpired, unused (deleted on this lookup whatever follows)
    if not consume_nonce(nonce):
        raise errors.HyError(errors.CHALLENGE_EXPIRED)
    # 5. validity period
    if now < cert.not_valid_before_utc:
        raise errors.HyError(errors.CERT_NOT_YET_VALID)
    if now > cert.not_valid_after_utc:
        raise errors.HyError(errors.CERT_EXPIRED)
    # 6. chain
    if not trust.chains(cert, now):
        raise errors.HyError(errors.CERT_UNTRUSTED)
    # 7. key usage
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        signing = usage.digital_signature
    except x509.ExtensionNotFound:
        signing = False
    except ValueError:
        raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "certificate extensions") from None
    if not signing:
        raise errors.HyError(errors.CERT_KEY_USAGE)
    # 7b. extended key usage: none at all, or one that lists clientAuth (docs/security.md's
    # certificate profile; as Web eID's purpose check). anyExtendedKeyUsage is not enough.
    if not is_client_auth(cert):
        raise errors.HyError(errors.CERT_NOT_CLIENT_AUTH)
    verified = describe_certificate(der, cert)
    # 8. bound to an account (remote activation done)
    if is_bound is not None and not is_bound(verified):
        raise errors.HyError(errors.CERT_NOT_ACTIVATED)
    # 9. the signature over the bytes rebuilt from our own origin
    verify_signature(public_key, algorithm, signature,
                     challenge_message(origin, nonce) if message is None else message)
    return verified
