"""The token's part of a renewal (在线延期): a new key pair, the CSR it signs, the new
certificate written beside the old one, and the checks before it is used.

Everything runs on the token thread through ``TokenService.with_session``: the key is generated
on the token and never leaves it. cryptography builds the PKCS#10 structure; its signature comes
from the token, through a private-key object whose ``sign`` calls the token (``_TokenKey``).
Nothing here deletes or changes the current key or certificate: the new ones get a CKA_ID of
their own, so bids encrypted to the old key can still be opened with it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pkcs11 import Attribute, CertificateType, KeyType, Mechanism, ObjectClass
from pkcs11.util.ec import encode_named_curve_parameters

from .. import errors
from ..auth import ecdsa_raw_to_der
from ..errors import HyError
from .models import Algorithm, CertificateInfo

if TYPE_CHECKING:
    from .service import TokenService

# What a renewal generates: the current key's kind, so the platform and the CA see no change.
KEY_SPECS: dict[str, tuple[Algorithm, str]] = {
    "RSA-2048": ("RS256", ""), "EC-P256": ("ES256", "secp256r1"),
    "EC-P384": ("ES384", "secp384r1"),
}
_CURVES: dict[str, ec.EllipticCurve] = {"secp256r1": ec.SECP256R1(),
                                         "secp384r1": ec.SECP384R1()}


def key_spec_for(cert: CertificateInfo) -> str:
    """The kind of key to generate for ``cert``'s renewal; T321 when this module can't."""
    kind = cert.key_algorithm.upper()
    if kind.startswith("RSA"):
        return "RSA-2048"
    if kind in KEY_SPECS:
        return kind
    if kind.startswith("SM2"):
        raise HyError(errors.RENEWAL_KEYGEN_UNSUPPORTED, "this module cannot generate SM2 keys")
    raise HyError(errors.RENEWAL_KEYGEN_UNSUPPORTED, cert.key_algorithm or "unknown key")


def new_key_id() -> str:
    """A fresh CKA_ID (hex) for the new key and certificate: never one already on the token."""
    return os.urandom(8).hex()


def public_key_of(obj: Any, curve: ec.EllipticCurve | None) -> Any:
    """The cryptography public key of a PKCS#11 public-key object (``curve`` None: RSA)."""
    if curve is None:
        n = int.from_bytes(obj[Attribute.MODULUS], "big")
        e = int.from_bytes(obj[Attribute.PUBLIC_EXPONENT], "big")
        return rsa.RSAPublicNumbers(e, n).public_key()
    point = bytes(obj[Attribute.EC_POINT])
    if point[0] == 0x04 and point[1] == len(point) - 2:  # DER OCTET STRING around the point
        point = point[2:]
    return ec.EllipticCurvePublicKey.from_encoded_point(curve, point)


def _public_key(obj: Any, spec: str) -> Any:
    return public_key_of(obj, None if spec.startswith("RSA") else _CURVES[KEY_SPECS[spec][1]])


def _spki(public: Any) -> bytes:
    der: bytes = public.public_bytes(serialization.Encoding.DER,
                                     serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def generate(service: TokenService, serial: str, spec: str, key_id: str,
             label: str) -> Future[bytes]:
    """A key pair on the token under ``key_id``; returns the public key (SubjectPublicKeyInfo
    DER). Sign and, for RSA, decrypt (bids are encrypted to it). Private, sensitive, never
    extractable."""
    if spec not in KEY_SPECS:
        raise HyError(errors.RENEWAL_KEYGEN_UNSUPPORTED, spec)

    def job(session: Any, mechanisms: set[Any]) -> bytes:
        common = {Attribute.ID: bytes.fromhex(key_id), Attribute.LABEL: label,
                  Attribute.TOKEN: True}
        private = {**common, Attribute.SIGN: True, Attribute.PRIVATE: True,
                   Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False}
        if spec.startswith("RSA"):
            if Mechanism.RSA_PKCS_KEY_PAIR_GEN not in mechanisms:
                raise HyError(errors.RENEWAL_KEYGEN_UNSUPPORTED, "no RSA key generation")
            public, _ = session.generate_keypair(
                KeyType.RSA, 2048, store=True,
                public_template={**common, Attribute.VERIFY: True, Attribute.ENCRYPT: True},
                private_template={**private, Attribute.DECRYPT: True})
        else:
            if Mechanism.EC_KEY_PAIR_GEN not in mechanisms:
                raise HyError(errors.RENEWAL_KEYGEN_UNSUPPORTED, "no EC key generation")
            params = session.create_domain_parameters(
                KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters(
                    KEY_SPECS[spec][1])}, local=True)
            public, _ = params.generate_keypair(
                store=True, public_template={**common, Attribute.VERIFY: True},
                private_template=private)
        return _spki(_public_key(public, spec))

    return service.with_session(serial, job)


