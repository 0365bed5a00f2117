"""Mechanism choice and signature verification: what to ask a token for, and how the platform
will check the answer. Nothing here touches a token (pure functions over mechanism lists and
public keys), so it is tested without one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from pkcs11 import MGF, KeyType, Mechanism

from .. import auth, errors, sm2
from ..errors import HyError
from ..sm2_conventions import CKM_VENDOR_DEFINED, Sm2Convention
from .models import Algorithm
from .vendor import vendor_mechanism

# Signing mechanisms worth reporting (the full list of a software token is ~70 entries).
_SIGNING = (
    Mechanism.RSA_PKCS, Mechanism.SHA256_RSA_PKCS, Mechanism.RSA_PKCS_PSS,
    Mechanism.SHA256_RSA_PKCS_PSS, Mechanism.ECDSA, Mechanism.ECDSA_SHA256,
    Mechanism.ECDSA_SHA384,
)
# DER DigestInfo prefix for SHA-256, for tokens that only offer raw RSA_PKCS.
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def mechanism_names(mechanisms: Iterable[Any]) -> list[str]:
    """The signing mechanisms worth reporting, then every vendor-defined one by its value.

    A vendor mechanism is named ``VENDOR_0x8000xxxx`` and never guessed to be SM2: no public
    standard assigns PKCS#11 mechanism values to SM2 (GM/T 0016 and GM/T 0018 define the SKF
    and SDF interfaces with their own algorithm identifiers, not CKM values), and vendors'
    modules use different values for it.
    """
    names = [m.name for m in _SIGNING if m in mechanisms]
    vendor = sorted({int(m) for m in mechanisms if int(m) >= CKM_VENDOR_DEFINED})
    return names + [f"VENDOR_0x{v:08X}" for v in vendor]


# (bound sign method, mechanism, mechanism parameter, host-side hashing or None,
#  turning the token's answer into the protocol's signature, checked, or None)
SignPlan = tuple[Callable[..., bytes], Any, Any, Callable[[bytes], bytes] | None,
                 Callable[[bytes, bytes], bytes] | None]


def _digest_info_sha256(data: bytes) -> bytes:
    return _SHA256_DIGEST_INFO + hashlib.sha256(data).digest()


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _sha384(data: bytes) -> bytes:
    return hashlib.sha384(data).digest()


def choose_mechanism(algorithm: Algorithm, key_type: Any, mechanisms: set[Any]
               ) -> tuple[Mechanism, Any, Callable[[bytes], bytes] | None]:
    """(mechanism, parameter, host-side hashing or None): the token hashes when it can."""
    if algorithm == "SM2-SM3":
        raise HyError(errors.SM2_MECHANISM_UNKNOWN, "SM2 needs the driver's description")
    rsa_alg = algorithm in ("RS256", "PS256")
    if (key_type == KeyType.RSA) != rsa_alg or key_type not in (KeyType.RSA, KeyType.EC):
        raise HyError(errors.ALGORITHM_UNSUPPORTED, f"{algorithm} with {key_type!r}")
    if algorithm == "RS256":
        if Mechanism.SHA256_RSA_PKCS in mechanisms:
            return Mechanism.SHA256_RSA_PKCS, None, None
        if Mechanism.RSA_PKCS in mechanisms:
            return Mechanism.RSA_PKCS, None, _digest_info_sha256
    elif algorithm == "PS256":
        param = (Mechanism.SHA256, MGF.SHA256, 32)
        if Mechanism.SHA256_RSA_PKCS_PSS in mechanisms:
            return Mechanism.SHA256_RSA_PKCS_PSS, param, None
        if Mechanism.RSA_PKCS_PSS in mechanisms:
            return Mechanism.RSA_PKCS_PSS, param, _sha256
    else:
        on_token = Mechanism.ECDSA_SHA256 if algorithm == "ES256" else Mechanism.ECDSA_SHA384
        if on_token in mechanisms:
            return on_token, None, None
        if Mechanism.ECDSA in mechanisms:
            return Mechanism.ECDSA, None, _sha256 if algorithm == "ES256" else _sha384
    raise HyError(errors.MECHANISM_UNSUPPORTED, algorithm)


# --- SM2 through a vendor mechanism the driver catalogue describes --------------------------

def effective_sm2(convention: Sm2Convention | None, mechanisms: Iterable[Any]
                  ) -> Sm2Convention | None:
    """What of a module's described SM2 convention this token really offers (its mechanism
    list); None when no described sign mechanism is offered: the SM2 key cannot be used."""
    if convention is None:
        return None
    offered = {int(m) for m in mechanisms}
    sign = tuple(s for s in convention.sign if s.mechanism in offered)
    if not sign:
        return None
    decrypt = convention.decrypt
    if decrypt is not None and decrypt.mechanism not in offered:
        decrypt = None
    return Sm2Convention(sign, decrypt)


def sm2_mechanism(convention: Sm2Convention, public: sm2.PublicKey
                  ) -> tuple[Mechanism, Any, Callable[[bytes], bytes] | None,
                             Callable[[bytes, bytes], bytes]]:
    """(mechanism, parameter, host-side hashing, finish) for SM2-SM3 with the first described
    sign mechanism. ``finish(message, answer)`` gives raw r‖s. The first answer of a plan (one
    per key and login) is verified against the certificate's key, so a description that does
    not match the driver fails loudly (T280) instead of sending a wrong signature; later answers
    of the proven plan get the shape checks only (the mechanism's semantics do not change)."""
    chosen = convention.sign[0]
    mechanism = vendor_mechanism(chosen.mechanism)
    param = sm2.DEFAULT_ID if chosen.input == "message" and chosen.id == "parameter" else None
    point = public.point
    prepare = (lambda data: sm2.digest(point, data)) if chosen.input == "digest" else None
    proven = False

    def finish(message: bytes, answer: bytes) -> bytes:
        nonlocal proven
        answer = bytes(answer)
        try:
            raw = sm2.der_to_raw(answer) if chosen.output == "der" else answer
        except HyError:
            raw = b""
        if len(raw) != 64 or not (proven or sm2.verify(public, message, raw)):
            raise HyError(errors.SM2_MECHANISM_UNKNOWN,
                          f"0x{chosen.mechanism:08X}: the signature does not verify")
        proven = True
        return raw
    return mechanism, param, prepare, finish


def sm2_ciphertext(der: bytes, fmt: str) -> bytes:
    """A GM/T 0009 ciphertext (what ``sm2.encrypt`` gives) in the form a driver decrypts."""
    return der if fmt == "gmt0009-der" else sm2.ciphertext_c1c3c2(der)


def verify(public: Any, algorithm: str, data: bytes, signature: bytes) -> bool:
    """Check a signature as the platform will (ECDSA and SM2 given raw r‖s, as in JWS)."""
    if algorithm == "SM2-SM3" or isinstance(public, sm2.PublicKey):
        try:
            auth.verify_signature(public, algorithm, signature, data)
        except HyError:
            return False
        return True
    try:
        if algorithm == "RS256":
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == "PS256":
            public.verify(signature, data, padding.PSS(padding.MGF1(hashes.SHA256()), 32),
                          hashes.SHA256())
        else:
            der = auth.ecdsa_raw_to_der(signature, len(signature) // 2)
            digest = hashes.SHA256() if algorithm == "ES256" else hashes.SHA384()
            public.verify(der, data, ec.ECDSA(digest))
    except (InvalidSignature, ValueError, TypeError, HyError):
        return False
    return True
