"""The 诊断 page: the real checks against the sandbox process and SoftHSM tokens, a configured
module path that is not PKCS#11, the self-test through the PIN dialog, copy and save."""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from hy_client.config import Settings
from hy_client.drafts import DraftStore
from hy_client.signin import SignIn
from hy_client.token.service import TokenService
from ui.context import AppContext
from ui.login import LoginWindow
from ui.pages.diagnostics import DiagnosticsPage, DiagnosticsWindow

from .conftest import make_client
from .helpers import check_screen, close_boxes, open_boxes


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home directory of its own, so the report's paths can be checked for it."""
    path = tmp_path / "home" / "diaguser"
    (path / "vendor").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(path))
    return path


@pytest.fixture
def diag_ctx(platform, provisioned, home, qapp):
    """The app's context with a configured driver path that is a text file, not a module."""
    bad = home / "vendor" / "libvendor-p11.so"
    bad.write_text("this is a readme, not a driver", "utf-8")
    client = make_client(platform.url)
    tokens = TokenService([provisioned.module, str(bad)])
    context = AppContext(Settings(token_poll_seconds=0.2, pkcs11_modules=(str(bad),)), client,
                         SignIn(client), tokens, DraftStore())
    context.bad_module = str(bad)  # type: ignore[attr-defined]
    yield context
    tokens.close()
    client.close()
    context.drafts.close()


@pytest.fixture
def page(qtbot, diag_ctx):
    widget = DiagnosticsPage(diag_ctx, autorun=False)
    qtbot.addWidget(widget)
    widget.resize(960, 760)
    widget.show()
    yield widget
    widget.stop()
    close_boxes()


def finished_run(qtbot, page, start):
    with qtbot.waitSignal(page.finished, timeout=180000) as signal:
        start()
    return signal.args[0]


def children(page, section):
    item = page._sections[section]
    return [item.child(i) for i in range(item.childCount())]


def test_runs_every_check_section_by_section(qtbot, page, diag_ctx):
    steps = []
    page.probed.connect(lambda done: steps.append(
        (done.index, done.total, page.tree.topLevelItemCount())))
    report = finished_run(qtbot, page, page.run_button.click)
    assert not report.cancelled
    total = steps[0][1]
    assert [s[0] for s in steps] == list(range(1, total + 1))  # every probe reported
    assert steps[0][2] <= 1 < steps[-1][2]  # the list grew while the checks ran
    assert page.progress.value() == page.progress.maximum()
    sections = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]
    assert sections[:4] == ["系统环境", "驱动与模块", "CA锁与证书", "交易平台连接"]
    bad = [f for f in report.findings if f.section == "modules" and f.severity == "error"]
    assert [f.code for f in bad] == ["M102"]  # the text file is not a PKCS#11 module
    assert "~/vendor/libvendor-p11.so" in bad[0].detail_zh
    shown = [c for c in children(page, "modules") if "M102" in c.text(0)]
    assert shown and "建议" in shown[0].text(1)
    assert page.tree.currentItem() is shown[0]  # the worst problem is selected
    assert "建议" in page.details.toPlainText()
    errors_shown = f"错误 {report.counts()['error']} 项"
    assert page.status.property("role") == "critical" and errors_shown in page.status.text()
    health = [f for f in report.findings if f.section == "platform" and f.severity == "ok"]
    assert health  # the sandbox answered
    assert page.token_picker.count() == 0 or page.self_test_button.isEnabled()
    check_screen(page, "diagnostics-page")


