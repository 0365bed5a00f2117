"""Tests against a real key, to qualify a vendor's key and driver (as yubikey-manager's
``tests/device``). They run only when given both::

    HY_DEVICE_PIN=… pytest tests/device --module /path/to/vendor-pkcs11.so --token SERIAL

and are skipped otherwise. They never write to the key (no objects made or deleted, no PIN
change): list, read the PIN flags, log in once, sign, self-test, log out. The serial is checked
against the keys the module lists before anything touches a key, and a key whose PIN was
already entered wrongly is not logged in (one more wrong try could lock it). The PIN comes from
``HY_DEVICE_PIN`` (never the command line, which other users can read); a PIN-pad reader needs
none (``HY_DEVICE_PIN`` unset, the PIN typed on the pad when asked).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from hy_client.token.models import CertificateInfo, TokenInfo, all_tokens
from hy_client.token.service import TokenService

TIMEOUT = 120.0  # a real key over USB, a PIN pad waiting for the user


@dataclass
class Device:
    service: TokenService
    module: str
    token: TokenInfo

    @property
    def serial(self) -> str:
        return self.token.serial

    def certificates(self) -> list[CertificateInfo]:
        return [c for c in self.token.certificates if c.error is None]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--module") and config.getoption("--token"):
        return
    skip = pytest.mark.skip(reason="device tests need --module PATH --token SERIAL")
    for item in items:
        if "tests/device/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def device(request: pytest.FixtureRequest) -> Iterator[Device]:
    """The one key named by --token, found through --module; nothing else is touched."""
    module, serial = request.config.getoption("--module"), request.config.getoption("--token")
    if not module or not serial:
        pytest.skip("device tests need --module PATH --token SERIAL")
    service = TokenService([module])
    try:
        modules = service.scan(refresh=True).result(TIMEOUT)
        loaded = modules[0] if modules else None
        if loaded is None or loaded.error is not None:
            pytest.exit(f"module {module} did not load: "
                        f"{loaded.error.code if loaded and loaded.error else 'not listed'} "
                        f"{loaded.error_detail if loaded else ''}", returncode=3)
        tokens = all_tokens(modules)
        found = [t for t in tokens if t.serial == serial]
        if len(found) != 1:
            listed = ", ".join(f"{t.label} ({t.serial})" for t in tokens) or "none"
            pytest.exit(f"key with serial {serial!r} not found; the module lists: {listed}. "
                        "No key was touched.", returncode=3)
        yield Device(service, module, found[0])
    finally:
        service.close()


@pytest.fixture(scope="session")
def logged_in(device: Device) -> Iterator[Device]:
    """The key logged in once for the session (never retried), logged out at the end."""
    flags = device.service.token_flags(device.serial).result(TIMEOUT)
    if flags.user_pin_locked:
        pytest.skip("the key's PIN is locked")
    if flags.user_pin_count_low or flags.user_pin_final_try:
        pytest.skip("the PIN was already entered wrongly: not risking another try")
    pin = os.environ.get("HY_DEVICE_PIN")
    if flags.login_required and not flags.protected_auth_path and not pin:
        pytest.skip("set HY_DEVICE_PIN to log in (not needed for a PIN-pad reader)")
    device.service.login(device.serial, pin if not flags.protected_auth_path else None
                         ).result(TIMEOUT)
    try:
        yield device
    finally:
        device.service.logout(device.serial).result(TIMEOUT)
