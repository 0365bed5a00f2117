"""The first-run steps over a simulated USB key, the sandbox's driver and real SoftHSM2 keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from hy_client import config, errors, firstrun
from hy_client.drivers import install as inst
from hy_client.drivers.catalogue import trusted_keys
from hy_client.drivers.store import CatalogueStore, catalogue_url_for
from hy_client.errors import HyError
from hy_client.firstrun import FirstRun, FirstRunState
from hy_client.sandbox.driver_repo import TEST_DRIVER_ID, TEST_USB_ID
from hy_client.token.service import TokenService
from tests.softhsm_fixtures import VALID_USCC


def plug(root: Path, name: str, vid_pid: str, manufacturer: str = "", product: str = "") -> None:
    """A device directory as Linux lays it out under /sys/bus/usb/devices."""
    dev = root / name
    dev.mkdir(parents=True)
    vid, pid = vid_pid.split(":")
    (dev / "idVendor").write_text(vid + "\n")
    (dev / "idProduct").write_text(pid + "\n")
    for attr, value in (("manufacturer", manufacturer), ("product", product)):
        if value:
            (dev / attr).write_text(value + "\n")


@pytest.fixture
def usb(tmp_path) -> Path:
    root = tmp_path / "sys-bus-usb-devices"
    plug(root, "usb1", "1d6b:0002", "Linux Foundation", "2.0 root hub")
    (root / "1-1:1.0").mkdir()  # an interface: no ids
    plug(root, "1-1", TEST_USB_ID, "SoftHSM project", "模拟USB CA锁")
    return root


@pytest.fixture
def catalogue(platform, http):
    store = CatalogueStore(inst.catalogue_dir(), trusted_keys(config.load().catalogue_keys))
    return store.refresh(http, catalogue_url_for(platform.server.url))


def test_usb_key_is_recognised_before_any_driver(usb, catalogue):
    (key,) = firstrun.detect_usb_keys(catalogue, usb)
    assert (key.vid_pid, key.driver_ids) == (TEST_USB_ID, (TEST_DRIVER_ID,))
    assert "模拟USB CA锁" in key.describe_zh and "SoftHSM" in key.describe_zh
    assert firstrun.detect_usb_keys(catalogue, usb / "missing") == []


def test_scripted_first_run_is_resumable_and_reaches_login(usb, catalogue, http, provisioned):
    with TokenService([]) as nothing:  # a new workstation: no driver at all
        assert firstrun.should_offer(nothing.scan().result(60))
        wizard = FirstRun(usb_root=usb, token_service=nothing)
        env = wizard.check_environment(timeout=2)
        assert env.status == "ok", env
        key = wizard.check_key(catalogue)
    assert key.status == "attention" and "尚未安装它的驱动" in key.sentence_zh
    assert key.actions == (f"install_driver:{TEST_DRIVER_ID}",)

    resumed = FirstRun(usb_root=usb)  # the wizard was closed and opened again
    assert resumed.state.current == "driver"
    assert resumed.state.results["key"].sentence_zh == key.sentence_zh
    seen: list[int] = []
    driver = resumed.install_driver(catalogue, TEST_DRIVER_ID, http,
                                    progress=lambda got, total: seen.append(got))
    assert driver.status == "ok", driver
    assert driver.data["tokens"]  # the module loads and lists the keys
    assert seen and config.load().pkcs11_modules == tuple(driver.data["modules"])

    with TokenService(list(driver.data["modules"])) as service:
        modules = service.scan(refresh=True).result(60)
    assert not firstrun.should_offer(modules)
    token = next(t for m in modules for t in m.tokens if t.label == "hy-py")
    cert = resumed.check_certificate(token, "01")
    assert cert.status in ("ok", "attention") and VALID_USCC in cert.sentence_zh
    assert "张三" in cert.sentence_zh and resumed.state.current == "login"

    login = resumed.record_login(HyError(errors.CERT_NOT_ACTIVATED))
    assert login.actions == ("activate",) and not resumed.state.finished
    resumed.record_login(None, "demo_bidder")
    assert FirstRunState.load().finished


def test_no_key_at_all_says_so_and_a_damaged_state_starts_over(catalogue, tmp_path):
    empty = tmp_path / "no-devices"
    empty.mkdir()
    wizard = FirstRun(usb_root=empty)
    result = wizard.check_key(catalogue)
    assert result.status == "failed" and "0734-8846545" in result.advice_zh
    assert wizard.state.current == "environment"  # a failed step does not advance
    firstrun.state_path().write_text("{broken")
    assert FirstRunState.load().current == "environment"


def test_default_pin_is_worth_changing():
    assert FirstRun.offer_pin_change("123456") and FirstRun.offer_pin_change("888888")
    assert not FirstRun.offer_pin_change("739251")


def test_install_checks_through_the_programs_service_and_keeps_its_login(
        usb, catalogue, http, provisioned):
    """In the GUI the install uses the program's own TokenService: the new driver joins it,
    and installing again while a key is logged in through that driver does not end the login
    (a second service would re-initialise the library the program shares)."""
    py = provisioned.tokens["hy-py"]
    with TokenService([]) as app:
        wizard = FirstRun(usb_root=usb, token_service=app)
        first = wizard.install_driver(catalogue, TEST_DRIVER_ID, http)
        assert first.status == "ok" and py.serial in first.data["tokens"], first
        assert app.module_paths == list(first.data["modules"])
        app.login(py.serial, py.pin).result(60)

        again = wizard.install_driver(catalogue, TEST_DRIVER_ID, http)
        assert again.status == "ok" and py.serial in again.data["tokens"], again
        assert app.module_paths == list(first.data["modules"])
        signature = app.sign(py.serial, "02", b"still logged in", "ES256").result(60)
    assert len(signature) == 64


def test_a_key_with_no_catalogue_at_all_passes_the_key_step_with_one_scan(
        provisioned, softhsm_module, monkeypatch, tmp_path):
    """No cached and no usable bundled catalogue (the wizard then passes None): the key is still
    found through the configured module and the driver status says so, from the key step's
    own scan (not a second one)."""
    from hy_client.drivers import store

    monkeypatch.setattr(store, "bundled_drivers_dir", lambda: tmp_path / "no-bundled")
    config.save(config.Settings(pkcs11_modules=(softhsm_module,)))
    with TokenService([softhsm_module]) as app:
        scans: list[bool] = []
        scan = app._scan
        monkeypatch.setattr(app, "_scan", lambda refresh: scans.append(refresh) or scan(refresh))
        wizard = FirstRun(usb_root=tmp_path / "no-devices", token_service=app)
        result = wizard.check_key(None)
    assert result.status == "ok", result
    assert result.data["driver_state"] == "recognised" and "hy-py" in result.sentence_zh
    assert scans == [True]
