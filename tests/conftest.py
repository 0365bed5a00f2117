"""Every test runs with its own config, data and log dirs and an in-memory keyring."""

from __future__ import annotations

import os
import sys

import keyring
import pytest

from tests.keyrings import MemoryKeyring
from tests.sm2_fixtures import sm2_ca, sm2_module, sm2_root, sm2_token  # noqa: F401 (fixtures)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_addoption(parser: pytest.Parser) -> None:
    """tests/device/ runs only against a real key named on the command line."""
    group = parser.getgroup("device", "tests against a real key (tests/device)")
    group.addoption("--module", metavar="PATH",
                    help="the vendor's PKCS#11 module (absolute path)")
    group.addoption("--token", metavar="SERIAL",
                    help="the serial number of the one key the tests may use")


def pytest_collection_modifyitems(config, items):
    """``windows``-marked tests call the real Windows API: skipped on any other system."""
    if sys.platform == "win32":
        return
    skip = pytest.mark.skip(reason="needs Windows (the windows marker)")
    for item in items:
        if item.get_closest_marker("windows") is not None:
            item.add_marker(skip)


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
