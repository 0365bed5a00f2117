"""Expired and expiring qualifications and personnel are flagged in the lists (words and colour)
and reach the banner; creating one already expired is refused in the form."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from ui.main_window import MainWindow
from ui.pages.records import EXPIRY_COLOR

from .conftest import register_account


def _china_today():
    return (datetime.now(UTC) + timedelta(hours=8)).date()



def approved_qualification(platform, account_id: int, cert_no: str, expires: str,
                           issued: str) -> None:
    """An approved 企业资质 written straight into the platform's data (as after a review)."""
    data = {"qual_type": "building_general", "grade": "grade2", "cert_no": cert_no,
            "issuer": "湖南省住房和城乡建设厅", "issued_on": issued, "expires_on": expires}
    with sqlite3.connect(platform.data_dir / "sandbox.sqlite3", timeout=10) as db:
        db.execute("INSERT INTO records (account_id, kind, spec, status, data, updated_at)"
                   " VALUES (?, 'qualification', 'qualification', 'approved', ?, ?)",
                   (account_id, json.dumps(data, ensure_ascii=False), time.time()))

def test_expired_and_expiring_records_are_flagged(qtbot, ctx, platform):
    account = ctx.signin.password_login(*register_account(ctx.client)).account
    today = _china_today()
    rows = [("D2430001", f"{today - timedelta(days=3)}"),  # approved years ago, expired now
            ("D2430002", f"{today + timedelta(days=20)}"),  # expiring
            ("D2430003", f"{today + timedelta(days=400)}")]  # fine
    for cert_no, expires in rows:
        approved_qualification(platform, account.id, cert_no, expires, "2020-01-01")
    window = MainWindow(ctx, account)
    qtbot.addWidget(window)
    window.show()
    page = window.open_page("qualification")
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=20000)
    status_col, expiry_col = len(page.columns), page.columns.index("expires_on")
    by_no = {page.records[r].data["cert_no"]: r for r in range(3)}
    expired, soon, fine = (by_no[n] for n, _ in rows)
    assert page.table.item(expired, status_col).text() == "审核通过 · 已过期"
    assert "已过期" in page.table.item(expired, expiry_col).text()
    assert page.table.item(expired, status_col).foreground().color() == EXPIRY_COLOR["critical"]
    assert page.table.item(soon, status_col).text() == "审核通过 · 20天后到期"
    assert page.table.item(soon, expiry_col).foreground().color() == EXPIRY_COLOR["warning"]
    assert page.table.item(fine, status_col).text() == "审核通过"
    # the banner and the tray hear of them too
    qtbot.waitUntil(lambda: len(window.record_advice) == 2, timeout=30000)
    assert {a.reason_code for a in window.record_advice} == {"expired", "expiring"}
    window.close()


def test_a_new_qualification_already_expired_is_refused_in_the_form(qtbot, ctx):
    account = ctx.signin.password_login(*register_account(ctx.client)).account
    window = MainWindow(ctx, account)
    qtbot.addWidget(window)
    window.show()
    page = window.open_page("qualification")
    dialog = page.open_editor(None)
    editor = dialog.editor
    qtbot.waitUntil(editor.submit_button.isEnabled, timeout=20000)
    editor.form.inputs["issued_on"].setText("2020-01-01")
    editor.form.inputs["expires_on"].setText(f"{_china_today() - timedelta(days=1)}")
    editor.submit_button.click()
    assert "已过期" in editor.form.error_for("expires_on")
    dialog.accept()
    window.close()


def test_the_banner_for_a_record_opens_the_records_page(qtbot, ctx, platform):
    """The most urgent item is a qualification long expired: the banner offers no 证书延期
    (nothing to renew on a key) and 详情 opens 企业资质, not the 证书 page."""
    from hy_client.renewal import RecordAdvice

    account = ctx.signin.password_login(*register_account(ctx.client)).account
    approved_qualification(platform, account.id, "D2430009",
                           f"{_china_today() - timedelta(days=900)}", "2018-01-01")
    window = MainWindow(ctx, account)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.advice_ready, timeout=60000):
        pass
    banner = window.banner
    assert isinstance(banner.advice, RecordAdvice) and "D2430009" in banner.text.text()
    assert banner.isVisible() and not banner.renew.isVisible()
    with qtbot.assertNotEmitted(banner.renew_requested):
        banner.renew.click()  # hidden; were it clicked, nothing to renew
    banner.details.click()
    assert window.stack.currentWidget() is window.pages["qualification"]
    window.close()
