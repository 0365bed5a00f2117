"""设置: saved to the config file, applied to the running context, autostart written for real
(an XDG autostart entry in a per-test config home) and a refused one reported as C105."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction

from hy_client import autostart, config, errors
from ui import state
from ui.app import parse_args
from ui.login import LoginWindow
from ui.main_window import MainWindow
from ui.settings import SettingsDialog, check_thresholds, parse_hours

from .helpers import check_screen, close_boxes, open_boxes


@pytest.fixture
def config_home(tmp_path, monkeypatch):
    """Where the autostart entry goes (``$XDG_CONFIG_HOME/autostart``)."""
    home = tmp_path / "xdg-config"
    home.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def test_reminder_hours_and_thresholds_are_checked():
    assert parse_hours("48, 2") == (48, 2)
    assert parse_hours(" 2，48、24 24 ") == (48, 24, 2)  # Chinese commas, repeats, any order
    for bad in ("", "abc", "48, 0", "48, -2", "721", "1,2,3,4,5", "4.5"):
        with pytest.raises(ValueError):
            parse_hours(bad)
    assert check_thresholds((90, 30, 7)) == (90, 30, 7)
    for bad in ((30, 90, 7), (30, 30, 7), (90, 30, 0)):
        with pytest.raises(ValueError):
            check_thresholds(bad)


def test_saving_writes_the_config_applies_it_and_the_autostart_entry(qtbot, ctx, config_home):
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.platform.currentData() == ctx.settings.platform
    assert not dialog.autostart.isChecked()
    assert dialog.hours.text() == "48, 2"
    check_screen(dialog, "settings")

    dialog.platform.setCurrentIndex(dialog.platform.findData("hengyang"))
    dialog.autostart.setChecked(True)
    for box, days in zip(dialog.days, (60, 20, 5), strict=True):
        box.setValue(days)
    dialog.hours.setText("72, 24, 2")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    with qtbot.waitSignal(dialog.saved, timeout=30000) as saved:
        dialog.buttons.accepted.emit()
    stored = config.load()
    assert saved.args[0] == stored and ctx.settings == stored  # the running program follows
    assert stored.platform == "hengyang" and stored.autostart
    assert stored.renewal_thresholds == (60, 20, 5)
    assert stored.bid_reminder_hours == (72, 24, 2)
    assert state.language() == "en"  # the one place for the language
    assert "language" not in config.config_path().read_text("utf-8")
    entry = config_home / "autostart" / autostart.DESKTOP_FILE
    assert entry.is_file() and autostart.is_enabled()
    exec_line = next(x for x in entry.read_text("utf-8").splitlines() if x.startswith("Exec="))
    assert exec_line.endswith(" --tray")
    assert parse_args(["--tray"]).tray  # the entry's command starts the GUI in the tray
    assert not dialog.isVisible()

    again = SettingsDialog(ctx)  # shows what was saved; switching it off removes the entry
    qtbot.addWidget(again)
    assert again.autostart.isChecked() and again.hours.text() == "72, 24, 2"
    again.autostart.setChecked(False)
    with qtbot.waitSignal(again.saved, timeout=30000):
        again.buttons.accepted.emit()
    assert not entry.exists() and not config.load().autostart and not ctx.settings.autostart


def test_a_refused_autostart_is_c105_and_nothing_is_saved(qtbot, ctx, config_home):
    (config_home / "autostart").write_text("a file where the folder should be")
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.autostart.setChecked(True)
    dialog.hours.setText("24")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=30000)
    box = open_boxes()[0]
    assert box.property("errorCode") == errors.AUTOSTART_FAILED.code == "C105"
    assert errors.AUTOSTART_FAILED.zh in box.text()
    assert not config.config_path().exists()  # the config was not written
    assert ctx.settings.bid_reminder_hours == (48, 2) and not ctx.settings.autostart
    assert dialog.isVisible() and dialog.buttons.isEnabled()  # to try again or cancel
    close_boxes()


def test_an_invalid_field_says_why_and_saves_nothing(qtbot, ctx):
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.hours.setText("四十八")
    dialog.buttons.accepted.emit()
    assert dialog.problem.isVisible() and "整数" in dialog.problem.text()
    dialog.hours.setText("48")
    dialog.days[0].setValue(10)  # 提前提醒 10 days, 即将到期 30: not decreasing
    dialog.buttons.accepted.emit()
    assert dialog.problem.isVisible() and "递减" in dialog.problem.text()
    assert not config.config_path().exists() and dialog.isVisible()


def test_reload_settings_follows_the_file_and_keeps_what_it_had_when_it_is_bad(ctx):
    config.update(bid_reminder_hours=(24,))
    assert ctx.reload_settings().bid_reminder_hours == (24,)
    assert ctx.settings.bid_reminder_hours == (24,)
    config.config_path().write_text("broken = [")
    assert ctx.reload_settings().bid_reminder_hours == (24,)  # kept, not reset


def test_reachable_from_the_login_window_and_the_main_window(qtbot, ctx):
    login = LoginWindow(ctx)
    qtbot.addWidget(login)
    login.show()
    login.settings_button.click()
    dialog = login.findChild(SettingsDialog)
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    dialog.reject()
    login.close()

    account = ctx.signin.password_login("demo_bidder", "Bidder2024").account
    try:
        window = MainWindow(ctx, account)
        qtbot.addWidget(window)
        window.show()
        action = window.findChild(QAction, "settingsAction")
        assert action is not None
        action.trigger()
        dialog = window.findChild(SettingsDialog)
        assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
        dialog.reject()
        window.reminders.stop()
        window.close()
    finally:
        ctx.signin.logout()
