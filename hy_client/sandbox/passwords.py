"""Password hashing (scrypt) and random secrets for sessions, nonces and QR codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P, _LEN = 2**14, 8, 1, 32


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_LEN)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${key.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, key = stored.split("$")
        actual = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n),
                                r=int(r), p=int(p), dklen=len(bytes.fromhex(key)))
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