def test_self_test_copy_and_save_leak_no_pin_or_home(qtbot, page, diag_ctx, provisioned, home,
                                                     tmp_path, monkeypatch):
    finished_run(qtbot, page, page.run_button.click)
    spec = provisioned.tokens["hy-py"]
    qtbot.waitUntil(lambda: page.token_picker.findData(spec.serial) >= 0, timeout=30000)
    page.token_picker.setCurrentIndex(page.token_picker.findData(spec.serial))
    page.self_test_button.click()
    qtbot.waitUntil(lambda: getattr(page, "pin_dialog", None) is not None, timeout=30000)
    dialog = page.pin_dialog
    check_screen(dialog, "diagnostics-pin")
    qtbot.keyClicks(dialog.field, spec.pin)
    report = finished_run(qtbot, page, dialog.buttons.accepted.emit)
    tested = [f for f in report.findings if f.id.startswith(f"tokens.self_test.{spec.serial}.")]
    assert tested and any(f.severity == "ok" for f in tested)

    page.copy_button.click()
    text = QApplication.clipboard().text()
    assert "诊断报告" in text and "M102" in text and "自检通过" in text
    assert spec.pin not in text and str(home) not in text
    assert "~/vendor/libvendor-p11.so" in text

    target = tmp_path / "out" / "诊断报告"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "诊断报告 (*.zip)")))
    with qtbot.waitSignal(page.saved, timeout=30000) as signal:
        page.save_button.click()
    saved = signal.args[0]
    assert saved == str(target) + ".zip"
    with zipfile.ZipFile(saved) as zf:
        assert sorted(zf.namelist()) == ["hy-client.log", "report.json", "report.txt"]
        for name in zf.namelist():
            body = zf.read(name).decode("utf-8")
            assert spec.pin not in body and str(home) not in body, name
    assert "报告已保存" in page.status.text()
    assert not open_boxes()
    check_screen(page, "diagnostics-self-tested")


def test_cancel_stops_between_checks(qtbot, page):
    report = finished_run(qtbot, page, lambda: (page.run_button.click(), page.cancel()))
    assert report.cancelled
    assert "已停止" in page.status.text()
    assert page.run_button.isEnabled() and page.copy_button.isEnabled()


def test_reachable_from_the_login_window(qtbot, diag_ctx):
    login = LoginWindow(diag_ctx)
    qtbot.addWidget(login)
    login.show()
    qtbot.waitUntil(lambda: login.ca_tab.scans >= 1, timeout=30000)
    check_screen(login, "login-with-diagnostics-link")
    with qtbot.waitSignal(login.diagnostics_button.clicked):
        login.diagnostics_button.click()
    window = login.diagnostics
    assert isinstance(window, DiagnosticsWindow) and window.isVisible()
    with qtbot.waitSignal(window.page.finished, timeout=180000):
        pass
    check_screen(window, "diagnostics-window")
    window.close()
    login.close()


def test_undo_of_the_web_portal_settings(qtbot, page, tmp_path):
    """撤销 appears once 一键修复 changed the browser settings, and puts them back."""
    from pathlib import Path

    from hy_client import webportal
    from hy_client.registry import MemoryRegistry

    recorded = Path(__file__).parents[1] / "windows" / "data" / "registry-win10-zh.json"
    registry = MemoryRegistry.load(recorded)
    before = {k: dict(v) for k, v in registry.keys.items() if v}
    page.registry = registry
    answers: list[bool] = []  # the journal's answers, read on a worker
    checked = page._undo_checked
    page._undo_checked = lambda possible: (answers.append(possible), checked(possible))
    page.check_undo()
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=20000)
    assert page.undo_web_button.isHidden()  # nothing to undo yet
    webportal.apply("ggzy.hengyang.gov.cn", registry)
    page._enable()
    assert page.undo_web_button.isHidden()  # not read again on the GUI thread
    page.check_undo()
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=20000)
    assert not page.undo_web_button.isHidden()
    with qtbot.waitSignal(page.finished, timeout=180000):  # the checks run again afterwards
        page.undo_web_button.click()
    assert {k: v for k, v in registry.keys.items() if v} == before
    qtbot.waitUntil(lambda: len(answers) == 3, timeout=20000)  # read again after the run
    assert page.undo_web_button.isHidden()
