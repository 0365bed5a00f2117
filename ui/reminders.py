"""开标提醒: tray reminders before each bid opening (48 h and 2 h by default), each shown once.

The bids come from the platform on the pool; which reminders are due and when the next one
falls due are the core's (``readiness.due_reminders``, ``next_reminder_at``); which were shown
is remembered in ``ReadinessStore``, so a restart neither repeats one nor loses one. A single
QTimer waits for the next one; the bids are fetched again then (an opening may have moved), and
at least every few hours.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QSystemTrayIcon

from hy_client import readiness
from hy_client.readiness import ReadinessStore, Reminder

from .context import AppContext
from .i18n import translate
from .jobs import QueryOp

RECHECK_MS = 4 * 3600 * 1000  # fetch the bids again at least this often
TITLE = str(QT_TRANSLATE_NOOP("BidReminders", "开标提醒"))


def _now() -> datetime:
    return datetime.now(UTC)


class BidReminders(QObject):
    """``start()`` once logged in; ``reminded`` carries each reminder as it is shown."""

    reminded = Signal(object)  # Reminder
    checked = Signal(object)  # datetime | None: when the timer fires next

    def __init__(self, ctx: AppContext, tray: QSystemTrayIcon | None,
                 parent: QObject | None = None, *, store: ReadinessStore | None = None,
                 clock: Callable[[], datetime] = _now) -> None:
        # owned by the application when no parent is given: it owns a timer, so it must never
        # be freed by a worker dropping the last reference
        super().__init__(parent or QCoreApplication.instance())
        self.ctx, self.tray = ctx, tray
        self.store = store or ReadinessStore.for_account(
            ctx.client.origin, ctx.account.id if ctx.account is not None else 0)
        self.clock = clock
        self.next_at: datetime | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self._checking = False

    def start(self) -> None:
        self.check()

    def stop(self) -> None:
        self.timer.stop()

    @Slot()
    def check(self) -> None:
        """Fetch the bids, show what is due now, and wait for the next one."""
        if self._checking:
            return
        self._checking = True
        client, store, clock = self.ctx.client, self.store, self.clock
        hours = tuple(self.ctx.settings.bid_reminder_hours)

        def job() -> tuple[list[Reminder], datetime | None]:
            bids = client.bids()
            now = clock()
            due = readiness.due_reminders(bids, now, store.shown(), hours)
            store.mark_shown(due, now)  # shown right after this, on the GUI thread
            return due, readiness.next_reminder_at(bids, now, hours)

        QueryOp(None, job, self._due).failure(self._failed).run_in_background()

    def _due(self, value: tuple[list[Reminder], datetime | None]) -> None:
        if not shiboken6.isValid(self):  # the window closed meanwhile
            return
        self._checking = False
        due, self.next_at = value
        for reminder in due:
            self._show(reminder)
        self._schedule()

    def _failed(self, _error: object) -> None:  # offline or logged out: try again later
        if not shiboken6.isValid(self):
            return
        self._checking = False
        self.next_at = None
        self._schedule()

    def _schedule(self) -> None:
        wait = RECHECK_MS
        if self.next_at is not None:
            ms = int((self.next_at - self.clock()).total_seconds() * 1000) + 1000
            wait = max(1000, min(wait, ms))
        self.timer.start(wait)
        self.checked.emit(self.next_at)

    def _show(self, reminder: Reminder) -> None:
        if self.tray is not None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.showMessage(translate("BidReminders", TITLE), reminder.message_zh,
                                  QSystemTrayIcon.MessageIcon.Warning, 30000)
        self.reminded.emit(reminder)
