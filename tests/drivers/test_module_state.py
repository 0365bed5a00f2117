"""The tri-state of a module: a file the static check refuses (a 32-bit driver) never counts as
installed, on any surface, and `drivers check` reports it with a non-zero exit."""

from __future__ import annotations

import json
import os
import shutil
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hy_client import config, errors
from hy_client.cli import main
from hy_client.drivers.catalogue import Catalogue, DriverEntry, TokenHints, Vendor
from hy_client.drivers.detect import InstalledModule, TokenSeen, detect
from hy_client.drivers.install import driver_root
from hy_client.sandbox.driver_repo import TEST_DRIVER_ID
from hy_client.token.modules import diagnose_module_file

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"


def elf32_x86_library() -> bytes:
    """The header of a 32-bit x86 shared object: what a 32-bit vendor driver looks like."""
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)  # ELFCLASS32, little-endian
    return ident + struct.pack("<HH", 3, 3) + bytes(64)  # ET_DYN, EM_386


def _catalogue(module: str) -> Catalogue:
    entry = DriverEntry(
        id="vendor-x", vendor=Vendor("某CA", "Some CA"),
        token_hints=TokenHints(manufacturer=("Some CA",)), os=("linux", "windows"),
        arch=("x86_64",), modules={"linux": (module,)}, version="1.0")
    return Catalogue(1, datetime.now(UTC) + timedelta(days=30), (entry,), "bundled")


def test_a_32bit_driver_is_not_installed(tmp_path):
    root = tmp_path / "drivers"
    (root / "vendor-x" / "lib").mkdir(parents=True)
    (root / "vendor-x" / "lib" / "vendor.so").write_bytes(elf32_x86_library())
    catalogue = _catalogue("lib/vendor.so")
    key = TokenSeen("k", "Some CA", "m", "1")
    # Without a load probe (`drivers list`), the static check alone decides.
    report = detect(catalogue, (), root, static_check=diagnose_module_file, tokens=[key], usb=[])
    module = next(m for m in report.modules if m.driver_id == "vendor-x")
    assert module.problem == errors.MODULE_WRONG_ARCH
    assert module.loads is False and module.state == "fails" and not module.installed
    assert module.to_json()["state"] == "fails"
    assert [m.installed for m in report.matches] == [False]


def test_a_good_file_not_probed_counts_as_installed(tmp_path):
    root = tmp_path / "drivers"
    (root / "vendor-x" / "lib").mkdir(parents=True)
    shutil.copy(SOFTHSM, root / "vendor-x" / "lib" / "vendor.so")
    report = detect(_catalogue("lib/vendor.so"), (), root, tokens=[TokenSeen("k", "Some CA",
                                                                              "m", "1")], usb=[])
    module = next(m for m in report.modules if m.driver_id == "vendor-x")
    assert module.state == "unprobed" and module.installed and report.matches[0].installed


def test_a_problem_always_means_not_loading():
    refused = InstalledModule("/x.so", ("config",), None, True, problem=errors.MODULE_WRONG_ARCH)
    assert refused.loads is False and refused.state == "fails"
    assert InstalledModule("/y.so", ("config",), None, False).state == "missing"
    with pytest.raises(ValueError):
        InstalledModule("/z.so", ("config",), None, True, problem=errors.MODULE_WRONG_ARCH,
                        loads=True)


def test_drivers_check_fails_for_a_32bit_catalogue_driver(sandbox_repo, softhsm_token,
                                                           monkeypatch, capsys):
    server, pub = sandbox_repo
    monkeypatch.setenv("HY_PLATFORM_URL", server.base_url)
    config.update(catalogue_keys=(pub,))
    assert main(["drivers", "update"]) == 0
    assert main(["drivers", "install", TEST_DRIVER_ID]) == 0
    module = Path(driver_root() / TEST_DRIVER_ID / "lib" / "libsofthsm2.so")
    # The vendor shipped a 32-bit build (replaced, not rewritten: the old copy is mapped).
    (module.parent / "new.so").write_bytes(elf32_x86_library())
    os.replace(module.parent / "new.so", module)
    config.update(pkcs11_modules=())  # not configured: only the catalogue knows it
    capsys.readouterr()

    assert main(["drivers", "check", "--json"]) == 1
    ours = next(m for m in json.loads(capsys.readouterr().out)["modules"]
                if m["path"] == str(module))
    assert ours["state"] == "fails" and ours["problem"]["code"] == errors.MODULE_WRONG_ARCH.code
    assert main(["drivers", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines()
                if x.strip().startswith(TEST_DRIVER_ID))
    assert "未安装" in line
