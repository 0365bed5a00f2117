"""投标准备 and 开标提醒 against the sandbox's demo bidder (its open bids) and real SoftHSM keys."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes

from hy_client.readiness import ReadinessStore
from ui.main_window import MainWindow
from ui.pages.bids import BidsPage
from ui.reminders import BidReminders

from .helpers import check_screen


@pytest.fixture
def demo(ctx):
    """Logged in as the sandbox's demo bidder, whose bids are still open."""
    ctx.account = ctx.signin.password_login("demo_bidder", "Bidder2024").account
    yield ctx
    ctx.signin.logout()


def _encrypt_bids_to(platform, cert) -> None:
    """As if the demo bidder had encrypted its bids to ``cert`` (the platform records which)."""
    digest = cert.fingerprint(hashes.SHA256()).hex()
    with sqlite3.connect(platform.data_dir / "sandbox.sqlite3", timeout=10) as conn:
        conn.execute("UPDATE bids SET cert_sha256 = ? WHERE account_id = (SELECT id FROM "
                     "accounts WHERE username = 'demo_bidder')", (digest,))


def test_bids_are_listed_and_a_self_test_makes_one_ready(qtbot, demo, provisioned, platform):
    _encrypt_bids_to(platform, provisioned.tokens["hy-py"].certs["01"])  # an RSA key that decrypts
    page = BidsPage(demo)
    qtbot.addWidget(page)
    page.resize(1100, 560)
    page.show()
    qtbot.waitUntil(lambda: page.report is not None and not page.busy, timeout=60000)
    rows = page.rows
    assert len(rows) >= 2 and page.table.rowCount() == len(rows)
    for i, row in enumerate(rows):
        assert page.table.item(i, 1).text() == row.deadline_zh
        assert page.table.item(i, 2).text() == row.opening_zh
        assert page.table.item(i, 4).text() == row.state_zh
        assert row.certificate_zh and page.table.item(i, 3).text() == row.certificate_zh
    page.table.selectRow(0)
    assert rows[0].advice_zh in page.advice.text()
    check_screen(page, "bids-page")

    target = next(i for i, r in enumerate(rows) if r.state == "self_test_needed"
                  and r.token_serial)
    row = rows[target]
    spec = next(s for s in provisioned.tokens.values() if s.serial == row.token_serial)
    button = page.table.cellWidget(target, 5)
    demo.tokens.logout(spec.serial).result(30)  # the self-test asks for the PIN
    button.click()
    qtbot.waitUntil(lambda: page.pin_dialog is not None, timeout=30000)
    qtbot.keyClicks(page.pin_dialog.field, spec.pin)
    with qtbot.waitSignal(page.self_tested, timeout=60000) as tested:
        page.pin_dialog.buttons.accepted.emit()
    assert tested.args[0].ok, tested.args[0]
    qtbot.waitUntil(lambda: not page.busy and page.rows[target].state == "ready",
                    timeout=60000)
    assert page.table.item(target, 4).text() == "已就绪"
    check_screen(page, "bids-page-ready")


def test_reminders_fire_once_at_48_and_2_hours(qtbot, demo):
    bids = demo.client.bids()
    opening = min(b.bid_opening for b in bids)
    moment = [opening - timedelta(hours=47)]  # inside the 48 h window of the first bid
    store = ReadinessStore()
    reminders = BidReminders(demo, None, store=store, clock=lambda: moment[0])
    seen: list = []
    reminders.reminded.connect(seen.append)
    with qtbot.waitSignal(reminders.checked, timeout=30000) as checked:
        reminders.start()
    assert [r.hours for r in seen] == [48] and seen[0].opening == opening
    assert "请插入CA锁并运行自检" in seen[0].message_zh
    assert checked.args[0] is not None and reminders.timer.isActive()

    again = BidReminders(demo, None, store=store, clock=lambda: moment[0])  # a restart
    again.reminded.connect(seen.append)
    with qtbot.waitSignal(again.checked, timeout=30000):
        again.start()
    assert len(seen) == 1  # shown once

    moment[0] = opening - timedelta(hours=1, minutes=59)
    with qtbot.waitSignal(reminders.checked, timeout=30000):
        reminders.timer.timeout.emit()  # the timer's moment has come
    assert [r.hours for r in seen] == [48, 2]
    reminders.stop()
    again.stop()


def test_the_main_window_has_the_bids_page(qtbot, demo):
    window = MainWindow(demo, demo.account)
    qtbot.addWidget(window)
    window.show()
    page = window.open_page("bids")
    assert isinstance(page, BidsPage)
    qtbot.waitUntil(lambda: page.report is not None and not page.busy, timeout=60000)
    window.close()
