"""The OS keyring, for two things only: the remembered username and the session token.

One keyring service per platform (``hy-client:<origin>``), so a sandbox session never meets the
real platform. A keyring that cannot really store — no backend, the null or fail backend, or one
that writes plaintext files (keyrings.alt) — raises KEYRING_UNAVAILABLE: the login then simply
is not remembered; nothing is ever written to a file of our own instead.

Windows Credential Manager keeps at most 2560 bytes per secret, stored as UTF-16 (1280 BMP
characters): a longer value is refused with CREDENTIAL_TOO_LARGE on every OS, before any write,
so a bidder on Windows never meets a failure the tests on Linux could not show.
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from . import errors

SERVICE_PREFIX = "hy-client:"
USERNAME = "username"  # the two entries under the platform's service; nothing else is stored
SESSION_TOKEN = "session_token"  # noqa: S105 (an entry name, not a secret)

# Backends that look like a keyring but keep nothing, or keep it in plaintext.
_REFUSED_MODULES = ("keyrings.alt",)
_REFUSED_TYPES: tuple[type, ...] = (fail.Keyring, null.Keyring)


CRED_MAX_CREDENTIAL_BLOB_SIZE = 2560  # bytes, wincred.h (5 * 512)


def blob_size(value: str) -> int:
    """Bytes the value takes in a Windows credential blob (keyring writes it as UTF-16-LE)."""
    return len(value.encode("utf-16-le"))


def check_blob_size(value: str) -> None:
    size = blob_size(value)
    if size > CRED_MAX_CREDENTIAL_BLOB_SIZE:
        raise errors.HyError(errors.CREDENTIAL_TOO_LARGE,
                             f"{size} > {CRED_MAX_CREDENTIAL_BLOB_SIZE} bytes")


def service_name(origin: str) -> str:
    return SERVICE_PREFIX + origin


def refusal(backend: KeyringBackend) -> str | None:
    """Why a backend is not trusted with a session token (a class name for support), or None."""
    inner = list(backend.backends) if isinstance(backend, chainer.ChainerBackend) else [backend]
    if not inner:
        return "no keyring backend"
    for b in inner:
        cls = type(b)
        if isinstance(b, _REFUSED_TYPES) or cls.__module__.startswith(_REFUSED_MODULES):
            return f"{cls.__module__}.{cls.__qualname__}"
    return None


class CredentialStore:
    """Username and session token for one platform origin."""

    def __init__(self, origin: str, backend: KeyringBackend | None = None) -> None:
        self.service = service_name(origin)
        self._backend = backend

    def _keyring(self) -> KeyringBackend:
        backend = self._backend or keyring.get_keyring()
        reason = refusal(backend)
        if reason:
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, reason)
        return backend

    def available(self) -> bool:
        try:
            self._keyring()
        except errors.HyError:
            return False
        return True

    def _get(self, entry: str) -> str | None:
        backend = self._keyring()
        try:
            return backend.get_password(self.service, entry)
        except Exception as exc:  # D-Bus, Windows API, locked keychain: any backend failure
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, type(exc).__name__) from None

    def _set(self, entry: str, value: str) -> None:
        check_blob_size(value)  # before anything is written or overwritten
        backend = self._keyring()
        try:
            backend.set_password(self.service, entry, value)
            stored = backend.get_password(self.service, entry)
        except Exception as exc:
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, type(exc).__name__) from None
        if stored != value:  # a backend that accepted the write but keeps nothing
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, "value not kept")

    def _delete(self, entry: str) -> None:
        backend = self._keyring()
        try:
            backend.delete_password(self.service, entry)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored: already forgotten
        except Exception as exc:
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, type(exc).__name__) from None

    def username(self) -> str | None:
        return self._get(USERNAME)

    def remember_username(self, username: str) -> None:
        self._set(USERNAME, username)

    def forget_username(self) -> None:
        self._delete(USERNAME)

    def session_token(self) -> str | None:
        return self._get(SESSION_TOKEN)

    def save_session_token(self, token: str) -> None:
        self._set(SESSION_TOKEN, token)

    def clear_session_token(self) -> None:
        """Logout or an expired session: the token must not outlive it."""
        self._delete(SESSION_TOKEN)

    def clear(self) -> None:
        self.clear_session_token()
        self.forget_username()
