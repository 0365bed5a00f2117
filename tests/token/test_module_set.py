"""Modules added and dropped while the service runs, one load per library file, probes of
modules the service does not own, and vendor mechanisms — on real SoftHSM2 tokens."""

from __future__ import annotations

import os
import shutil

import pkcs11
import pytest
from pkcs11 import Mechanism

from hy_client import errors
from hy_client.driver_probe import token_probe
from hy_client.errors import HyError
from hy_client.token.models import all_tokens
from hy_client.token.service import TokenService, mechanism_names, token_service

VENDOR_SM2_LIKE = 0x80000101  # some vendor's value; nothing here may call it SM2


@pytest.fixture(scope="module")
def alias(provisioned, tmp_path_factory):
    """A second path string for the SoftHSM2 file (as p11-kit's name vs the catalogue's)."""
    link = tmp_path_factory.mktemp("alias") / "libvendor-alias.so"
    link.symlink_to(os.path.realpath(provisioned.module))
    return str(link)


@pytest.fixture(scope="module")
def other_module(provisioned, tmp_path_factory):
    """A different library file (a copy), as a driver freshly unpacked into the driver dir."""
    copy = tmp_path_factory.mktemp("driver") / "libvendor-copy.so"
    shutil.copy(os.path.realpath(provisioned.module), copy)
    return str(copy)


def _labels(modules):
    return {t.label for t in all_tokens(modules)}


def _serials(provisioned):
    return {spec.serial for spec in provisioned.tokens.values()}


def test_set_modules_loads_and_drops_while_running(provisioned):
    events = []
    svc = TokenService([])
    svc.subscribe(events.append)
    try:
        assert svc.scan().result() == []
        mods = svc.set_modules([provisioned.module]).result()
        assert [m.path for m in mods] == [provisioned.module] and mods[0].error is None
        assert {"hy-py", "hy-tool"} <= _labels(mods)
        assert svc.module_paths == [provisioned.module]
        inserted = {e.serial for e in events if e.kind == "inserted"}
        assert _serials(provisioned) <= inserted
        events.clear()

        assert svc.set_modules([]).result() == []
        assert {(e.kind, e.serial) for e in events} >= {("removed", s)
                                                      for s in _serials(provisioned)}
        assert all(e.kind == "removed" for e in events) and svc.module_paths == []
        with pytest.raises(HyError) as info:
            svc.token_info(provisioned.tokens["hy-py"].serial).result()
        assert info.value.info is errors.NO_TOKEN
        events.clear()

        # added again: the library was loaded before, so it is re-initialised and read afresh
        assert {"hy-py", "hy-tool"} <= _labels(svc.set_modules([provisioned.module]).result())
        assert _serials(provisioned) <= {e.serial for e in events if e.kind == "inserted"}
    finally:
        svc.close()


def test_a_module_with_a_logged_in_key_is_not_dropped(provisioned, other_module):
    py = provisioned.tokens["hy-py"]
    events = []
    svc = TokenService([provisioned.module])
    try:
        svc.scan().result()
        svc.login(py.serial, py.pin).result()
        svc.subscribe(events.append)
        with pytest.raises(HyError) as info:
            svc.set_modules([other_module]).result()
        assert info.value.info is errors.MODULE_IN_USE and provisioned.module in info.value.detail
        assert svc.module_paths == [provisioned.module] and events == []
        # adding a module beside it keeps the session: the key still signs
        mods = svc.set_modules([provisioned.module, other_module]).result()
        assert [m.path for m in mods] == [provisioned.module, other_module]
        assert all(m.error is None for m in mods)
        assert svc.token_info(py.serial).result().logged_in
        assert svc.sign(py.serial, "02", b"still here", "ES256").result()
        # the copy lists the same keys; they stay with the module that found them first
        assert mods[1].tokens == [] and events == []
        svc.logout(py.serial).result()
        svc.set_modules([other_module]).result()
        assert _serials(provisioned) <= {e.serial for e in events if e.kind == "inserted"}
        assert svc.token_info(py.serial).result().label == "hy-py"
    finally:
        svc.close()


def test_same_file_under_another_path_is_loaded_once(provisioned, alias):
    """The library is already loaded in this process under its usual path; a service given
    only the alias uses that load and reports the alias (a second load failed with M105)."""
    with TokenService([alias]) as svc:
        (module,) = svc.scan().result()
        assert module.error is None and module.path == alias
        assert {"hy-py", "hy-tool"} <= {t.label for t in module.tokens}
    with TokenService([provisioned.module, alias]) as svc:
        assert svc.module_paths == [provisioned.module]
        assert [m.path for m in svc.scan().result()] == [provisioned.module]
        events = []
        svc.subscribe(events.append)
        (module,) = svc.set_modules([alias]).result()  # the same file: nothing comes or goes
        assert module.path == alias and module.error is None and events == []
        assert svc.module_paths == [alias]


