"""Keyring use: only the username and session token, per platform; refuse unusable backends."""

from __future__ import annotations

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from hy_client.credentials import SESSION_TOKEN, USERNAME, CredentialStore, refusal, service_name
from hy_client.errors import HyError

SANDBOX = "http://127.0.0.1:8765"
REAL = "https://ggzy.hengyang.gov.cn"
TOKEN = "sess-4c1f-very-secret-token"


class LockedKeyring(KeyringBackend):
    """A real backend interface whose store refuses every call (a locked or broken keychain)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("cannot store")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


class ForgetfulKeyring(KeyringBackend):
    """Accepts writes and keeps nothing."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        return None

    def delete_password(self, service: str, username: str) -> None:
        return None


class PlaintextKeyring(ForgetfulKeyring):
    """Stands for keyrings.alt.file.PlaintextKeyring (not installed here): refused by module."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


def test_username_and_token_roundtrip_under_the_platform_service(memory_keyring) -> None:
    store = CredentialStore(SANDBOX)
    assert store.username() is None and store.session_token() is None
    store.remember_username("hy_bidder1")
    store.save_session_token(TOKEN)
    assert store.username() == "hy_bidder1" and store.session_token() == TOKEN
    assert set(memory_keyring.items) == {(service_name(SANDBOX), USERNAME),
                                         (service_name(SANDBOX), SESSION_TOKEN)}
    assert service_name(SANDBOX) == "hy-client:http://127.0.0.1:8765"


def test_platforms_are_kept_apart(memory_keyring) -> None:
    CredentialStore(SANDBOX).save_session_token(TOKEN)
    assert CredentialStore(REAL).session_token() is None


def test_logout_clears_the_token_and_keeps_the_username(memory_keyring) -> None:
    store = CredentialStore(REAL)
    store.remember_username("u1")
    store.save_session_token(TOKEN)
    store.clear_session_token()
    store.clear_session_token()  # twice is fine
    assert store.session_token() is None and store.username() == "u1"
    store.clear()
    assert memory_keyring.items == {}


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), PlaintextKeyring()])
def test_refused_backends_without_the_file_fallback(backend: KeyringBackend) -> None:
    assert refusal(backend)
    store = CredentialStore(REAL, backend, fallback=False)
    assert not store.available()
    for call in (lambda: store.save_session_token(TOKEN), store.session_token,
                 lambda: store.remember_username("u")):
        with pytest.raises(HyError) as info:
            call()
        assert info.value.code == "C102"
        assert TOKEN not in str(info.value) and TOKEN not in repr(info.value.to_dict())


def test_refused_as_the_global_keyring_with_the_setting_off() -> None:
    from hy_client import config

    config.update(session_file_fallback=False)
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(HyError) as info:
        CredentialStore(REAL).save_session_token(TOKEN)
    assert info.value.code == "C102"


def test_a_chainer_with_a_plaintext_member_is_refused(monkeypatch, memory_keyring) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [memory_keyring, PlaintextKeyring()])
    assert refusal(chainer.ChainerBackend())
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [memory_keyring])
    assert refusal(chainer.ChainerBackend()) is None
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    assert refusal(chainer.ChainerBackend()) == "no keyring backend"


@pytest.mark.parametrize("backend", [LockedKeyring(), ForgetfulKeyring()])
def test_failing_backends_raise_never_fall_back(backend: KeyringBackend, isolated_dirs) -> None:
    store = CredentialStore(REAL, backend)
    with pytest.raises(HyError) as info:
        store.save_session_token(TOKEN)
    assert info.value.code == "C102"
    assert TOKEN not in str(info.value)
    # nothing of ours was written anywhere instead
    assert not any(TOKEN.encode() in p.read_bytes()
                   for p in isolated_dirs.rglob("*") if p.is_file())


def test_locked_keyring_on_read_and_delete() -> None:
    store = CredentialStore(REAL, LockedKeyring())
    for call in (store.session_token, store.clear_session_token):
        with pytest.raises(HyError) as info:
            call()
        assert info.value.code == "C102" and info.value.detail == "KeyringLocked"


# --- no OS keyring: the session file ------------------------------------------------------------
def test_no_keyring_keeps_the_session_in_a_user_only_file(isolated_dirs) -> None:
    import os
    import stat

    keyring.set_keyring(fail.Keyring())
    store = CredentialStore(REAL)
    assert store.available() and store.uses_file
    store.remember_username("某某建设有限公司")
    store.save_session_token(TOKEN)
    assert CredentialStore(REAL).session_token() == TOKEN  # a later command finds it
    assert CredentialStore(REAL).username() == "某某建设有限公司"
    assert CredentialStore(SANDBOX).session_token() is None  # per platform
    path = store.file_path
    assert path.is_file() and REAL not in path.name
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    store.clear_session_token()  # logout: the file goes, username and all
    assert not path.exists()
    assert store.session_token() is None and store.username() is None


def test_logout_deletes_the_file_even_after_a_keyring_appeared(isolated_dirs,
                                                               memory_keyring) -> None:
    keyring.set_keyring(fail.Keyring())
    store = CredentialStore(REAL)
    store.save_session_token(TOKEN)
    keyring.set_keyring(memory_keyring)
    store.clear_session_token()
    assert not store.file_path.exists()


def test_a_file_from_another_origin_is_not_read(isolated_dirs) -> None:
    keyring.set_keyring(fail.Keyring())
    store = CredentialStore(REAL)
    store.save_session_token(TOKEN)
    other = CredentialStore(SANDBOX)
    other.file_path.parent.mkdir(parents=True, exist_ok=True)
    other.file_path.write_bytes(store.file_path.read_bytes())  # copied by hand
    assert other.session_token() is None