@dataclass(frozen=True)
class KeyOnToken:
    """What a resumed renewal finds under its new CKA_ID."""

    private: bool
    public_spki: bytes | None
    certificates: tuple[bytes, ...]  # DER of certificate objects with this ID


def inspect(service: TokenService, serial: str, key_id: str, spec: str) -> Future[KeyOnToken]:
    def job(session: Any, _mechanisms: set[Any]) -> KeyOnToken:
        kid = bytes.fromhex(key_id)
        private = any(True for _ in session.get_objects(
            {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: kid}))
        publics = list(session.get_objects({Attribute.CLASS: ObjectClass.PUBLIC_KEY,
                                            Attribute.ID: kid}))
        certs = tuple(bytes(o[Attribute.VALUE]) for o in session.get_objects(
            {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.ID: kid}))
        spki = _spki(_public_key(publics[0], spec)) if publics else None
        return KeyOnToken(private, spki, certs)

    return service.with_session(serial, job)


def discard(service: TokenService, serial: str, key_id: str,
            keep: Sequence[str] = ()) -> Future[int]:
    """Remove every object under ``key_id`` (an abandoned renewal's new key); returns how many.
    Refuses an ID in ``keep`` (the current certificate's), whatever the caller passed."""
    if key_id.lower() in {k.lower() for k in keep}:
        raise ValueError("refusing to remove the current key")

    def job(session: Any, _mechanisms: set[Any]) -> int:
        objects = list(session.get_objects({Attribute.ID: bytes.fromhex(key_id)}))
        for obj in objects:
            obj.destroy()
        return len(objects)

    return service.with_session(serial, job)


class _TokenKey:
    """A private key for cryptography's builders whose signature comes from the token.

    Used only on the token thread (inside ``with_session``): ``sign`` calls
    ``TokenService.sign_now`` directly."""

    def __init__(self, service: TokenService, serial: str, key_id: str, public: Any,
                 algorithm: Algorithm) -> None:
        self._service, self._serial, self._key_id = service, serial, key_id
        self._public, self._algorithm = public, algorithm

    def public_key(self) -> Any:
        return self._public

    @property
    def key_size(self) -> int:
        return int(self._public.key_size)

    def _token_sign(self, data: bytes) -> bytes:
        return self._service.sign_now(self._serial, self._key_id, data, self._algorithm)

    def private_numbers(self) -> Any:
        raise UnsupportedAlgorithm("the key never leaves the token")

    def private_bytes(self, *args: Any) -> bytes:
        raise UnsupportedAlgorithm("the key never leaves the token")

    def __copy__(self) -> Any:
        return self

    def __deepcopy__(self, memo: Any) -> Any:
        return self


class _TokenRsaKey(_TokenKey, rsa.RSAPrivateKey):
    def sign(self, data: bytes | bytearray | memoryview, pad: Any, algorithm: Any) -> bytes:
        if not (isinstance(pad, padding.PKCS1v15) and isinstance(algorithm, hashes.SHA256)):
            raise UnsupportedAlgorithm("RSA CSR signatures are PKCS#1 v1.5 with SHA-256")
        return self._token_sign(bytes(data))

    def decrypt(self, ciphertext: bytes, pad: Any) -> bytes:
        raise UnsupportedAlgorithm("decrypt on the token")



