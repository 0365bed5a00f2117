"""zh_CN everywhere: every page and dialog a bidder meets, walked in Chinese, may show Latin
words only from an allow-list (product names, codes, file types); error boxes never show
exception class names, HTTP statuses or byte counts; Qt's own dialogs are Chinese."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from hy_client import errors
from hy_client.token.models import TokenFlags
from ui import i18n
from ui.help import HelpPage
from ui.jobs import error_text
from ui.main_window import MainWindow
from ui.register import RegistrationDialog
from ui.repair import RepairDialog
from ui.settings import SettingsDialog
from ui.widgets.pin import PinDialog

from .helpers import (
    FIRST_RUN_FINDINGS,
    check_screen,
    each_login_tab,
    shown_first_run,
    shown_login_window,
    shown_main_window,
)
from .test_i18n import chrome

# Words a Chinese bidder's screen may hold: product and standard names, file types, units,
# date-format hints. Anything else in Latin script is English that slipped through.
ALLOWED = {
    "CA", "PIN", "USB", "PKCS", "PDF", "JPG", "JPEG", "PNG", "ID", "QR", "MB", "KB", "GB",
    "YYYY", "MM", "DD", "SoftHSM", "OpenSC", "Windows", "Linux", "IE", "SM2", "SM3", "RSA",
    "EC", "ECDSA", "hy", "client", "Ctrl", "Esc", "OK", "ukey", "UKey", "dll", "so", "Language",
    "English", "SHA", "TLS", "HTTPS", "https", "http", "Microsoft", "Visual", "DLL", "APP",
    "ECC", "x86", "linux", "win32", "win64", "amd64", "OpenSSL", "GM", "SKF", "CSR",
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]\d{3}(?!\d)")  # catalogue codes: T101, P221
# a command or option to type, verbatim
_COMMAND = re.compile(r"hy-client(?:\.exe)?(?: [a-z][a-z-]*)*|--[a-z][a-z-]*")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")


def latin_words(text: str) -> list[str]:
    text = _COMMAND.sub("", _CODE.sub("", _EMAIL.sub("", text.replace("&", ""))))
    return [w for w in _WORD.findall(text) if w not in ALLOWED]


def leaks(root: QWidget, skip: set[str] = frozenset()) -> list[tuple[str, str, list[str]]]:
    texts = [*chrome(root), ("windowTitle", root.windowTitle())]
    return [(n, t, latin_words(t)) for n, t in texts if n not in skip and latin_words(t)]


@pytest.fixture
def zh(qapp):
    assert i18n.install(qapp, "zh_CN") == "zh_CN"
    yield


def test_the_allow_list_catches_english(zh):
    assert latin_words("PinIncorrect（HTTP 401）") == ["PinIncorrect", "HTTP"]
    assert latin_words("请插入CA锁（T101），上传 PDF 文件至 a.b@qq.com") == []


def test_error_boxes_hide_class_names_statuses_and_byte_counts(zh):
    for info in errors.CATALOGUE.values():
        if info.code.startswith("S"):
            continue  # the sandbox's own errors: developer and training tooling only
        for detail in ("PinIncorrect", "HTTP 409", "ConnectionError", "62914560 bytes"):
            main, extra = error_text(errors.HyError(info, detail))
            assert detail not in main + extra, (info.code, main, extra)
            assert not latin_words(main + extra), (info.code, main + extra)
    main, extra = error_text(errors.HyError(errors.NOT_FOUND, "文件“营业执照.pdf”不存在"))
    assert "营业执照" in extra  # a detail written for people is still shown


def test_login_window_and_pin_dialogs(qtbot, zh):
    window = shown_login_window(qtbot)
    for _tab in each_login_tab(qtbot, window):
        assert not leaks(window), leaks(window)
    window.tabs.setCurrentWidget(window.password_tab)
    check_screen(window, "zh-login")
    for flags in (TokenFlags(), TokenFlags(user_pin_count_low=True),
                  TokenFlags(user_pin_final_try=True), TokenFlags(user_pin_locked=True),
                  TokenFlags(protected_auth_path=True, user_pin_to_be_changed=True)):
        dialog = PinDialog("衡阳CA", flags)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not leaks(dialog), leaks(dialog)
        dialog.close()


def test_qt_file_dialog_is_chinese(qtbot, zh):
    dialog = QFileDialog(None, "选择电子件", "", "PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    assert labels and not [t for t in labels if latin_words(t)], labels


@pytest.fixture
def main_window(qtbot, ctx, zh):
    def make(kind: str = "unit") -> MainWindow:
        return shown_main_window(qtbot, ctx, kind)
    return make


SCREENSHOTS = {"profile": "zh-基本信息", "qualification": "zh-企业资质",
               "certificates": "zh-证书", "drivers": "zh-驱动", "help": "zh-帮助"}
# Labels that show data (a certificate's subject, a credit code, the core's findings).
DATA = {"renewalAdviceText", "diagnosticsStatus", "cert_holder", "cert_organization",
        "cert_issuer", "cert_uscc", "cert_serial", "cert_id",
        "driverStatus"}  # names the keys it recognised


def test_every_main_page_in_chinese(qtbot, main_window):
    window = main_window()
    for key in window.page_keys():
        widget = window.open_page(key)
        if key == "profile":
            qtbot.waitUntil(lambda w=widget: w.editor.submit_button.isEnabled(), timeout=20000)
        if key == "diagnostics":
            qtbot.waitUntil(lambda w=widget: not w.running, timeout=60000)
        if key == "drivers":
            qtbot.waitUntil(lambda w=widget: w.refreshes > 0, timeout=30000)
        qtbot.wait(50)
        found = leaks(widget, DATA)
        assert not found, f"{key}: {found}"
        if key in SCREENSHOTS:
            check_screen(window, SCREENSHOTS[key])
    assert not latin_words(" ".join(window.nav.item(i).text()
                                    for i in range(window.nav.count())))


def test_a_natural_person_sees_no_enterprise_qualifications(main_window):
    window = main_window("person")
    assert "qualification" not in window.page_keys()
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "企业资质" not in titles and "职业人员" in titles


def test_help_page_gives_the_manuals_other_matters(qtbot, zh, monkeypatch):
    page = HelpPage()
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    text = page.text.toPlainText()
    for fact in ("2939322251@qq.com", "变更说明", "营业执照复印件", "4007777016", "4006682666",
                 "从未登录过", "曾经登录过", "0734-8846540", "建设工程交易科", "0734-8846512",
                 "政府采购科", "0734-8846545", "技术支持", "延期"):
        assert fact in text, fact
    opened = []
    monkeypatch.setattr("ui.help.QDesktopServices.openUrl", lambda url: opened.append(url) or True)
    page.mail_button.click()
    assert opened and opened[0].scheme() == "mailto"
    assert opened[0].path() == "2939322251@qq.com" and "subject=" in opened[0].query()
    assert not leaks(page, DATA), leaks(page, DATA)


def test_dialogs_in_chinese(qtbot, ctx, platform, tmp_path, zh):
    for dialog in (RegistrationDialog(ctx), SettingsDialog(ctx)):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.wait(20)
        assert not leaks(dialog), (type(dialog).__name__, leaks(dialog))
        dialog.close()
    repair = RepairDialog(ctx)
    qtbot.addWidget(repair)
    repair.show()
    qtbot.wait(20)
    assert not leaks(repair, {"findingDetails"}), leaks(repair)
    wizard = shown_first_run(qtbot, ctx, platform.url, tmp_path)
    qtbot.waitUntil(lambda: not wizard.busy and "environment" in wizard.core.state.results,
                    timeout=60000)
    assert not leaks(wizard, FIRST_RUN_FINDINGS), leaks(wizard, FIRST_RUN_FINDINGS)
    repair.close()
    wizard.close()
