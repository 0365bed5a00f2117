"""托盘启动 (``--tray``): what the autostart entry runs when the user logs in to Windows.

Only the tray icon: the core is built on a worker, a stored session is restored when there is
one, the renewal advice is shown once as a tray message, and the 开标提醒 run while the program
waits in the tray (they need the platform's bids, so a session). 打开 shows the login window, or
the main window when the session was restored; while a window is open the windows own the
reminders (the main window has its own tray icon), and when the last one closes the program
goes back to the tray. 退出 ends it. Without a system tray a tray-only start would be invisible:
the login window opens instead, as at a normal start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from hy_client.errors import HyError

from . import key_notice
from .i18n import translate
from .jobs import QueryOp
from .widgets.renewal import current, make_tray, notify_tray

if TYPE_CHECKING:
    from hy_client.api.models import Account
    from hy_client.renewal import RecordAdvice, RenewalAdvice
    from hy_client.token.models import TokenEvent

    from .context import AppContext
    from .controller import Controller
    from .reminders import BidReminders


class TrayApp(QObject):
    """The tray-only start over the application's ``Controller``; ``start`` once."""

    session_checked = Signal(object)  # Account | None: the stored session, restored or not
    advice_ready = Signal(object)  # list[RenewalAdvice], once, at start
    active_changed = Signal(bool)  # True: waiting in the tray; False: a window is open
    reminded = Signal(object)  # Reminder: a 开标提醒 shown from the tray
    key_removed = Signal(object)  # TokenEvent: a key pulled out while logged in, told in the tray
    quit_requested = Signal()

    def __init__(self, controller: Controller, tray: QSystemTrayIcon | None,
                 parent: QObject | None = None, *,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.controller, self.tray, self.clock = controller, tray, clock
        self.account: Account | None = None
        self.advice: list[RenewalAdvice] | None = None
        self.record_advice: list[RecordAdvice] = []
        self.reminders: BidReminders | None = None
        self.active = False
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.open_action = QAction(translate("Tray", "打开"), self.menu)
        self.open_action.setObjectName("trayOpen")
        self.open_action.triggered.connect(self.open)
        self.quit_action = QAction(translate("Tray", "退出"), self.menu)
        self.quit_action.setObjectName("trayQuit")
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.open_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        if tray is not None:
            tray.setContextMenu(self.menu)
            tray.activated.connect(self._activated)
        controller.on_ready.append(self._ready)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.lastWindowClosed.connect(self.back_to_tray)

    def start(self, platform: str | None = None, modules: list[str] | None = None) -> None:
        """Wait in the tray (or open the login window when there is none); build the core."""
        if self.tray is None:
            self.open()
        else:
            self._set_active(True)
        if self.controller.ctx is not None:
            self._ready(self.controller.ctx)
        else:
            QTimer.singleShot(0, lambda: self.controller.load(platform, modules))

    def _ready(self, ctx: AppContext) -> None:
        if self.tray is not None:  # without a tray the windows do it all
            ctx.start_watching().token_event.connect(self._on_token_event)
            self.check_session()

    def _on_token_event(self, event: TokenEvent) -> None:
        """While waiting in the tray with a session: a pulled key is said at once (the main
        window says it itself when it is open)."""
        if event.kind != "removed" or not self.active or self.account is None:
            return
        if self.tray is not None:
            self.tray.showMessage(key_notice.title(), key_notice.removed_text(
                [event.label], person=self.account.kind == "person"))
        self.key_removed.emit(event)

    def check_session(self) -> None:
        """Restore the stored session (if any) on the pool; ``session_checked`` tells."""
        ctx = self.controller.ctx
        if ctx is None:
            return
        signin = ctx.signin

        def job() -> Account | None:
            try:
                return signin.whoami()
            except HyError:  # none stored, expired, or offline: reminders wait for a login
                return None

        QueryOp(None, job, self._session).failure(
            lambda _e: self._session(None)).run_in_background()

    def _session(self, account: Account | None) -> None:
        ctx = self.controller.ctx
        if not shiboken6.isValid(self) or ctx is None:
            return
        switched = (self.account.id if self.account else None) != (
            account.id if account else None)
        self.account = account
        if account is not None:
            ctx.account = account
        if switched:  # another company logged in meanwhile: nothing of the last one stays
            self.advice, self.record_advice = None, []
            if self.reminders is not None:
                self.reminders.stop()
                self.reminders.deleteLater()
                self.reminders = None
        self.session_checked.emit(account)
        if self.advice is None:
            with_bids = account is not None

            def job() -> tuple[list[RenewalAdvice], list[RecordAdvice]]:
                found = current(ctx, with_bids)
                return list(found.certificates), list(found.records)

            QueryOp(None, job, self._advised).failure(
                lambda _e: self._advised(([], []))).run_in_background()
        if account is not None and self.active:
            self._start_reminders(ctx)

    def _advised(self, found: tuple[list[RenewalAdvice], list[RecordAdvice]]) -> None:
        if not shiboken6.isValid(self):
            return
        self.advice, self.record_advice = found
        if self.active:  # expiring qualifications and personnel reach the tray too
            notify_tray(self.tray, [*self.advice, *self.record_advice])
        self.advice_ready.emit(self.advice)

    def _start_reminders(self, ctx: AppContext) -> None:
        from .reminders import BidReminders

        if self.reminders is None:  # its store: the reminders shown to ctx.account
            extra: dict[str, Any] = {"clock": self.clock} if self.clock is not None else {}
            self.reminders = BidReminders(ctx, self.tray, self, **extra)
            self.reminders.reminded.connect(self.reminded)
        self.reminders.start()

    def _set_active(self, active: bool) -> None:
        self.active = active
        if self.tray is not None:
            self.tray.setVisible(active)
        if not active and self.reminders is not None:
            self.reminders.stop()
        self.active_changed.emit(active)

    @Slot()
    def open(self) -> None:
        """打开: the open window raised, else the main window (session restored) or the login."""
        window = self.controller.window
        if window is not None and shiboken6.isValid(window) and window.isVisible():
            self.controller.raise_window()
            return
        self._set_active(False)
        if self.account is not None and self.controller.ctx is not None:
            self.controller.show_main(self.account)
        else:
            self.controller.show_login()

    @Slot()
    def back_to_tray(self) -> None:
        """The last window closed: wait in the tray again; the session may have changed."""
        if self.tray is None or self.active:
            return
        self._set_active(True)
        self.check_session()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open()

    def stop(self) -> None:
        if self.reminders is not None:
            self.reminders.stop()
        if self.tray is not None:
            self.tray.hide()


def start_tray(app: QApplication, controller: Controller, platform: str | None,
               modules: Sequence[str] | None) -> TrayApp:
    """``main`` with ``--tray``: owned by the application, so it lives as long as it runs."""
    tray_app = TrayApp(controller, make_tray(app), app)
    app.setQuitOnLastWindowClosed(tray_app.tray is None)
    tray_app.quit_requested.connect(app.quit)
    tray_app.start(platform, list(modules) if modules is not None else None)
    return tray_app
