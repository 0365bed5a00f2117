"""国密 SM2 (GM/T 0003) with SM3 (GM/T 0004), for the protocol, the token layer and the sandbox.

``cryptography`` cannot load an SM2 key or verify an SM2 signature, so the key operations go to
OpenSSL 3's libcrypto through ctypes: the library Python's own ``hashlib`` and ``ssl`` already
load (CPython ships it on Windows), maintained, constant-time, and checked here against the
worked examples of GB/T 32918 (tests/core/test_sm2.py). Pure-Python packages (gmssl: last
release 2023, hex-string API, not constant-time) were not taken for signing or key generation.

Z_A and the message digest e = SM3(Z_A ‖ M) are computed here in Python, because a token whose
vendor mechanism takes the digest needs them from the caller. Signatures travel as raw r‖s
(32 + 32 bytes); certificates carry DER SEQUENCE {r, s} (GM/T 0015), converted at the edges.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import os
import sys
import threading
from dataclasses import dataclass
from typing import Any

from . import errors
from .winsupport import is_windows, load_library_safely

DEFAULT_ID = b"1234567812345678"  # GM/T 0009 default distinguishing identifier
CURVE_OID = "1.2.156.10197.1.301"
SM3_OID = "1.2.156.10197.1.401"
SM2_SM3_OID = "1.2.156.10197.1.501"  # SM2 signature with SM3 (certificates)
EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1"


@dataclass(frozen=True)
class Curve:
    p: int
    a: int
    b: int
    n: int
    gx: int
    gy: int

    @property
    def size(self) -> int:
        return (self.p.bit_length() + 7) // 8


# The recommended curve (GM/T 0003.5 / GB/T 32918.5).
SM2P256 = Curve(
    p=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF,
    a=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC,
    b=0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93,
    n=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
    gx=0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    gy=0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
)
# SubjectPublicKeyInfo of an SM2 key, up to the 65-byte uncompressed point (GM/T 0015).
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")


@dataclass(frozen=True)
class PublicKey:
    """An SM2 public key: the uncompressed point 04 ‖ x ‖ y (65 bytes)."""

    point: bytes

    def __post_init__(self) -> None:
        if len(self.point) != 65 or self.point[0] != 4:
            raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "SM2 public key")

    @property
    def spki(self) -> bytes:
        return _SPKI_PREFIX + self.point

    @classmethod
    def from_spki(cls, der: bytes) -> PublicKey:
        if len(der) != len(_SPKI_PREFIX) + 65 or not der.startswith(_SPKI_PREFIX):
            raise errors.HyError(errors.AUTH_TOKEN_MALFORMED, "not an SM2 public key")
        return cls(der[len(_SPKI_PREFIX):])


# --- SM3, Z_A, e (pure Python over hashlib) ----------------------------------------------------

def sm3(data: bytes) -> bytes:
    """SM3 (GB/T 32905) through hashlib, which OpenSSL 3 backs with ``sm3``."""
    try:
        return hashlib.new("sm3", data).digest()
    except ValueError:
        return _lib().digest_sm3(data)


def z_a(point: bytes, ident: bytes = DEFAULT_ID, curve: Curve = SM2P256) -> bytes:
    """Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), ENTL the ID's length in bits."""
    if len(ident) * 8 > 0xFFFF:
        raise ValueError("SM2 ID too long")
    size = curve.size
    return sm3((len(ident) * 8).to_bytes(2, "big") + ident
               + b"".join(v.to_bytes(size, "big") for v in (curve.a, curve.b, curve.gx, curve.gy))
               + point[1:1 + 2 * size])


def digest(point: bytes, message: bytes, ident: bytes = DEFAULT_ID) -> bytes:
    """e = SM3(Z_A ‖ M): what a token signs when its mechanism takes the digest."""
    return sm3(z_a(point, ident) + message)


# --- r‖s and DER ------------------------------------------------------------------------------

def raw_to_der(raw: bytes) -> bytes:
    """r‖s (32 + 32 bytes) → DER SEQUENCE {r, s}; any other length is an invalid signature."""
    if len(raw) != 64:
        raise errors.HyError(errors.SIGNATURE_INVALID, "SM2 signature length")
    return _der_seq(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))


