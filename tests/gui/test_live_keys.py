"""The key as it is now, wherever a key is shown; one driver status on every surface."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from hy_client import config
from hy_client.driver_status import current_report, driver_status
from hy_client.drivers import install as inst
from hy_client.drivers.catalogue import trusted_keys
from hy_client.drivers.store import CatalogueStore
from hy_client.firstrun import FirstRun
from ui import key_notice
from ui.login import LoginWindow
from ui.main_window import MainWindow
from ui.pages.drivers import DriversPage

from .conftest import register_account
from .helpers import check_screen, close_boxes, open_boxes


def _free_the_module(tokens, provisioned) -> None:
    for t in provisioned.tokens.values():  # a logged-in session blocks re-initialisation
        tokens.logout(t.serial).result(10)


def test_a_pulled_key_closes_its_pin_dialog_and_the_session_notices(
        qtbot, ctx, tokens, provisioned):
    _free_the_module(tokens, provisioned)
    username, password = register_account(ctx.client)
    window = MainWindow(ctx, ctx.signin.password_login(username, password).account)
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    page = window.open_page("certificates")
    spec = provisioned.new_token("hy-live")  # plugged in while the window is open
    qtbot.waitUntil(lambda: any(c.serial == spec.serial for c in page.choices), timeout=20000)
    page.picker.setCurrentIndex(next(i for i, c in enumerate(page.choices)
                                     if c.serial == spec.serial))
    page.activate_button.click()
    qtbot.waitUntil(lambda: page.pin_dialog is not None, timeout=20000)
    qtbot.keyClicks(page.pin_dialog.field, spec.pin[:2])

    provisioned.env.delete_token("hy-live")
    qtbot.waitUntil(lambda: page.pin_dialog is None and bool(open_boxes()), timeout=20000)
    box = open_boxes()[0]
    assert box.property("errorCode") == "T108" and "CA锁已拔出" in box.text()
    close_boxes()
    qtbot.waitUntil(lambda: window.key_notice.isVisible(), timeout=20000)
    notice = window.key_notice.text()
    assert "hy-live" in notice and "已拔出" in notice and "仍可" in notice
    # the tray's balloon says the same for the same key (test_tray)
    assert notice == key_notice.removed_text(["hy-live"], person=window.account.kind == "person")
    qtbot.waitUntil(lambda: all(c.serial != spec.serial for c in page.choices), timeout=20000)

    # Another key plugged in: shown at once; the key selected before stays selected.
    kept = page.current()
    other = provisioned.new_token("hy-back")
    qtbot.waitUntil(lambda: any(c.serial == other.serial for c in page.choices), timeout=20000)
    now = page.current()
    assert kept is None or (now is not None and (now.serial, now.cert_id)
                            == (kept.serial, kept.cert_id))
    assert window.key_notice.isVisible()  # hy-live itself is still gone
    provisioned.env.delete_token("hy-back")
    qtbot.waitUntil(lambda: all(c.serial != other.serial for c in page.choices),
                    timeout=20000)
    window.close()


def test_every_surface_shows_the_one_driver_status(qtbot, ctx, tokens, provisioned, tmp_path):
    settings = config.load()
    catalogue = CatalogueStore(inst.catalogue_dir(),
                               trusted_keys(settings.catalogue_keys)).current()
    core = driver_status(current_report(catalogue, settings.pkcs11_modules, tokens))
    assert core.state == "recognised" and "hy-py" in core.keys

    page = DriversPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.refreshes > 0, timeout=30000)
    assert page.status_label.property("state") == core.state
    assert "已识别CA锁" in page.status_label.text()

    login = LoginWindow(ctx)
    qtbot.addWidget(login)
    login.show()
    tab = login.ca_tab
    login.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.driver_status.property("state") is not None, timeout=30000)
    assert tab.driver_status.property("state") == core.state
    assert tab.download_button.isVisible() and tab.download_button.text() == "下载驱动"
    login.resize(560, 620)
    check_screen(login, "zh-login-ca")
    tab.download_button.click()
    qtbot.waitUntil(lambda: getattr(tab, "drivers_dialog", None) is not None, timeout=5000)
    tab.drivers_dialog.close()

    assistant = FirstRun(path=tmp_path / "fr.json", token_service=tokens)
    result = assistant.skip_driver(catalogue)
    assert result.data["driver_state"] == core.state and result.status == "ok"

    env = {**os.environ}
    done = subprocess.run([sys.executable, "-m", "hy_client.cli", "drivers", "check", "--json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout)["status"]["state"] == core.state
    login.close()