def test_probe_of_modules_outside_the_service(provisioned, other_module, tmp_path):
    events = []
    with TokenService([provisioned.module]) as svc:
        svc.subscribe(events.append)
        missing = str(tmp_path / "missing.so")
        own, other, gone = svc.probe([provisioned.module, other_module, missing]).result()
        assert own.path == provisioned.module and {"hy-py", "hy-tool"} <= _labels([own])
        assert other.path == other_module and other.error is None
        assert {"hy-py", "hy-tool"} <= _labels([other])
        assert all(t.certificates == [] for t in other.tokens)  # slots only: no session
        assert gone.error is errors.MODULE_NOT_FOUND
        assert svc.module_paths == [provisioned.module]
        assert {e.serial for e in events} <= _serials(provisioned) | {
            t.serial for t in own.tokens}  # only the owned module's first scan
        # the drivers check answers from the same service
        probe = token_probe([provisioned.module, other_module, missing], svc)
        assert probe(other_module).manufacturer == own.manufacturer
        assert {t.label for t in probe(provisioned.module).tokens} >= {"hy-py", "hy-tool"}
        with pytest.raises(HyError) as info:
            probe(missing)
        assert info.value.info is errors.MODULE_NOT_FOUND


def test_token_probe_without_a_service_makes_its_own(provisioned, alias):
    probe = token_probe([alias])
    assert {t.label for t in probe(alias).tokens} >= {"hy-py", "hy-tool"}


def test_token_service_helper(provisioned, tmp_path):
    with token_service([provisioned.module]) as svc:
        assert svc.module_paths == [provisioned.module]
        assert {"hy-py", "hy-tool"} <= _labels(svc.scan().result())


# --- vendor mechanisms ------------------------------------------------------------------------

class _Wrap:
    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)


class _VendorLib(_Wrap):
    """The real module whose slots also offer vendor-defined mechanisms (SoftHSM has none)."""

    def get_slots(self, token_present=False):
        return [_VendorSlot(s) for s in self._real.get_slots(token_present=token_present)]


class _VendorSlot(_Wrap):
    def get_mechanisms(self):
        return self._real.get_mechanisms() | {VENDOR_SM2_LIKE, 0x80000001}


def test_vendor_mechanisms_are_reported_by_value(provisioned):
    svc = TokenService([provisioned.module], loader=lambda p: _VendorLib(pkcs11.lib(p)))
    try:
        token = next(t for t in all_tokens(svc.scan().result()) if t.label == "hy-py")
        assert {"SHA256_RSA_PKCS", "ECDSA"} <= set(token.mechanisms)
        assert token.mechanisms[-2:] == ["VENDOR_0x80000001", "VENDOR_0x80000101"]
        assert not any("SM2" in m for m in token.mechanisms)
        # diagnostics names them as what they may be, without claiming SM2
        from hy_client import diagnostics
        report = diagnostics.run_diagnostics(sections=["tokens"], token_service=svc)
        (finding,) = [f for f in report.findings if f.id == f"tokens.mechanisms.{token.serial}"]
        assert "厂商自定义算法（可能为国密SM2）：VENDOR_0x80000001、VENDOR_0x80000101" in (
            finding.detail_zh)
        assert finding.severity == "ok" and finding.data["sm2"] == []
    finally:
        svc.close()


def test_mechanism_names():
    mechs = {Mechanism.ECDSA, Mechanism.AES_CBC, Mechanism._VENDOR_DEFINED, 0x8000ABCD}
    assert mechanism_names(mechs) == ["ECDSA", "VENDOR_0x80000000", "VENDOR_0x8000ABCD"]
    assert mechanism_names(set()) == []


def test_repair_changes_the_running_services_modules(provisioned, tmp_path):
    """A configured module that no longer loads is removed from the settings and from the
    program's running service, which the check after the repair then uses."""
    from hy_client import config, repair

    broken = tmp_path / "libgone-p11.so"
    broken.write_text("uninstalled by the vendor's uninstaller\n")
    config.update(pkcs11_modules=(str(broken), provisioned.module))
    with TokenService([str(broken), provisioned.module]) as svc:
        run = repair.run_repair(sections=["modules"], token_service=svc, timeout=1)
        (removed,) = [r for r in run.results if r.repair.action == "remove_module"]
        assert removed.ok and removed.restart_tokens and removed.cleared
        assert svc.module_paths == [provisioned.module]
        assert config.load().pkcs11_modules == (provisioned.module,)
        assert {"hy-py", "hy-tool"} <= _labels(svc.scan().result())
