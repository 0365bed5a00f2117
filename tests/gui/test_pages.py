"""The 证书 page's PIN change and self-test, the 标证通绑定 page, and cancelling an upload:
real SoftHSM tokens, the real sandbox process and the 标证通 simulator."""

from __future__ import annotations

import pkcs11
import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QProgressDialog, QPushButton

from hy_client import errors
from hy_client.config import Settings
from hy_client.drafts import DraftStore
from hy_client.records import RecordFlows
from hy_client.sandbox.appsim import AppSimulator
from hy_client.signin import SignIn
from hy_client.token.service import TokenService
from tests.platform_fixtures import make_client
from tests.softhsm_fixtures import NoLoginLib
from ui.context import AppContext
from ui.pages.binding import BindingPage
from ui.pages.certificates import CertificatesPage
from ui.pages.records import ProfilePage

from .conftest import register_account
from .helpers import check_screen, close_boxes, open_boxes


@pytest.fixture
def logged_in(ctx):
    username, password = register_account(ctx.client)
    return ctx.signin.password_login(username, password).account


@pytest.fixture
def certificates(qtbot, ctx):
    page = CertificatesPage(ctx)
    qtbot.addWidget(page)
    page.resize(760, 640)
    page.show()
    qtbot.waitUntil(lambda: bool(page.choices), timeout=20000)
    yield page
    page.close()


def pick(page: CertificatesPage, label: str, cert_id: str | None = None) -> None:
    page.picker.setCurrentIndex(next(i for i, c in enumerate(page.choices)
                                     if c.token_label == label
                                     and (cert_id is None or c.cert_id == cert_id)))


def press_ok(dialog: QDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def enter_pin(qtbot, page: CertificatesPage, pin: str) -> None:
    qtbot.waitUntil(lambda: getattr(page, "pin_dialog", None) is not None
                    and page.pin_dialog.isVisible(), timeout=20000)
    qtbot.keyClicks(page.pin_dialog.field, pin)
    page.pin_dialog.buttons.accepted.emit()


def test_self_test_signs_and_decrypts(qtbot, certificates, provisioned, tokens):
    page = certificates
    pick(page, "hy-py", "01")  # RSA with decryption: what bid opening needs
    page.test_button.click()
    with qtbot.waitSignal(page.self_tested, timeout=30000) as signal:
        enter_pin(qtbot, page, provisioned.tokens["hy-py"].pin)
    result = signal.args[0]
    assert result.ok and result.signature_ok and result.decrypt_ok
    assert "检测通过" in page.result.text() and "解密正常" in page.result.text()
    check_screen(page, "certificates-self-test")
    tokens.logout(provisioned.tokens["hy-py"].serial).result(10)


def test_self_test_of_a_sign_only_key_explains_the_failure(qtbot, certificates, provisioned,
                                                           tokens):
    page = certificates
    pick(page, "hy-py", "07")  # the key cannot decrypt: a bid could not be opened with it
    page.test_button.click()
    with qtbot.waitSignal(page.self_tested, timeout=30000) as signal:
        enter_pin(qtbot, page, provisioned.tokens["hy-py"].pin)
    assert not signal.args[0].ok and signal.args[0].decrypt_ok is False
    assert errors.SELF_TEST_FAILED.code in page.result.text()
    assert page.result.property("role") == "critical"
    tokens.logout(provisioned.tokens["hy-py"].serial).result(10)


def test_the_no_key_message_goes_when_a_key_is_back_and_only_it(certificates, tokens):
    page = certificates
    modules = tokens.scan().result(10)
    page._scanned([])  # every key pulled out
    assert "未检测到CA锁" in page.result.text()
    page._scanned(modules)
    assert page.result.text() == ""
    page.result.setText("检测通过：签名正常")
    page._scanned(modules)  # a rescan leaves another message alone
    assert page.result.text() == "检测通过：签名正常"


def test_a_key_that_needs_no_login_is_tested_with_no_pin(qtbot, platform, provisioned):
    """No PIN asked, none passed: the key gets its session and the self-test runs."""
    spec = provisioned.new_token("hy-open", key="rsa")
    service = TokenService([provisioned.module], loader=lambda path: NoLoginLib(
        pkcs11.lib(path), spec.serial, spec.pin))
    client = make_client(platform.url)
    ctx = AppContext(Settings(token_poll_seconds=0.2), client, SignIn(client), service,
                     DraftStore())
    page = CertificatesPage(ctx)
    qtbot.addWidget(page)
    try:
        page.show()
        qtbot.waitUntil(lambda: any(c.serial == spec.serial for c in page.choices),
                        timeout=20000)
        pick(page, "hy-open")
        page.test_button.click()
        qtbot.waitUntil(lambda: "检测通过" in page.result.text() or bool(open_boxes()),
                        timeout=30000)
        assert not open_boxes() and page.pin_dialog is None
        assert "解密正常" in page.result.text()
    finally:
        close_boxes()
        page.close()
        qtbot.waitUntil(lambda: page.pin_op is None or page.pin_op.finished, timeout=20000)
        service.logout(spec.serial).result(10)
        if ctx.watcher is not None:
            ctx.watcher.stop()
        service.close()
        client.close()
        ctx.drafts.close()


def test_pin_change_refuses_weak_pins_then_changes_it_on_the_token(
        qtbot, ctx, provisioned, tokens):
    spec = provisioned.new_token("hy-pin", "246810")
    for t in provisioned.tokens.values():  # a logged-in session blocks the re-initialisation
        tokens.logout(t.serial).result(10)
    tokens.scan(refresh=True).result(20)
    page = CertificatesPage(ctx)
    qtbot.addWidget(page)
    page.resize(760, 640)
    page.show()
    qtbot.waitUntil(lambda: any(c.serial == spec.serial for c in page.choices), timeout=20000)
    pick(page, "hy-pin")

    page.pin_button.click()
    dialog = page.pin_change_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    for field, text in ((dialog.old, spec.pin), (dialog.new, "123456"), (dialog.again, "123456")):
        qtbot.keyClicks(field, text)
    press_ok(dialog)
    assert dialog.isVisible() and errors.PIN_WEAK.zh in dialog.error.text()
    dialog.new.setText("258036")
    dialog.again.setText("258037")
    press_ok(dialog)
    assert dialog.isVisible() and "不一致" in dialog.error.text()
    dialog.again.setText("258036")
    check_screen(dialog, "certificates-pin-change")
    press_ok(dialog)
    qtbot.waitUntil(lambda: "PIN码已修改" in page.result.text(), timeout=20000)
    assert not open_boxes()

    tokens.login(spec.serial, "258036").result(10)  # the token itself took the new PIN
    tokens.logout(spec.serial).result(10)

    page.pin_button.click()  # a wrong old PIN: the catalogue's words, the PIN unchanged
    dialog = page.pin_change_dialog
    for field, text in ((dialog.old, "999999"), (dialog.new, "147036"), (dialog.again, "147036")):
        field.setText(text)
    press_ok(dialog)
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=20000)
    assert open_boxes()[0].property("errorCode") in ("T103", "T104")
    close_boxes()
    tokens.login(spec.serial, "258036").result(10)
    tokens.logout(spec.serial).result(10)
    page.close()
    provisioned.env.delete_token("hy-pin")


