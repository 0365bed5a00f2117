"""托盘启动 (``--tray``): the controller's tray-mode logic against the sandbox and real SoftHSM
keys. Offscreen Qt has no system tray, so the icon is a real QSystemTrayIcon that is never
shown on a screen, and the tests follow the signals (messages go nowhere without a tray)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shiboken6
from PySide6.QtWidgets import QSystemTrayIcon

from hy_client.autostart import TRAY_ARG, gui_program, launch_command
from ui.app import Controller, parse_args
from ui.login import LoginWindow
from ui.main_window import MainWindow
from ui.theme import app_icon
from ui.tray import TrayApp

from .test_app import root_logging  # noqa: F401  (a fixture: the start-up configures logging)


@pytest.fixture
def controller(ctx):
    made = Controller(ctx)
    yield made
    if made.window is not None and shiboken6.isValid(made.window):
        made.window.close()


@pytest.fixture
def demo_session(ctx):
    """The demo bidder logged in earlier: only the keyring holds the session, as after a
    restart."""
    ctx.signin.password_login("demo_bidder", "Bidder2024")
    bids = ctx.client.bids()
    ctx.client.token = None
    yield bids
    ctx.signin.logout()


def tray_app(controller, **kwargs) -> TrayApp:
    return TrayApp(controller, QSystemTrayIcon(app_icon()), **kwargs)


def test_tray_parses_and_is_what_autostart_runs():
    assert parse_args([TRAY_ARG]).tray and not parse_args([]).tray
    args = launch_command()[len(gui_program()):]  # what the autostart entry passes
    assert args == [TRAY_ARG] and parse_args(args).tray


def test_without_a_session_it_waits_in_the_tray_and_opens_the_login(qtbot, qapp, controller):
    tray = tray_app(controller)
    sessions: list = []
    tray.session_checked.connect(sessions.append)
    with qtbot.waitSignals([tray.session_checked, tray.advice_ready], timeout=60000):
        tray.start()
    assert tray.active and controller.window is None  # no window at start
    assert sessions == [None]
    assert isinstance(tray.advice, list) and tray.reminders is None  # no bids without a login
    assert [a.objectName() for a in tray.menu.actions() if a.objectName()] == [
        "trayOpen", "trayQuit"]

    with qtbot.waitSignal(tray.active_changed) as changed:
        tray.open_action.trigger()
    assert changed.args == [False] and not tray.active
    login = controller.window
    assert isinstance(login, LoginWindow) and login.isVisible() and login.ready
    tray.open_action.trigger()  # open again: the same window comes forward
    assert controller.window is login

    login.close()
    with qtbot.waitSignal(tray.session_checked, timeout=30000):
        qapp.lastWindowClosed.emit()  # the last window closed: back to the tray
    assert tray.active
    with qtbot.waitSignal(tray.quit_requested):
        tray.quit_action.trigger()
    tray.stop()


def test_a_restored_session_brings_bid_reminders_and_opens_the_main_window(
        qtbot, controller, ctx, demo_session):
    opening = min(b.bid_opening for b in demo_session)
    tray = tray_app(controller, clock=lambda: opening - timedelta(hours=47))
    seen: list = []
    tray.reminded.connect(seen.append)
    with qtbot.waitSignal(tray.session_checked, timeout=60000) as checked:
        tray.start()
    assert checked.args[0].username == "demo_bidder" and ctx.account == checked.args[0]
    assert tray.reminders is not None
    qtbot.waitUntil(lambda: bool(seen), timeout=60000)
    assert [r.hours for r in seen] == [48] and seen[0].opening == opening
    qtbot.waitUntil(lambda: tray.advice is not None, timeout=60000)
    assert tray.reminders.timer.isActive()

    tray.open_action.trigger()
    main = controller.window
    assert isinstance(main, MainWindow) and main.account.username == "demo_bidder"
    assert not tray.active and not tray.reminders.timer.isActive()  # the window reminds now
    main.reminders.stop()
    tray.stop()


def test_without_a_system_tray_the_login_window_opens(qtbot, controller):
    tray = TrayApp(controller, None)
    tray.start()
    assert isinstance(controller.window, LoginWindow) and controller.window.isVisible()
    assert not tray.active and tray.reminders is None


def test_the_core_is_built_off_the_gui_thread_then_the_session_checked(
        qtbot, platform, root_logging):  # noqa: F811
    controller = Controller()
    tray = tray_app(controller)
    try:
        with qtbot.waitSignal(tray.session_checked, timeout=60000) as checked:
            tray.start(platform.url, [])
        assert checked.args == [None] and controller.ctx is not None
        assert controller.window is None
        qtbot.waitUntil(lambda: tray.advice is not None, timeout=60000)
    finally:
        tray.stop()
        controller.close()


def test_a_key_pulled_while_waiting_in_the_tray_is_said(
        qtbot, controller, ctx, demo_session, provisioned, tokens, monkeypatch):
    from ui import key_notice

    for t in provisioned.tokens.values():  # a logged-in session blocks the re-initialisation
        tokens.logout(t.serial).result(10)
    tray = tray_app(controller)
    with qtbot.waitSignal(tray.session_checked, timeout=60000):
        tray.start()
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(tray.tray, "showMessage", lambda *args: said.append(args[:2]))
    spec = provisioned.new_token("hy-tray")
    qtbot.waitUntil(lambda: any(t.serial == spec.serial for m in tokens.scan().result(30)
                                for t in m.tokens), timeout=20000)
    with qtbot.waitSignal(tray.key_removed, timeout=20000) as removed:
        provisioned.env.delete_token("hy-tray")
    assert removed.args[0].serial == spec.serial and removed.args[0].label == "hy-tray"
    # the main window's notice words it the same (test_live_keys)
    assert tray.account is not None
    assert said == [(key_notice.title(), key_notice.removed_text(
        ["hy-tray"], person=tray.account.kind == "person"))]
    tray.stop()
    if tray.reminders is not None:
        tray.reminders.stop()
