"""The OS keyring, for two things only: the remembered username and the session token.

One keyring service per platform (``hy-client:<origin>``), so a sandbox session never meets the
real platform. A machine with no usable keyring — no backend, the null or fail backend, or one
that writes plaintext files anyone may read (keyrings.alt) — is common (Linux without Secret
Service, a support engineer's SSH session). There the two entries go to a session file readable
only by the user (0600 on POSIX; on Windows it lives under the user's profile, whose ACL admits
only the user, SYSTEM and administrators), and the caller shows a one-line warning
(SESSION_IN_FILE). ``logout`` deletes the file. The setting ``session_file_fallback = false``
turns the fallback off: then the login is simply not remembered (KEYRING_UNAVAILABLE).
A keyring that exists but fails (locked, or keeps nothing) is an error, never a reason to write
a file instead.

Windows Credential Manager keeps at most 2560 bytes per secret, stored as UTF-16 (1280 BMP
characters): a longer value is refused with CREDENTIAL_TOO_LARGE on every OS, before any write,
so a bidder on Windows never meets a failure the tests on Linux could not show.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from . import config, errors, private
from .owner import origin_tag

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


def session_file(origin: str) -> Path:
    """The fallback file for one platform origin (the origin hashed: no URL in a file name)."""
    return config.data_dir() / "sessions" / f"{origin_tag(origin)}.json"


def _fallback_enabled() -> bool:
    try:
        return config.load().session_file_fallback
    except errors.HyError:
        return True  # a broken config file must not also log the bidder out


class SessionFile:
    """Username and session token in a JSON file only the user can read."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.path = session_file(origin)

    def read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, type(exc).__name__) from None
        if not isinstance(data, dict) or data.get("origin") != self.origin:
            return {}
        return {k: v for k, v in data.items() if k in (USERNAME, SESSION_TOKEN)
                and isinstance(v, str)}

    def write(self, entries: dict[str, str]) -> None:
        """Atomically; the file is created 0600 so the token is never readable by others."""
        if not entries:
            self.delete()
            return
        try:
            private.private_dir(self.path.parent, narrow=True)  # an older version's wider one
            private.write_private(self.path, json.dumps({"origin": self.origin, **entries}))
        except OSError as exc:
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, type(exc).__name__) from None

    def delete(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class CredentialStore:
    """Username and session token for one platform origin.

    ``fallback``: use the session file when there is no usable keyring (None: the setting).
    """

    def __init__(self, origin: str, backend: KeyringBackend | None = None, *,
                 fallback: bool | None = None) -> None:
        self.service = service_name(origin)
        self._backend = backend
        self._file = SessionFile(origin)
        self._fallback = fallback

    @property
    def fallback_enabled(self) -> bool:
        return _fallback_enabled() if self._fallback is None else self._fallback

    def _refusal(self) -> str | None:
        return refusal(self._backend or keyring.get_keyring())

    @property
    def uses_file(self) -> bool:
        """True when the entries live in the session file (no keyring, fallback on)."""
        return self._refusal() is not None and self.fallback_enabled

    @property
    def file_path(self) -> Path:
        return self._file.path

    def _keyring(self) -> KeyringBackend:
        backend = self._backend or keyring.get_keyring()
        reason = refusal(backend)
        if reason:
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, reason)
        return backend

    def available(self) -> bool:
        """Whether a login can be remembered at all (keyring, or the session file)."""
        return self._refusal() is None or self.fallback_enabled

    def _get(self, entry: str) -> str | None:
        if self.uses_file:
            return self._file.read().get(entry)
        backend = self._keyring()
        try:
            return backend.get_password(self.service, entry)
        except Exception as exc:  # D-Bus, Windows API, locked keychain: any backend failure
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, type(exc).__name__) from None

    def _set(self, entry: str, value: str) -> None:
        check_blob_size(value)  # before anything is written or overwritten
        if self.uses_file:
            self._file.write({**self._file.read(), entry: value})
            return
        backend = self._keyring()
        try:
            backend.set_password(self.service, entry, value)
            stored = backend.get_password(self.service, entry)
        except Exception as exc:
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, type(exc).__name__) from None
        if stored != value:  # a backend that accepted the write but keeps nothing
            raise errors.HyError(errors.KEYRING_UNAVAILABLE, "value not kept")

    def _delete(self, entry: str) -> None:
        # The file goes whatever the keyring says: a logout must not leave a token behind
        # from a time the keyring was missing.
        # Forgetting the session removes the whole file ("logout deletes it").
        if entry == SESSION_TOKEN:
            self._file.delete()
        elif self._file.path.exists():
            entries = self._file.read()
            if entries.pop(entry, None) is not None:
                self._file.write(entries)
        if self.uses_file or self._refusal() is not None:
            return
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
