"""Which window is open: the login window first, the main window after a login, the login
again after logout; and the core (``AppContext``) built on a worker behind the first window.

Imported by ``ui.app`` (the normal start) and ``ui.tray`` (the tray start); it imports neither.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from . import i18n
from .startup import after_first_paint

if TYPE_CHECKING:
    from concurrent.futures import Future

    from PySide6.QtWidgets import QMessageBox

    from hy_client.api.models import Account
    from hy_client.errors import HyError
    from hy_client.signin import LoginResult

    from .context import AppContext

log = logging.getLogger(__name__)


def create_context(platform: str | None, modules: list[str] | None) -> AppContext:
    """Logging, settings and the core, on a worker: the login window is already shown."""
    from hy_client import errors, logs
    from hy_client.errors import HyError

    from .context import AppContext

    logs.setup_logging(program="gui")
    try:
        return AppContext.create(platform, modules)
    except ValueError as exc:
        raise HyError(errors.CONFIG_INVALID, type(exc).__name__) from None


class Controller:
    """Login window first; after a login the main window; after logout the login again.

    Without a context the login window comes first and ``load`` builds the context off the
    GUI thread; ``failed`` is called with the error when that fails.
    """

    def __init__(self, ctx: AppContext | None = None) -> None:
        self.ctx = ctx
        self.window: QWidget | None = None
        self._loading: Future[AppContext] | None = None
        self.fatal_box: QMessageBox | None = None
        self.first_run = False  # main(): open (first start) or offer the first-run assistant
        self.on_ready: list[Callable[[AppContext], None]] = []  # the tray start listens

    def show_login(self) -> QWidget:
        from .login import LoginWindow

        login = LoginWindow(self.ctx)
        login.logged_in.connect(self._logged_in)
        self._swap(login)
        return login

    def load(self, platform: str | None, modules: list[str] | None) -> Future[AppContext]:
        from .jobs import QueryOp

        self._loading = QueryOp(None, lambda: create_context(platform, modules),
                                self._ready).failure(self._failed).run_in_background()
        return self._loading

    def _ready(self, ctx: AppContext) -> None:
        self.ctx = ctx
        set_context = getattr(self.window, "set_context", None)
        if set_context is not None:
            set_context(ctx)
        if self.first_run and self.window is not None:
            from .firstrun import offer_first_run

            offer_first_run(self.window, ctx)
        for listener in self.on_ready:
            listener(ctx)

    def _failed(self, error: HyError) -> None:
        self.fatal_box = box = _fatal_box(error)  # kept: a parentless box would be collected
        box.finished.connect(lambda _r: QCoreApplication.exit(1))
        box.open()

    def close(self, timeout: float = 30.0) -> None:
        """Close the context, waiting for one still being built (the window closed early)."""
        ctx = self.ctx
        if ctx is None and self._loading is not None:
            try:
                ctx = self._loading.result(timeout)
            except Exception:  # already reported, or never finished
                ctx = None
        if ctx is not None:
            ctx.close()

    def _logged_in(self, result: LoginResult) -> None:
        self.show_main(result.account)

    def show_main(self, account: Account) -> QWidget:
        """The main window for ``account`` (after a login, or a session the tray restored)."""
        from .main_window import MainWindow

        assert self.ctx is not None  # a login needs the core
        main = MainWindow(self.ctx, account)
        main.logged_out.connect(self.show_login)
        self._swap(main)
        return main

    def _swap(self, window: QWidget) -> None:
        """Show ``window`` in place of the current one, which is closed and deleted.

        A window is deleted when closed (``WA_DeleteOnClose``), set once it has painted: the
        attribute needs the ``Qt`` namespace, whose first use builds all its enums (~15 ms), and
        before its first paint nobody can close it but this method, which deletes it itself.
        """
        old, self.window = self.window, window
        after_first_paint(window, lambda: _delete_on_close(window))
        window.show()
        if old is not None:
            old.close()
            old.deleteLater()  # deleting twice is safe: closed before its paint, or not

    def raise_window(self) -> None:
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()


def _fatal_box(error: HyError) -> QMessageBox:
    from PySide6.QtWidgets import QMessageBox  # only on a failed start: not before the window

    from .jobs import error_text

    main, extra = error_text(error)
    box = QMessageBox(QMessageBox.Icon.Critical, i18n.translate("App", "无法启动"), main)
    box.setObjectName("fatalBox")
    box.setProperty("errorCode", error.code)
    box.setInformativeText(extra)
    return box


def _delete_on_close(window: QWidget) -> None:
    from PySide6.QtCore import Qt

    if shiboken6.isValid(window):
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
