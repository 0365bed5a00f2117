"""The 驱动 page against the real sandbox's driver repo and real SoftHSM tokens: detection,
catalogue update, install with progress, cancel, administrator advice."""

from __future__ import annotations

import itertools
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hy_client import config, errors
from hy_client.config import Settings
from hy_client.drafts import DraftStore
from hy_client.drivers.catalogue import FORMAT, public_key_hex, sign_catalogue
from hy_client.drivers.install import driver_root
from hy_client.errors import HyError
from hy_client.sandbox.driver_repo import TEST_DRIVER_ID
from hy_client.signin import SignIn
from ui.context import AppContext
from ui.pages.drivers import ADMIN_ADVICE, ADMIN_HOW, DriversPage, catalogue_store

from .conftest import make_client
from .helpers import check_screen, close_boxes, open_boxes


@pytest.fixture
def drivers_ctx(platform, tokens, qapp):
    """The app's context, trusting the sandbox's catalogue key as a demo config does."""
    pub = (platform.data_dir / "driver-repo" / "catalogue.pub").read_text().strip()
    client = make_client(platform.url)
    context = AppContext(Settings(token_poll_seconds=0.2, catalogue_keys=(pub,)), client,
                         SignIn(client), tokens, DraftStore())
    yield context
    client.close()
    context.drafts.close()


@pytest.fixture
def page(qtbot, drivers_ctx):
    widget = DriversPage(drivers_ctx)
    qtbot.addWidget(widget)
    widget.resize(960, 760)
    widget.show()
    qtbot.waitUntil(lambda: widget.refreshes >= 1, timeout=60000)
    yield widget
    close_boxes()


def column(table, col):
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_lists_the_softhsm_module_and_recommends_its_driver(qtbot, page, provisioned):
    assert page.view is not None
    real = os.path.realpath(provisioned.module)
    rows = [r for r in range(page.modules_table.rowCount())
            if os.path.realpath(page.modules_table.item(r, 0).text()) == real]
    assert rows, column(page.modules_table, 0)
    status = page.modules_table.item(rows[0], 3).text()
    assert status.startswith("正常") and "hy-py" in status  # loaded by the app's service
    keys = [page.keys.item(i).text() for i in range(page.keys.count())]
    assert any("hy-py" in k and "SoftHSM" in k for k in keys), keys
    assert "驱动目录 版本" in page.catalogue_label.text()
    check_screen(page, "drivers-page")


def test_update_catalogue_then_install_the_sandbox_driver_with_progress(qtbot, page, provisioned):
    with qtbot.waitSignal(page.detected, timeout=60000):
        page.update_button.click()
    assert TEST_DRIVER_ID in [d.id for d in page.view.catalogue.drivers]
    assert "已更新" in page.result.text()
    # The new catalogue names modules by other paths (symlinks): each still loads once.
    assert not [s for s in column(page.modules_table, 3) if "M105" in s]
    page.select_driver(TEST_DRIVER_ID)
    entry = page.selected_entry()
    assert entry is not None and entry.id == TEST_DRIVER_ID
    assert page.install_button.isEnabled() and page.install_button.text() == "安装"
    seen: list[tuple[int, int]] = []
    page.progressed.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(page.installed, timeout=120000) as signal:
        page.install_button.click()
        assert page.progress_row.isVisible() and not page.install_button.isEnabled()
        check_screen(page, "drivers-installing")
    result = signal.args[0]
    module = str(driver_root() / TEST_DRIVER_ID / "lib" / "libsofthsm2.so")
    assert result.modules == (module,) and result.registered
    assert config.load().pkcs11_modules == (module,)
    labels = [t.label for t in result.load.tokens]
    assert "hy-py" in labels  # the new copy loads and lists the key
    assert seen and seen[-1] == (entry.size, entry.size)  # the bar went to 100 %
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))
    assert not page.progress_row.isVisible()
    assert "已安装并通过检测" in page.result.text() and "无需重新启动" in page.result.text()
    assert module in page.ctx.tokens.module_paths  # the running service took it: no restart
    qtbot.waitUntil(lambda: module in column(page.modules_table, 0), timeout=60000)
    row = column(page.modules_table, 0).index(module)
    assert page.modules_table.item(row, 3).text().startswith("正常")
    assert not open_boxes()
    check_screen(page, "drivers-installed")


