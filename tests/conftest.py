"""Every test runs with its own config, data and log dirs and an in-memory keyring."""

from __future__ import annotations

import os

import keyring
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in a dict (no D-Bus on CI)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("hy")
    for name in ("CONFIG", "DATA", "LOG"):
        path = base / name.lower()
        path.mkdir()
        monkeypatch.setenv(f"HY_{name}_DIR", str(path))
    monkeypatch.delenv("HY_PLATFORM_URL", raising=False)
    monkeypatch.delenv("HY_PKCS11_MODULE", raising=False)
    return base


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