def der_to_raw(der: bytes) -> bytes:
    """DER SEQUENCE {r, s} → r‖s, strictly (a token answering in DER, certificates)."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
    try:
        r, s = decode_dss_signature(der)
    except ValueError:
        raise errors.HyError(errors.SIGNATURE_INVALID, "SM2 signature DER") from None
    if not (0 < r < 2 ** 256 and 0 < s < 2 ** 256):
        raise errors.HyError(errors.SIGNATURE_INVALID, "SM2 signature range")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _der_seq(r: int, s: int) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    return encode_dss_signature(r, s)


# --- key operations (libcrypto) ---------------------------------------------------------------

def verify(public: PublicKey, message: bytes, raw_signature: bytes,
           ident: bytes = DEFAULT_ID) -> bool:
    """True when ``raw_signature`` (r‖s) is the SM2 signature of ``message`` under ``ident``."""
    if len(raw_signature) != 64:
        return False
    return _lib().verify(public.spki, message, raw_to_der(raw_signature), ident)


def verify_der(public: PublicKey, message: bytes, der_signature: bytes,
               ident: bytes = DEFAULT_ID) -> bool:
    """As ``verify`` for a DER signature (an X.509 certificate's signatureValue); the
    issuer's key is kept decoded (CA keys come up on every login)."""
    return _lib().verify(public.spki, message, der_signature, ident, keep=True)


class PrivateKey:
    """A software SM2 key (the sandbox CA, the 标证通 simulator, tests), kept as PKCS#8 PEM."""

    def __init__(self, pem: bytes) -> None:
        self.pem = pem
        self.public = PublicKey.from_spki(_lib().public_spki(pem))

    @classmethod
    def generate(cls) -> PrivateKey:
        return cls(_lib().generate_pem())

    def sign(self, message: bytes, ident: bytes = DEFAULT_ID) -> bytes:
        """Raw r‖s over SM3(Z_A ‖ message)."""
        return der_to_raw(self.sign_der(message, ident))

    def sign_der(self, message: bytes, ident: bytes = DEFAULT_ID) -> bytes:
        return _lib().sign(self.pem, message, ident)

    def sign_digest(self, e: bytes) -> bytes:
        """Raw r‖s over a digest the caller made (what a caller-hashes mechanism does)."""
        return der_to_raw(_lib().sign_digest(self.pem, e))

    def decrypt(self, ciphertext: bytes) -> bytes:
        return _lib().decrypt(self.pem, ciphertext)


def encrypt(public: PublicKey, plaintext: bytes) -> bytes:
    """SM2 public-key encryption (GM/T 0003.4), GM/T 0009 ASN.1 ciphertext (C1 C3 C2)."""
    return _lib().encrypt(public.spki, plaintext)


def ciphertext_c1c3c2(der: bytes) -> bytes:
    """GM/T 0009 SM2Cipher (DER) → 04 ‖ x ‖ y ‖ C3 ‖ C2, the raw form some drivers take."""
    from asn1crypto import core

    spec = [("x", core.Integer), ("y", core.Integer), ("hash", core.OctetString),
            ("ciphertext", core.OctetString)]
    cipher: Any = type("Sm2Cipher", (core.Sequence,), {"_fields": spec})
    try:
        parsed = cipher.load(der)
        return (b"\x04" + parsed["x"].native.to_bytes(32, "big")
                + parsed["y"].native.to_bytes(32, "big") + parsed["hash"].native
                + parsed["ciphertext"].native)
    except (ValueError, TypeError, OverflowError):
        raise errors.HyError(errors.SM2_KEY_INVALID, "SM2 ciphertext") from None


def available() -> bool:
    """Can this machine do SM2 key operations (an OpenSSL 3 libcrypto with SM2)?"""
    try:
        _lib()
    except errors.HyError:
        return False
    return True


# --- the libcrypto binding --------------------------------------------------------------------

_c = ctypes.c_void_p
_lib_lock = threading.Lock()
_lib_instance: _LibCrypto | None = None


def _lib() -> _LibCrypto:
    global _lib_instance
    with _lib_lock:
        if _lib_instance is None:
            _lib_instance = _LibCrypto(_load_libcrypto())
        return _lib_instance


def _candidates(plat: str = sys.platform) -> list[str]:
    names: list[str] = []
    override = os.environ.get("HY_LIBCRYPTO")
    if override:
        names.append(override)
    if is_windows(plat):
        # CPython's own copy, beside _ssl/_hashlib (DLLs folder; the bundle's root), by
        # absolute path only: never a PATH search (find_library) or a bare name
        import _hashlib
        here = os.path.dirname(getattr(_hashlib, "__file__", "") or sys.executable)
        return names + [os.path.join(here, n) for n in ("libcrypto-3-x64.dll", "libcrypto-3.dll")]
    found = ctypes.util.find_library("crypto")
    if found:
        names.append(found)
    names += ["libcrypto.so.3", "libcrypto.3.dylib"]
    return names


def _load_libcrypto() -> Any:
    # Windows: the vendor-DLL rule (absolute path, dependencies in the safe order); elsewhere
    # the dynamic linker's own search, which never looks in the current directory.
    load = load_library_safely if is_windows() else ctypes.CDLL
    for name in _candidates():
        try:
            lib = load(name)
            lib.OpenSSL_version_num.restype = ctypes.c_ulong
            if lib.OpenSSL_version_num() >= 0x30000000:
                return lib
        except (OSError, AttributeError, errors.HyError):
            continue
    raise errors.HyError(errors.SM2_UNAVAILABLE, "libcrypto 3")


class _LibCrypto:
    """The dozen libcrypto calls SM2 needs, each with argtypes/restype and a checked return."""

    def __init__(self, lib: Any) -> None:
        self.lib = lib
        self._keys: dict[bytes, Any] = {}
        self._keys_lock = threading.Lock()
        sig = {
            "BIO_new_mem_buf": (_c, [ctypes.c_char_p, ctypes.c_int]),
            "BIO_new": (_c, [_c]), "BIO_s_mem": (_c, []), "BIO_free": (ctypes.c_int, [_c]),
            "BIO_ctrl": (ctypes.c_long, [_c, ctypes.c_int, ctypes.c_long, _c]),
            "PEM_read_bio_PrivateKey": (_c, [_c, _c, _c, _c]),
            "PEM_write_bio_PrivateKey": (ctypes.c_int, [_c, _c, _c, _c, ctypes.c_int, _c, _c]),
            "d2i_PUBKEY": (_c, [_c, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]),
            "i2d_PUBKEY": (ctypes.c_int, [_c, ctypes.POINTER(ctypes.c_char_p)]),
            "EVP_PKEY_free": (None, [_c]),
            "EVP_PKEY_is_a": (ctypes.c_int, [_c, ctypes.c_char_p]),
            "EVP_PKEY_CTX_new": (_c, [_c, _c]),
            "EVP_PKEY_CTX_new_from_name": (_c, [_c, ctypes.c_char_p, _c]),
            "EVP_PKEY_CTX_free": (None, [_c]),
            "EVP_PKEY_CTX_set1_id": (ctypes.c_int, [_c, ctypes.c_char_p, ctypes.c_int]),
            "EVP_PKEY_keygen_init": (ctypes.c_int, [_c]),
            "EVP_PKEY_generate": (ctypes.c_int, [_c, ctypes.POINTER(_c)]),
            "EVP_PKEY_sign_init": (ctypes.c_int, [_c]),
            "EVP_PKEY_sign": (ctypes.c_int, [_c, _c, ctypes.POINTER(ctypes.c_size_t),
                                             ctypes.c_char_p, ctypes.c_size_t]),
            "EVP_PKEY_encrypt_init": (ctypes.c_int, [_c]),
            "EVP_PKEY_encrypt": (ctypes.c_int, [_c, _c, ctypes.POINTER(ctypes.c_size_t),
                                                ctypes.c_char_p, ctypes.c_size_t]),
            "EVP_PKEY_decrypt_init": (ctypes.c_int, [_c]),
            "EVP_PKEY_decrypt": (ctypes.c_int, [_c, _c, ctypes.POINTER(ctypes.c_size_t),
                                                ctypes.c_char_p, ctypes.c_size_t]),
            "EVP_MD_CTX_new": (_c, []), "EVP_MD_CTX_free": (None, [_c]),
            "EVP_MD_CTX_set_pkey_ctx": (None, [_c, _c]),
            "EVP_sm3": (_c, []),
            "EVP_DigestSignInit": (ctypes.c_int, [_c, _c, _c, _c, _c]),
            "EVP_DigestSign": (ctypes.c_int, [_c, _c, ctypes.POINTER(ctypes.c_size_t),
                                              ctypes.c_char_p, ctypes.c_size_t]),
            "EVP_DigestVerifyInit": (ctypes.c_int, [_c, _c, _c, _c, _c]),
            "EVP_DigestVerify": (ctypes.c_int, [_c, ctypes.c_char_p, ctypes.c_size_t,
                                                ctypes.c_char_p, ctypes.c_size_t]),
            "EVP_Digest": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t, _c,
                                          ctypes.POINTER(ctypes.c_uint), _c, _c]),
            "ERR_clear_error": (None, []),
        }
        for name, (restype, argtypes) in sig.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        if not lib.EVP_sm3():
            raise errors.HyError(errors.SM2_UNAVAILABLE, "no SM3 in libcrypto")

    # keys
    def _private(self, pem: bytes) -> Any:
        bio = self.lib.BIO_new_mem_buf(pem, len(pem))
        try:
            pkey = self.lib.PEM_read_bio_PrivateKey(bio, None, None, None)
        finally:
            self.lib.BIO_free(bio)
        if not pkey or not self.lib.EVP_PKEY_is_a(pkey, b"SM2"):
            if pkey:
                self.lib.EVP_PKEY_free(pkey)
            self.lib.ERR_clear_error()
            raise errors.HyError(errors.SM2_KEY_INVALID, "private key")
        return pkey

    def _public(self, spki: bytes, keep: bool = False) -> tuple[Any, bool]:
        """The EVP_PKEY for an SPKI. ``keep``: a CA's key, kept for the process (at most 64,
        read-only, safe to share across threads): decoding an SM2 point costs about as much as
        a verification. Returns (key, whether the caller frees it)."""
        with self._keys_lock:
            pkey = self._keys.get(spki)
            if pkey is not None:
                return pkey, False
        buf = ctypes.c_char_p(spki)
        pkey = self.lib.d2i_PUBKEY(None, ctypes.byref(buf), len(spki))
        if not pkey or not self.lib.EVP_PKEY_is_a(pkey, b"SM2"):
            if pkey:
                self.lib.EVP_PKEY_free(pkey)
            self.lib.ERR_clear_error()
            raise errors.HyError(errors.SM2_KEY_INVALID, "public key")
        if keep:
            with self._keys_lock:
                if len(self._keys) < 64 and spki not in self._keys:
                    self._keys[spki] = pkey
                    return pkey, False
        return pkey, True

    def public_spki(self, pem: bytes) -> bytes:
        pkey = self._private(pem)
        try:
            size = self.lib.i2d_PUBKEY(pkey, None)
            out = ctypes.create_string_buffer(size)
            ptr = ctypes.c_char_p(ctypes.addressof(out))
            if self.lib.i2d_PUBKEY(pkey, ctypes.byref(ptr)) != size:
                raise errors.HyError(errors.SM2_KEY_INVALID, "i2d_PUBKEY")
            return out.raw
        finally:
            self.lib.EVP_PKEY_free(pkey)

    def generate_pem(self) -> bytes:
        ctx = self.lib.EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
        pkey = _c()
        try:
            if (not ctx or self.lib.EVP_PKEY_keygen_init(ctx) <= 0
                    or self.lib.EVP_PKEY_generate(ctx, ctypes.byref(pkey)) <= 0):
                raise errors.HyError(errors.SM2_UNAVAILABLE, "SM2 key generation")
        finally:
            self.lib.EVP_PKEY_CTX_free(ctx)
        bio = self.lib.BIO_new(self.lib.BIO_s_mem())
        try:
            if self.lib.PEM_write_bio_PrivateKey(bio, pkey, None, None, 0, None, None) != 1:
                raise errors.HyError(errors.SM2_UNAVAILABLE, "PEM_write_bio_PrivateKey")
            data = ctypes.c_char_p()
            size = self.lib.BIO_ctrl(bio, 3, 0, ctypes.byref(data))  # BIO_get_mem_data
            return ctypes.string_at(data, size)
        finally:
            self.lib.BIO_free(bio)
            self.lib.EVP_PKEY_free(pkey)

    # signatures
    def _md_ctx(self, pkey: Any, ident: bytes) -> tuple[Any, Any]:
        md = self.lib.EVP_MD_CTX_new()
        pctx = self.lib.EVP_PKEY_CTX_new(pkey, None)
        if not md or not pctx or self.lib.EVP_PKEY_CTX_set1_id(pctx, ident, len(ident)) <= 0:
            self.lib.EVP_MD_CTX_free(md)
            self.lib.EVP_PKEY_CTX_free(pctx)
            raise errors.HyError(errors.SM2_UNAVAILABLE, "EVP_PKEY_CTX_set1_id")
        self.lib.EVP_MD_CTX_set_pkey_ctx(md, pctx)  # md does not own pctx: freed by the caller
        return md, pctx

    def sign(self, pem: bytes, message: bytes, ident: bytes) -> bytes:
        pkey = self._private(pem)
        md, pctx = self._md_ctx(pkey, ident)
        try:
            size = ctypes.c_size_t(80)
            out = ctypes.create_string_buffer(80)
            if (self.lib.EVP_DigestSignInit(md, None, self.lib.EVP_sm3(), None, pkey) <= 0
                    or self.lib.EVP_DigestSign(md, out, ctypes.byref(size), message,
                                               len(message)) <= 0):
                raise errors.HyError(errors.SM2_UNAVAILABLE, "EVP_DigestSign")
            return out.raw[:size.value]
        finally:
            self.lib.EVP_MD_CTX_free(md)
            self.lib.EVP_PKEY_CTX_free(pctx)
            self.lib.EVP_PKEY_free(pkey)

    def sign_digest(self, pem: bytes, e: bytes) -> bytes:
        if len(e) != 32:
            raise errors.HyError(errors.SM2_KEY_INVALID, "SM2 digest length")
        pkey = self._private(pem)
        ctx = self.lib.EVP_PKEY_CTX_new(pkey, None)
        try:
            size = ctypes.c_size_t(80)
            out = ctypes.create_string_buffer(80)
            if (not ctx or self.lib.EVP_PKEY_sign_init(ctx) <= 0
                    or self.lib.EVP_PKEY_sign(ctx, out, ctypes.byref(size), e, 32) <= 0):
                raise errors.HyError(errors.SM2_UNAVAILABLE, "EVP_PKEY_sign")
            return out.raw[:size.value]
        finally:
            self.lib.EVP_PKEY_CTX_free(ctx)
            self.lib.EVP_PKEY_free(pkey)

    def verify(self, spki: bytes, message: bytes, der: bytes, ident: bytes,
               keep: bool = False) -> bool:
        pkey, owned = self._public(spki, keep)
        try:
            md, pctx = self._md_ctx(pkey, ident)
        except errors.HyError:
            if owned:
                self.lib.EVP_PKEY_free(pkey)
            raise
        try:
            if self.lib.EVP_DigestVerifyInit(md, None, self.lib.EVP_sm3(), None, pkey) <= 0:
                raise errors.HyError(errors.SM2_UNAVAILABLE, "EVP_DigestVerifyInit")
            ok = self.lib.EVP_DigestVerify(md, der, len(der), message, len(message)) == 1
            self.lib.ERR_clear_error()
            return ok
        finally:
            self.lib.EVP_MD_CTX_free(md)
            self.lib.EVP_PKEY_CTX_free(pctx)
            if owned:
                self.lib.EVP_PKEY_free(pkey)

    # encryption
    def encrypt(self, spki: bytes, plaintext: bytes) -> bytes:
        pkey, owned = self._public(spki)
        return self._crypt(pkey, plaintext, encrypt=True, owned=owned)

    def decrypt(self, pem: bytes, ciphertext: bytes) -> bytes:
        return self._crypt(self._private(pem), ciphertext, encrypt=False, owned=True)

    def _crypt(self, pkey: Any, data: bytes, *, encrypt: bool, owned: bool) -> bytes:
        init = self.lib.EVP_PKEY_encrypt_init if encrypt else self.lib.EVP_PKEY_decrypt_init
        run = self.lib.EVP_PKEY_encrypt if encrypt else self.lib.EVP_PKEY_decrypt
        ctx = self.lib.EVP_PKEY_CTX_new(pkey, None)
        try:
            size = ctypes.c_size_t(0)
            if (not ctx or init(ctx) <= 0
                    or run(ctx, None, ctypes.byref(size), data, len(data)) <= 0):
                self.lib.ERR_clear_error()
                raise errors.HyError(errors.SM2_KEY_INVALID, "SM2 encryption")
            out = ctypes.create_string_buffer(size.value)
            if run(ctx, out, ctypes.byref(size), data, len(data)) <= 0:
                self.lib.ERR_clear_error()
                raise errors.HyError(errors.SM2_KEY_INVALID, "SM2 encryption")
            return out.raw[:size.value]
        finally:
            self.lib.EVP_PKEY_CTX_free(ctx)
            if owned:
                self.lib.EVP_PKEY_free(pkey)

    def digest_sm3(self, data: bytes) -> bytes:
        out = ctypes.create_string_buffer(32)
        size = ctypes.c_uint(32)
        if self.lib.EVP_Digest(data, len(data), out, ctypes.byref(size), self.lib.EVP_sm3(),
                               None) != 1:
            raise errors.HyError(errors.SM2_UNAVAILABLE, "SM3")
        return out.raw


@functools.lru_cache(maxsize=64)  # the CAs' keys come up on every login
def certificate_public_key(der: bytes) -> PublicKey | None:
    """The SM2 public key of a DER certificate; None when its key is not on the SM2 curve."""
    from asn1crypto import x509 as ax509
    try:
        spki = ax509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"].dump()
    except (ValueError, TypeError, KeyError):
        return None
    try:
        return PublicKey.from_spki(spki)
    except errors.HyError:
        return None