def test_binding_page_binds_the_app_and_unbinds_it(qtbot, ctx, logged_in, platform, tmp_path):
    page = BindingPage(ctx)
    qtbot.addWidget(page)
    page.resize(760, 640)
    page.show()
    qtbot.waitUntil(lambda: not page.unbind_button.isEnabled() and page.devices.count() == 0,
                    timeout=20000)
    page.bind_button.click()
    qtbot.waitUntil(lambda: bool(page.panel.code.payload), timeout=20000)
    assert not page.bind_button.isEnabled()
    check_screen(page, "binding-qr")
    app = AppSimulator(tmp_path / "app", platform.url)
    app.bind(page.panel.code.payload)
    qtbot.waitUntil(page.confirm_box.isVisible, timeout=20000)
    assert app.fingerprint() in page.confirm_text.text()  # the user sees which phone
    assert app.device_name in page.confirm_text.text()
    check_screen(page, "binding-confirm")
    with qtbot.waitSignal(page.bound, timeout=30000):
        page.confirm_button.click()
    qtbot.waitUntil(lambda: page.devices.count() == 1, timeout=20000)
    assert page.bind_button.isEnabled() and page.unbind_button.isEnabled()
    assert "绑定成功" in page.panel.status.text()
    assert not page.panel.code.isVisible()  # a used code is taken away
    assert [d.id for d in ctx.client.devices()] == [app.device_id()]
    check_screen(page, "binding-bound")

    page.devices.setCurrentRow(0)
    page.unbind_button.click()
    qtbot.waitUntil(lambda: page.devices.count() == 0, timeout=20000)
    assert ctx.client.devices() == [] and not page.unbind_button.isEnabled()
    page.close()


def test_binding_can_be_stopped_before_a_scan(qtbot, ctx, logged_in):
    page = BindingPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.bind_button.click()
    qtbot.waitUntil(lambda: bool(page.panel.code.payload), timeout=20000)
    page.stop()
    qtbot.waitUntil(page.bind_button.isEnabled, timeout=20000)  # the QR job has ended
    assert not open_boxes() and page.devices.count() == 0
    assert not page.panel.code.isVisible() and page.panel.status.text() == "已停止绑定"


def test_upload_cancel_sends_nothing_and_the_editor_recovers(qtbot, ctx, logged_in, tmp_path):
    page = ProfilePage(RecordFlows.for_account(ctx.client, ctx.drafts, logged_in), logged_in)
    qtbot.addWidget(page)
    page.show()
    editor = page.editor
    qtbot.waitUntil(editor.submit_button.isEnabled, timeout=20000)
    pdf = tmp_path / "大文件.pdf"
    with pdf.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.write(b"0" * (19 * 1024 * 1024))
    editor.attach(str(pdf))
    dialog = editor.findChild(QProgressDialog, "progressDialog")
    assert not editor.attach_button.isEnabled()
    dialog.findChild(QPushButton).click()  # 取消: the upload stops between blocks
    qtbot.waitUntil(editor.attach_button.isEnabled, timeout=30000)
    assert editor.attachments.count() == 0 and not open_boxes()  # cancelling is not an error
    record = ctx.client.profile()
    assert not record.attachments

    small = tmp_path / "营业执照.pdf"
    small.write_bytes(b"%PDF-1.4\n" + b"1" * 200_000)
    editor.attach(str(small))  # and the next upload goes through
    qtbot.waitUntil(lambda: editor.attachments.count() == 1, timeout=30000)
    page.close()
