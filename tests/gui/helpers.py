"""Checks every screen must pass: Chinese glyphs present, nothing cut off, a screenshot saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QRawFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from hy_client import config
from hy_client.firstrun import STEPS
from tests.platform_fixtures import register_account
from ui.context import AppContext
from ui.firstrun import FirstRunWizard
from ui.login import LoginWindow
from ui.main_window import MainWindow

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Labels of the first-run assistant that show what a check found: the core's words (data).
FIRST_RUN_FINDINGS = {"sentence", "advice", *(f"stepSentence_{step}" for step in STEPS)}


def visible_texts(root: QWidget) -> list[tuple[QWidget, str]]:
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        if ((isinstance(w, QLabel) and w.textFormat() != Qt.TextFormat.RichText)
                or isinstance(w, QAbstractButton)):
            out.append((w, w.text()))
    return [(w, t) for w, t in out if t and "<" not in t]


def missing_glyphs(root: QWidget) -> list[str]:
    """Characters of visible labels that the widget's font (with fallbacks) cannot draw."""
    bad = []
    for widget, text in visible_texts(root):
        metrics = QFontMetrics(widget.font())
        raw = QRawFont.fromFont(widget.font())
        for ch in set(text):
            if ch.isspace() or ch == "&":
                continue
            if not metrics.inFontUcs4(ord(ch)) and not raw.supportsCharacter(ch):
                bad.append(f"{widget.objectName() or type(widget).__name__}: {ch!r}")
    return bad


def cut_off(root: QWidget) -> list[str]:
    """Visible labels and buttons narrower or lower than they need to be."""
    bad = []
    for widget, text in visible_texts(root):
        if isinstance(widget, QLabel) and widget.wordWrap():
            need_w, need_h = widget.minimumSizeHint().width(), widget.heightForWidth(
                widget.width())
        else:
            hint = widget.minimumSizeHint()
            need_w, need_h = hint.width(), hint.height()
        if widget.width() + 1 < need_w or widget.height() + 1 < need_h:
            bad.append(f"{widget.objectName() or type(widget).__name__} {text[:20]!r}: "
                       f"{widget.width()}x{widget.height()} < {need_w}x{need_h}")
    return bad


def check_screen(root: QWidget, name: str) -> Path:
    """Save a screenshot and fail on missing glyphs or a cut-off widget."""
    QTest.qWait(0)  # pending layout requests (PySide6 6.12's processEvents leaks a None ref)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert root.grab().save(str(path))
    glyphs = missing_glyphs(root)
    assert not glyphs, f"missing glyphs on {name}: {glyphs}"
    cut = cut_off(root)
    assert not cut, f"cut off on {name}: {cut}"
    return path


def shown_login_window(qtbot: QtBot) -> LoginWindow:
    """The login window shown at the size its screens are checked at."""
    window = LoginWindow()
    qtbot.addWidget(window)
    window.resize(560, 560)
    window.show()
    return window


def each_login_tab(qtbot: QtBot, window: LoginWindow) -> Iterator[QWidget]:
    """Bring each login tab to the front in turn, laid out, for the caller to check."""
    for tab in (window.password_tab, window.ca_tab, window.qr_tab):
        window.tabs.setCurrentWidget(tab)
        qtbot.wait(20)
        yield tab


def shown_main_window(qtbot: QtBot, ctx: AppContext, kind: str = "unit",
                      size: tuple[int, int] = (1100, 760)) -> MainWindow:
    """The main window of a fresh account of its own (password login), shown at ``size``."""
    username, password = register_account(ctx.client, kind)
    result = ctx.signin.password_login(username, password)
    window = MainWindow(ctx, result.account)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    return window


def shown_first_run(qtbot: QtBot, ctx: AppContext, platform_url: str, tmp_path: Path
                    ) -> FirstRunWizard:
    """The first-run assistant against the test platform (made the chosen one), shown; its
    first check is under way."""
    profile = config.PlatformProfile("test", platform_url, "本机测试平台")
    config.save(config.Settings(platform="test",
                                platforms={**config.DEFAULT_PLATFORMS, "test": profile}))
    wizard = FirstRunWizard(ctx, usb_root=tmp_path / "usb", state_path=tmp_path / "fr.json")
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def open_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def close_boxes() -> None:
    for box in open_boxes():
        box.done(0)


def complete_profile(form) -> None:
    """Fill in what a new unit's profile lacks after registration, so it can be submitted."""
    form.inputs["unit_type"].setCurrentIndex(1)
    form.inputs["founded_on"].setText("2010-05-01")
    form.inputs["address"].setText("湖南省衡阳市蒸湘区某路1号")
    form.inputs["business_scope"].setPlainText("房屋建筑工程施工")
