"""Widgets on their own: forms from specs, QR, PIN dialog, certificate panel, renewal banner,
background jobs, single instance and translations."""

from __future__ import annotations

import os
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QLineEdit, QMessageBox

from hy_client import errors
from hy_client.drafts import DraftStore
from hy_client.errors import HyError, UserCancelled
from hy_client.forms.validators import uscc_check_char
from hy_client.renewal import RenewalAdvice
from hy_client.token.certificate import parse_certificate
from hy_client.token.models import TokenFlags
from ui import i18n, jobs
from ui.single import SingleInstance
from ui.widgets.cert import CertificatePanel
from ui.widgets.form import FormWidget
from ui.widgets.pin import COUNT_LOW, FINAL_TRY, PIN_PAD, PinDialog
from ui.widgets.qr import QrPanel
from ui.widgets.renewal import RenewalBanner

from .helpers import check_screen, close_boxes, open_boxes


@pytest.fixture
def store():
    s = DraftStore()
    yield s.for_account("http://127.0.0.1:1", 1)
    s.close()


def type_into(qtbot, widget, text):
    """Keys for ASCII; Chinese arrives as an input-method commit (insert at the cursor)."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        widget.insert(text)


def test_form_marks_invalid_fields_inline_in_chinese(qtbot, store):
    form = FormWidget("registration_unit", store=store, form_key="reg")
    qtbot.addWidget(form)
    form.show()
    body = "91430400MA4L8XXX0"
    wrong = next(c for c in "0123456789" if c != uscc_check_char(body))
    type_into(qtbot, form.inputs["uscc"], body + wrong)  # wrong check character
    found = form.validate()
    keys = {e.field for e in found}
    assert "uscc" in keys and "name" in keys
    assert form.error_for("uscc") and form.error_for("name") == "不能为空"
    assert form.inputs["uscc"].property("invalid") is True
    check_screen(form, "form-registration-errors")


def test_form_autosaves_every_change_and_restores_after_a_crash(qtbot, store, answered_boxes):
    form = FormWidget("personnel", store=store, form_key="personnel:new-1")
    qtbot.addWidget(form)
    type_into(qtbot, form.inputs["name"], "张三")
    qtbot.waitUntil(lambda: form.autosave_idle and store.load("personnel:new-1") is not None)
    qtbot.waitUntil(lambda: store.load("personnel:new-1").data["name"] == "张三")
    draft = store.load("personnel:new-1")
    form.deleteLater()  # the window is gone (a crash); the draft is on disk
    again = FormWidget("personnel", store=DraftStore(store.path).for_account(
        store.origin, store.account_id), form_key="personnel:new-1")
    qtbot.addWidget(again)
    assert again.ask_restore(draft, {}) is True
    again.set_values(draft.data)
    assert again.values()["name"] == "张三"
    assert any("恢复" in s for s in answered_boxes)


def test_password_fields_are_never_autosaved(qtbot, store):
    form = FormWidget("account", store=store, form_key="acct")
    qtbot.addWidget(form)
    type_into(qtbot, form.inputs["username"], "zhangsan")
    type_into(qtbot, form.inputs["password"], "Secret2024x")
    qtbot.waitUntil(lambda: form.autosave_idle and store.load("acct") is not None
                    and store.load("acct").data.get("username") == "zhangsan")
    assert "password" not in store.load("acct").data


def test_qr_panel_counts_down_and_expires(qtbot):
    panel = QrPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_code("hyapp:1:login:" + "A" * 32, datetime.now(UTC) + timedelta(seconds=90))
    assert "秒后失效" in panel.countdown.text()
    image = panel.code.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3)}
    assert {"#000000", "#ffffff"} <= colours  # a real code was painted
    check_screen(panel, "qr-panel")
    with qtbot.waitSignal(panel.expired, timeout=3000):
        panel.expire_now()
    assert panel.countdown.text() == "二维码已失效"


@pytest.mark.parametrize(("flags", "text"), [
    (TokenFlags(user_pin_count_low=True), COUNT_LOW),
    (TokenFlags(user_pin_final_try=True, user_pin_count_low=True), FINAL_TRY),
    (TokenFlags(protected_auth_path=True), PIN_PAD),
])
def test_pin_dialog_warnings_from_flags(qtbot, flags, text):
    dialog = PinDialog("HY-DEMO", flags)
    qtbot.addWidget(dialog)
    dialog.show()
    assert text in dialog.warning.text()
    check_screen(dialog, f"pin-{text[:4]}")


def test_pin_dialog_final_try_asks_and_clears_the_pin(qtbot, answered_boxes):
    dialog = PinDialog("HY-DEMO", TokenFlags(user_pin_final_try=True))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.field, "246810")
    dialog.buttons.accepted.emit()
    assert any("最后一次" in s for s in answered_boxes)
    assert dialog.field.text() == ""
    entry = dialog.take()
    assert entry is not None and entry.pin == "246810"
    assert dialog.take() is None  # handed over once


def test_locked_pin_gets_no_input_only_the_unlock_route(qtbot):
    dialog = PinDialog("HY-DEMO", TokenFlags(user_pin_locked=True))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.field.isVisible()
    assert "锁定" in dialog.warning.text() and "CA" in dialog.warning.text()
    check_screen(dialog, "pin-locked")


def test_pin_pad_gives_no_pin(qtbot):
    dialog = PinDialog("PAD", TokenFlags(protected_auth_path=True))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.field.isVisible()
    dialog.buttons.accepted.emit()
    entry = dialog.take()
    assert entry is not None and entry.pin is None


def test_certificate_panel_shows_holder_org_uscc_and_days_left(qtbot, provisioned):
    der = provisioned.tokens["hy-py"].certs["01"].public_bytes(encoding=_der())
    cert = parse_certificate(der)
    panel = CertificatePanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_certificate(cert)
    panel.resize(460, 260)  # the width it has in the login window
    assert panel.values["holder"].text() == "张三"
    assert panel.values["organization"].text() == "衡阳市某某建设工程有限公司"
    assert panel.values["uscc"].text() == cert.uscc
    assert "剩余" in panel.values["validity"].text()
    check_screen(panel, "certificate-panel")


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding
    return Encoding.DER


def test_renewal_banner_shows_the_most_urgent_advice(qtbot):
    banner = RenewalBanner()
    qtbot.addWidget(banner)
    banner.set_advice([RenewalAdvice("a", "ok", 300, "valid", "证书有效", "ok")])
    assert banner.isHidden()
    banner.set_advice([
        RenewalAdvice("a", "info", 80, "renew_early", "请尽早办理延期", "x"),
        RenewalAdvice("b", "critical", 12, "expires_before_opening", "证书将在开标前过期", "y",
                      subject_cn="李四")])
    banner.show()
    assert "开标前过期" in banner.text.text() and banner.property("level") == "critical"


def test_query_op_delivers_on_the_gui_thread_and_errors_once(qtbot):
    results: list[object] = []
    jobs.QueryOp(None, lambda: 41 + 1, lambda v: results.append((v, jobs.on_gui_thread()))
                 ).run_in_background()
    qtbot.waitUntil(lambda: bool(results))
    assert results == [(42, True)]

    def fail():
        raise HyError(errors.NETWORK_TIMEOUT, "HTTP 504")

    jobs.QueryOp(None, fail, results.append).run_in_background()
    qtbot.waitUntil(lambda: bool(open_boxes()))
    box = open_boxes()[0]
    assert box.property("errorCode") == "P102" and "连接交易平台超时" in box.text()
    assert "Traceback" not in box.text() + box.informativeText()
    close_boxes()

    def cancelled():
        raise UserCancelled()

    jobs.QueryOp(None, cancelled, results.append).run_in_background()
    qtbot.waitUntil(lambda: jobs.running_count() == 0)
    assert not open_boxes()  # UserCancelled is silent


def test_unexpected_exception_becomes_g199_without_traceback(qtbot):
    seen: list[HyError] = []
    jobs.QueryOp(None, lambda: 1 / 0).failure(seen.append).run_in_background()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0].code == "G199" and seen[0].detail == "ZeroDivisionError"


def test_token_op_adapts_a_future(qtbot):
    future: Future[str] = Future()
    got: list[str] = []
    jobs.TokenOp(None, lambda: future, got.append).run_in_background()
    future.set_result("signed")
    qtbot.waitUntil(lambda: got == ["signed"])


def test_second_instance_raises_the_first(qtbot):
    first = SingleInstance()
    assert first.acquire()
    try:
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert not SingleInstance().acquire()
    finally:
        first.release()


def test_a_second_copy_of_the_program_hands_off_and_exits(qtbot):
    """The real start path in another process: it knocks before making any window, the
    running copy is raised, and the second copy ends at once."""
    import subprocess
    import sys

    first = SingleInstance()
    assert first.acquire()
    try:
        with qtbot.waitSignal(first.activated, timeout=30000):
            second = subprocess.Popen(
                [sys.executable, "-c", "import sys; from ui import app; "
                 "sys.exit(app.main(['--platform', 'http://127.0.0.1:9']))"],
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert second.wait(30) == 0
        assert b"Traceback" not in (second.stdout.read() if second.stdout else b"")
    finally:
        first.release()
    again = SingleInstance()
    assert again.acquire()  # released: the next start is the first again
    again.release()


def test_english_translation_is_built_and_loaded(qapp):
    qm = i18n.qm_path("en")
    assert qm is not None and qm.exists() and qm.suffix == ".qm"
    try:
        assert i18n.install(qapp, "en") == "en"
        from PySide6.QtCore import QCoreApplication
        assert QCoreApplication.translate("MainWindow", "基本信息") == "Basic information"
    finally:
        i18n.install(qapp, "zh_CN")


def test_line_edit_is_password_for_pin(qtbot):
    dialog = PinDialog("X", TokenFlags())
    qtbot.addWidget(dialog)
    assert dialog.field.echoMode() == QLineEdit.EchoMode.Password
    assert QMessageBox  # imported for the edge patch in conftest
