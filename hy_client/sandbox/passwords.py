"""Password hashing (scrypt) and random secrets for sessions, nonces and QR codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading

_N, _R, _P, _LEN = 2**14, 8, 1, 32
# scrypt is CPU-bound by design: at most one hash per core but one runs at once, so a flood of
# (unauthenticated) logins queues here, holding no database lock, and leaves a core for
# everyone else's requests.
_HASHING = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) - 1))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    with _HASHING:
        return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen,
                              maxmem=256 * 1024 * 1024)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = _scrypt(password, salt, _N, _R, _P, _LEN)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${key.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, key = stored.split("$")
        if not (int(n) <= 2**17 and int(r) <= 16 and int(p) <= 4):
            return False  # a stored hash is never this costly: refuse rather than burn a core
        actual = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p),
                         len(bytes.fromhex(key)))
    except ValueError:
        return False
    return hmac.compare_digest(actual, bytes.fromhex(key))


def new_token() -> str:
    """A bearer session token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def new_nonce() -> str:
    """A login challenge: base64 of 32 random bytes, exactly as DESIGN.md specifies."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def token_hash(token: str) -> str:
    """Sessions are stored by hash: a copied database file gives no usable session."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
