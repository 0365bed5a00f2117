"""A keyring backend for CLI subprocess tests: a JSON file named by HY_TEST_KEYRING_FILE.

Headless Linux has no OS keyring (no D-Bus); the CLI under test still goes through the keyring
API exactly as with the Windows Credential Manager, and the test can read what was stored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ["HY_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self._path.read_text("utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, items: dict[str, str]) -> None:
        self._path.write_text(json.dumps(items, ensure_ascii=False), "utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        items = self._load()
        items[f"{service}|{username}"] = password
        self._save(items)

    def delete_password(self, service: str, username: str) -> None:
        items = self._load()
        items.pop(f"{service}|{username}", None)
        self._save(items)
