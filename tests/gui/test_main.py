"""The main window after login: every page, the record flows, activation, renewal banner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from hy_client.sandbox import softhsm
from tests.softhsm_fixtures import ORG, SO_PIN
from ui.main_window import PAGES, MainWindow

from .conftest import register_account
from .helpers import (
    check_screen,
    close_boxes,
    complete_profile,
    open_boxes,
    shown_main_window,
)


@pytest.fixture
def main(qtbot, ctx):
    window = shown_main_window(qtbot, ctx, size=(1000, 720))
    yield window
    window.close()


def wait_loaded(qtbot, editor):
    qtbot.waitUntil(lambda: editor.submit_button.isEnabled(), timeout=20000)


def test_every_page_renders_in_chinese_without_cut_offs(qtbot, main):
    keys = [p.key for p in PAGES]
    assert keys[:5] == ["profile", "qualification", "personnel", "certificates", "binding"]
    assert keys[-1] == "help"
    for page in PAGES:
        widget = main.open_page(page.key)
        if page.key == "profile":
            wait_loaded(qtbot, widget.editor)
        if hasattr(widget, "refreshed"):
            qtbot.waitUntil(lambda w=widget: w.table.columnCount() > 0, timeout=10000)
        check_screen(main, f"main-{page.key}")


def test_profile_edit_submit_status(qtbot, main):
    page = main.open_page("profile")
    editor = page.editor
    wait_loaded(qtbot, editor)
    complete_profile(editor.form)
    with qtbot.waitSignal(editor.submitted, timeout=30000) as signal:
        editor.submit_button.click()
    assert signal.args[0].status == "approved"  # a bidder is approved at once
    assert editor.status.text() == "审核通过"
    check_screen(main, "main-profile-approved")


def test_invalid_profile_is_marked_inline_and_not_sent(qtbot, main):
    editor = main.open_page("profile").editor
    wait_loaded(qtbot, editor)
    editor.form.inputs["email"].setText("not-an-email")
    editor.submit_button.click()
    assert editor.form.error_for("email")
    assert editor.status.text() == "草稿（未提交）"


def test_add_a_qualification_and_a_person(qtbot, main, tmp_path):
    for kind, values in (
        ("qualification", {"cert_no": "D243000001", "issuer": "湖南省住房和城乡建设厅",
                           "issued_on": "2023-01-10", "expires_on": "2028-01-09"}),
        ("personnel", {"name": "赵一", "id_number": _id(), "cert_no": "湘243000002",
                       "expires_on": "2027-06-30", "mobile": "13907340011"}),
    ):
        page = main.open_page(kind)
        dialog = page.open_editor(None)
        editor = dialog.editor
        wait_loaded(qtbot, editor)
        for key, value in values.items():
            editor.form.inputs[key].setText(value)
        for key, widget in editor.form.inputs.items():
            if key not in values and hasattr(widget, "setCurrentIndex"):
                widget.setCurrentIndex(1)
        check_screen(dialog, f"dialog-{kind}")
        scan = tmp_path / f"{kind}.pdf"
        scan.write_bytes(b"%PDF-1.4\n" + b"0" * 2000)
        editor.attach(str(scan))  # a qualification or person needs its 电子件
        qtbot.waitUntil(lambda e=editor: e.attachments.count() == 1, timeout=30000)
        with qtbot.waitSignal(editor.submitted, timeout=30000) as signal:
            editor.submit_button.click()
        assert signal.args[0].status in ("approved", "submitted")
        dialog.accept()
        qtbot.waitUntil(lambda p=page: len(p.records) == 1, timeout=20000)
        assert page.table.item(0, len(page.columns)).text() in ("审核通过", "已提交，等待审核")


def _id() -> str:
    from hy_client.sandbox.demo import id_number

    return id_number("43040219800202123")


def test_attachment_upload_with_progress(qtbot, main, tmp_path):
    editor = main.open_page("profile").editor
    wait_loaded(qtbot, editor)
    pdf = tmp_path / "营业执照.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 300_000)
    editor.attach(str(pdf))
    qtbot.waitUntil(lambda: editor.attachments.count() == 1, timeout=30000)
    assert "营业执照.pdf" in editor.attachments.item(0).text()


def test_crash_restore_of_a_profile_draft(qtbot, ctx, main):
    editor = main.open_page("profile").editor
    wait_loaded(qtbot, editor)
    editor.form.inputs["address"].setText("未提交的新地址")
    mine = main.env.flows.drafts
    qtbot.waitUntil(lambda: editor.form.autosave_idle and (
        mine.load("profile") is not None
        and mine.load("profile").data.get("address") == "未提交的新地址"), timeout=10000)
    main.close()  # as if the program died: nothing was sent
    again = MainWindow(ctx, main.account)
    qtbot.addWidget(again)
    again.show()
    restored = again.open_page("profile").editor
    wait_loaded(qtbot, restored)
    assert restored.form.values()["address"] == "未提交的新地址"  # "restore?" answered Yes


def test_activation_then_renewal_banner_for_a_near_expiry_certificate(
        qtbot, ctx, provisioned, tokens, answered_boxes):
    # A demo-like key whose certificate expires in 20 days, plugged in before start.
    for t in provisioned.tokens.values():
        tokens.logout(t.serial).result(10)
    env, module, label, pin = provisioned.env, provisioned.module, "hy-soon", "135790"
    env.init_token(label, SO_PIN, pin)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = provisioned.ca.issue(key.public_key(), cn="临期证书", organization=ORG,
                                not_after=datetime.now(UTC) + timedelta(days=20))
    softhsm.pkcs11_tool_write(env, module, label, pin, key, cert, b"\x01", "soon")
    tokens.scan(refresh=True).result(20)
    username, password = register_account(ctx.client)
    account = ctx.signin.password_login(username, password).account
    window = MainWindow(ctx, account)
    qtbot.addWidget(window)
    window.resize(1000, 720)
    window.show()
    with qtbot.waitSignal(window.advice_ready, timeout=30000):
        pass
    soon = [a for a in window.advice if a.subject_cn == "临期证书"]
    assert soon and soon[0].level in ("warning", "critical") and 18 <= soon[0].days_left <= 20
    assert window.banner.isVisible()
    page = window.open_page("certificates")
    qtbot.waitUntil(lambda: any(c.token_label == label for c in page.choices), timeout=20000)
    page.picker.setCurrentIndex(next(i for i, c in enumerate(page.choices)
                                     if c.token_label == label))
    assert "到期" in page.advice.text()
    check_screen(window, "main-certificates-renewal")
    page.activate_button.click()
    qtbot.waitUntil(lambda: getattr(page, "pin_dialog", None) is not None, timeout=20000)
    qtbot.keyClicks(page.pin_dialog.field, pin)
    with qtbot.waitSignal(page.activated, timeout=30000) as signal:
        page.pin_dialog.buttons.accepted.emit()
    assert signal.args[0].subject_cn == "临期证书"
    qtbot.waitUntil(lambda: page.activations.count() == 1, timeout=20000)
    assert not open_boxes()
    close_boxes()
    window.close()