def test_cancel_keeps_nothing_installed(qtbot, page):
    with qtbot.waitSignal(page.detected, timeout=60000):
        page.update_button.click()
    page.select_driver(TEST_DRIVER_ID)
    page.install_button.click()
    page.cancel_button.click()  # before the first block arrives: the download stops there
    qtbot.waitUntil(lambda: not page.progress_row.isVisible(), timeout=60000)
    assert "已取消" in page.result.text()
    assert not (driver_root() / TEST_DRIVER_ID).exists()
    assert config.load().pkcs11_modules == ()
    assert not open_boxes()  # a cancel is not an error


def test_administrator_advice(qtbot, page):
    # UAC refusal cannot happen on this system: deliver the core's error as the job would.
    page._install_failed(HyError(errors.INSTALL_NEEDS_ADMIN, "ShellExecuteEx 1223"))
    assert "管理员" in page.result.text() and ADMIN_HOW in page.result.text()
    assert [b.property("errorCode") for b in open_boxes()] == ["D109"]
    close_boxes()
    check_screen(page, "drivers-needs-admin")


def test_out_of_date_catalogue_and_a_windows_installer_entry(qtbot, drivers_ctx):
    """A signed catalogue cached earlier that has expired since (refused: the page runs on the
    bundled copy and says the catalogue needs an update), then a current one listing a vendor
    installer (needs an administrator)."""
    key = Ed25519PrivateKey.generate()
    past = datetime.now(UTC) - timedelta(days=3)
    driver = {"id": "acme-win", "vendor": {"zh": "某CA厂商", "en": "Acme CA"},
              "token_hints": {"usb": ["096e:0001"], "manufacturer": ["Acme"], "model": []},
              "os": ["windows"], "arch": ["x86_64"], "modules": {"windows": ["acmep11.dll"]},
              "version": "3.1", "url": "https://drivers.example.org/acme-setup.msi",
              "size": 1000, "sha256": "ab" * 32, "install": "windows-installer"}
    body, signature = sign_catalogue(
        {"format": FORMAT, "version": 50, "expires": past.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "drivers": [driver]}, key)
    ctx = replace(drivers_ctx, settings=replace(drivers_ctx.settings,
                                                catalogue_keys=(public_key_hex(key),)))
    store = catalogue_store(ctx)
    with pytest.raises(HyError):
        store.accept(body, signature)  # expired: refused (freeze attack)
    store.root.mkdir(parents=True, exist_ok=True)
    (store.root / "catalogue.json").write_bytes(body)  # as if cached while it was current
    (store.root / "catalogue.json.sig").write_bytes(signature)
    page = DriversPage(ctx)
    qtbot.addWidget(page)
    page.resize(960, 760)
    page.show()
    qtbot.waitUntil(lambda: page.refreshes >= 1, timeout=60000)
    assert page.view is not None and page.view.report.out_of_date
    assert errors.CATALOGUE_EXPIRED.code in page.catalogue_label.text()
    assert page.catalogue_label.property("role") == "warning"
    check_screen(page, "drivers-out-of-date")
    page.close()

    current = {"format": FORMAT, "version": 51, "drivers": [driver],
               "expires": (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    store.accept(*sign_catalogue(current, key))
    page = DriversPage(ctx)
    qtbot.addWidget(page)
    page.resize(960, 760)
    page.show()
    qtbot.waitUntil(lambda: page.refreshes >= 1, timeout=60000)
    page.select_driver("acme-win")
    assert page.entry_note.isVisible() and page.entry_note.text() == ADMIN_ADVICE
    assert not page.install_button.isEnabled()  # a Windows installer on this Linux machine
    assert column(page.catalogue_table, 3) == ["不适用于本机"]
    check_screen(page, "drivers-windows-installer")