class _TokenEcKey(_TokenKey, ec.EllipticCurvePrivateKey):
    @property
    def curve(self) -> ec.EllipticCurve:
        curve: ec.EllipticCurve = self._public.curve
        return curve

    def sign(self, data: bytes | bytearray | memoryview, signature_algorithm: Any) -> bytes:
        raw = self._token_sign(bytes(data))  # r‖s, hashed as the algorithm says
        return ecdsa_raw_to_der(raw, len(raw) // 2)

    def exchange(self, *args: Any) -> bytes:
        raise UnsupportedAlgorithm("no key agreement")



def _hash_of(algorithm: Algorithm) -> hashes.SHA256 | hashes.SHA384:
    return hashes.SHA384() if algorithm == "ES384" else hashes.SHA256()


def build_csr(service: TokenService, serial: str, key_id: str, spec: str, public_spki: bytes,
              subject: x509.Name) -> Future[bytes]:
    """A PKCS#10 request for ``subject`` and the new key, signed on the token; DER."""
    algorithm = KEY_SPECS[spec][0]
    public = serialization.load_der_public_key(public_spki)

    def job(_session: Any, _mechanisms: set[Any]) -> bytes:
        key: Any = (_TokenRsaKey if spec.startswith("RSA") else _TokenEcKey)(
            service, serial, key_id, public, algorithm)
        csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(
            key, _hash_of(algorithm))
        if not csr.is_signature_valid:
            raise HyError(errors.RENEWAL_CSR_INVALID, "signature from the token")
        return csr.public_bytes(serialization.Encoding.DER)

    return service.with_session(serial, job)


def write_certificate(service: TokenService, serial: str, key_id: str, der: bytes,
                      label: str) -> Future[None]:
    """The new certificate under the new key's CKA_ID; written once (a resumed write that finds
    it there does nothing)."""
    cert = x509.load_der_x509_certificate(der)

    def job(session: Any, _mechanisms: set[Any]) -> None:
        kid = bytes.fromhex(key_id)
        for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE,
                                        Attribute.ID: kid}):
            if bytes(obj[Attribute.VALUE]) == der:
                return
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,
            Attribute.PRIVATE: False, Attribute.ID: kid, Attribute.LABEL: label,
            Attribute.VALUE: der, Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.ISSUER: cert.issuer.public_bytes(),
            Attribute.SERIAL_NUMBER: cert.serial_number.to_bytes(20, "big").lstrip(b"\0")
            or b"\0"})

    return service.with_session(serial, job)


@dataclass(frozen=True)
class Verification:
    chain_ok: bool
    key_match: bool
    signature_ok: bool
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.chain_ok and self.key_match and self.signature_ok


def verify(service: TokenService, serial: str, key_id: str, spec: str, der: bytes,
           public_spki: bytes, chain_problem: str = "") -> Future[Verification]:
    """Key match (the certificate's key is the one generated) and a test signature made on the
    token and checked with the new certificate, with the caller's chain check (``chain_problem``
    empty when the chain is right) — before anything depends on the new certificate."""
    from .service import verify as verify_signature

    new = x509.load_der_x509_certificate(der)
    why = chain_problem
    key_match = _spki(new.public_key()) == public_spki
    algorithm = KEY_SPECS[spec][0]

    def job(_session: Any, _mechanisms: set[Any]) -> Verification:
        challenge = os.urandom(64)
        signature = service.sign_now(serial, key_id, challenge, algorithm)
        signed = verify_signature(new.public_key(), algorithm, challenge, signature)
        detail = why or ("" if key_match else "key differs") or (
            "" if signed else "test signature does not verify")
        return Verification(not why, key_match, signed, detail)

    return service.with_session(serial, job)
