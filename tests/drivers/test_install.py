"""End to end against a served repo: refresh, install, the module loads, the token is listed."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization

from hy_client import config, errors
from hy_client.drivers import install as inst
from hy_client.drivers.catalogue import sign_catalogue
from hy_client.drivers.detect import detect
from hy_client.drivers.store import CatalogueStore
from hy_client.drivers.system import UsbDevice
from hy_client.sandbox.driver_repo import TEST_DRIVER_ID
from hy_client.token.modules import diagnose_module_file

from .conftest import pkcs11_tool_probe
from .test_archive import cve_2025_4517_tar, make_tar


def refresh(server, pub, session):
    store = CatalogueStore(inst.catalogue_dir(), [pub])
    return store.refresh(session, f"{server.base_url}/api/v1/drivers/catalogue")


def test_refresh_install_load_list(sandbox_repo, session, softhsm_token):
    server, pub = sandbox_repo
    catalogue = refresh(server, pub, session)
    entry = catalogue.get(TEST_DRIVER_ID)
    progress: list[int] = []
    result = inst.install(entry, session, progress=lambda got, total: progress.append(got),
                          static_check=diagnose_module_file, load_probe=pkcs11_tool_probe)
    module = inst.driver_root() / TEST_DRIVER_ID / "lib" / "libsofthsm2.so"
    assert result.modules == (str(module),)
    assert progress[-1] == entry.size
    assert config.load().pkcs11_modules == (str(module),)
    assert result.load is not None
    assert [t.label for t in result.load.tokens] == [softhsm_token]

    report = detect(catalogue, config.load().pkcs11_modules, inst.driver_root(),
                    static_check=diagnose_module_file, load_probe=pkcs11_tool_probe, usb=[])
    ours = next(m for m in report.modules if m.driver_id == TEST_DRIVER_ID)
    assert ours.loads and ours.version == "2.6.1" and not ours.stale
    assert "config" in ours.sources and "user" in ours.sources
    token_match = next(m for m in report.matches if m.key.startswith("token:SoftHSM project"))
    assert token_match.driver_ids == (TEST_DRIVER_ID,) and token_match.installed
    json.dumps(report.to_json())  # serialisable for --json


def _signed_repo_with(server, tmp_path, entry_changes, package_bytes=None):
    """Re-sign the served catalogue with the sandbox key after changing the test entry."""
    repo = server.root
    key = serialization.load_pem_private_key(
        (tmp_path / "sandbox-data" / "driver-repo-signing.pem").read_bytes(), None)
    doc = json.loads((repo / "catalogue.json").read_bytes())
    doc["version"] += 1
    doc["drivers"][0].update(entry_changes)
    if package_bytes is not None:
        name = "evil.tar.gz"
        (repo / "files" / name).write_bytes(package_bytes)
        doc["drivers"][0].update(url=server.file_url(name), size=len(package_bytes),
                                 sha256=hashlib.sha256(package_bytes).hexdigest())
    body, sig = sign_catalogue(doc, key)
    (repo / "catalogue.json").write_bytes(body)
    (repo / "catalogue.json.sig").write_bytes(sig)


def _nothing_installed():
    assert not (inst.driver_root() / TEST_DRIVER_ID).exists()
    assert config.load().pkcs11_modules == ()


def test_hash_mismatch_installs_nothing(sandbox_repo, session, tmp_path):
    server, pub = sandbox_repo
    _signed_repo_with(server, tmp_path, {"sha256": "0" * 64})
    entry = refresh(server, pub, session).get(TEST_DRIVER_ID)
    with pytest.raises(errors.HyError) as exc:
        inst.install(entry, session)
    assert exc.value.code == "D106"
    _nothing_installed()
    assert list(inst.download_dir().iterdir()) == []


def test_oversize_installs_nothing(sandbox_repo, session, tmp_path):
    server, pub = sandbox_repo
    size = refresh(server, pub, session).get(TEST_DRIVER_ID).size
    _signed_repo_with(server, tmp_path, {"size": size - 10})
    entry = refresh(server, pub, session).get(TEST_DRIVER_ID)
    with pytest.raises(errors.HyError) as exc:
        inst.install(entry, session)
    assert exc.value.code == "D105"
    _nothing_installed()


def _signed_package_is_refused_as_unsafe(sandbox_repo, session, tmp_path, package) -> None:
    """A package the catalogue signs (right size and hash) that is unsafe inside: D108 and
    nothing installed or registered."""
    server, pub = sandbox_repo
    _signed_repo_with(server, tmp_path, {}, package_bytes=package.read_bytes())
    entry = refresh(server, pub, session).get(TEST_DRIVER_ID)
    with pytest.raises(errors.HyError) as exc:
        inst.install(entry, session)
    assert exc.value.code == "D108"
    _nothing_installed()


def test_signed_archive_with_dotdot_unpacks_nothing(sandbox_repo, session, tmp_path):
    evil = make_tar(tmp_path / "evil.tar.gz", [("lib/libsofthsm2.so", b"x", None, "file"),
                                               ("../../escaped.so", b"x", None, "file")])
    _signed_package_is_refused_as_unsafe(sandbox_repo, session, tmp_path, evil)
    assert not list(config.data_dir().rglob("escaped.so"))


def test_signed_cve_2025_4517_package_installs_nothing(sandbox_repo, session, tmp_path):
    """The PATH_MAX symlink-chain package through the whole install: refused, not a success."""
    evil = cve_2025_4517_tar(tmp_path / "cve.tar", escape_levels=4)
    _signed_package_is_refused_as_unsafe(sandbox_repo, session, tmp_path, evil)
    assert not list(tmp_path.rglob("pwned.so"))


def test_module_that_does_not_load_is_not_registered(sandbox_repo, session, tmp_path):
    server, pub = sandbox_repo
    junk = make_tar(tmp_path / "junk.tar.gz", [("lib/libsofthsm2.so", b"not a library", None,
                                                "file")])
    _signed_repo_with(server, tmp_path, {}, package_bytes=junk.read_bytes())
    entry = refresh(server, pub, session).get(TEST_DRIVER_ID)
    with pytest.raises(errors.HyError) as exc:
        inst.install(entry, session, static_check=diagnose_module_file)
    assert exc.value.code == "M102"
    _nothing_installed()


def test_wrong_platform_refused(sandbox_repo, session):
    server, pub = sandbox_repo
    entry = refresh(server, pub, session).get(TEST_DRIVER_ID)
    with pytest.raises(errors.HyError) as exc:
        inst.install(entry, session, os_name="windows")
    assert exc.value.code == "D111"


def test_two_modules_claiming_one_token_and_stale_version(sandbox_repo, session, softhsm_token):
    server, pub = sandbox_repo
    catalogue = refresh(server, pub, session)
    inst.install(catalogue.get(TEST_DRIVER_ID), session)
    manifest = inst.driver_root() / TEST_DRIVER_ID / ".hy-driver.json"
    manifest.write_text(json.dumps({"id": TEST_DRIVER_ID, "version": "2.5.0"}))
    # The system's own SoftHSM2 copy lists the same token: two modules claim it.
    report = detect(catalogue, (*config.load().pkcs11_modules, "/usr/lib/softhsm/libsofthsm2.so"),
                    inst.driver_root(), load_probe=pkcs11_tool_probe,
                    usb=[UsbDevice("096e:0703")])
    kinds = {c.kind for c in report.conflicts}
    assert kinds == {"claimed-twice", "stale"}
    claimed = next(c for c in report.conflicts if c.kind == "claimed-twice")
    assert TEST_DRIVER_ID in claimed.driver_ids and len(claimed.driver_ids) == 2


def test_windows_installer_arguments(tmp_path):
    from pathlib import Path
    assert inst.installer_command(Path("C:/dl/vendor.MSI")) == (
        "msiexec.exe", '/i "C:/dl/vendor.MSI"')
    assert inst.installer_command(Path("C:/dl/setup.exe")) == ("C:/dl/setup.exe", "")
    with pytest.raises(errors.HyError) as exc:
        inst.run_elevated(tmp_path / "setup.exe")
    assert exc.value.code == "D110"
