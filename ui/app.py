"""Start the desktop application: ``hy-client-gui [--platform NAME|URL] [--lang en] [--tray]``.

Chinese by default (English selectable), high-DPI, one QSS theme, one running instance (a
second start raises the first window), the login window first and the main window after.
``HY_PKCS11_MODULE`` names a module tried first (``make demo`` sets it to the demo token).

A cold start shows the login window first and only then imports the core (HTTP client, API
models, python-pkcs11, cryptography: most of the start-up time) and builds the ``AppContext`` on
a worker; the context reaches the window through the jobs' queued signal. So nothing heavy is
imported at the top of this module or of ``ui.login``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from hy_client import errors
from hy_client.errors import HyError

from . import i18n, state, theme
from .jobs import QueryOp, error_text, shutdown_pool
from .single import SingleInstance

if TYPE_CHECKING:
    from hy_client.api.models import Account
    from hy_client.signin import LoginResult

    from .context import AppContext

log = logging.getLogger(__name__)
APP_NAME = "hy-client"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hy-client-gui",
                                     description="衡阳市公共资源交易系统 投标人客户端")
    parser.add_argument("--platform", help="平台名称（sandbox / hengyang）或地址 URL")
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), help="界面语言")
    parser.add_argument("--module", action="append", default=[],
                        help="PKCS#11 驱动模块（绝对路径）")
    parser.add_argument("--tray", action="store_true",
                        help="只在系统托盘中启动（开机自动启动时的到期与开标提醒）")
    return parser.parse_args(list(argv))


def make_application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *argv])
    app.setApplicationDisplayName(i18n.APP_TITLE)  # i18n.install sets it in the language
    return app


def create_context(platform: str | None, modules: list[str] | None) -> AppContext:
    """Logging, settings and the core, on a worker: the login window is already shown."""
    from hy_client import logs

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
        old, self.window = self.window, window
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        if old is not None:
            old.close()

    def raise_window(self) -> None:
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()


def _fatal_box(error: HyError) -> QMessageBox:
    main, extra = error_text(error)
    box = QMessageBox(QMessageBox.Icon.Critical, i18n.translate("App", "无法启动"), main)
    box.setObjectName("fatalBox")
    box.setProperty("errorCode", error.code)
    box.setInformativeText(extra)
    return box


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from hy_client.winsupport import set_app_user_model_id

    set_app_user_model_id()  # before the first window: taskbar button and toasts are ours
    app = make_application([])
    instance = SingleInstance()
    if not instance.acquire():
        log.info("another instance is running: raised it")
        return 0
    i18n.install(app, args.lang or state.language() or i18n.DEFAULT_LANGUAGE)
    theme.apply(app)
    controller = Controller()
    if args.tray:  # started with the session: reminders in the tray, a window on request
        from .tray import start_tray

        instance.activated.connect(start_tray(app, controller, args.platform,
                                              args.module or None).open)
    else:
        controller.first_run = True
        instance.activated.connect(controller.raise_window)
        controller.show_login()
        # After the first paint (posted events go before timers): then the core, on a worker.
        QTimer.singleShot(0, lambda: controller.load(args.platform, args.module or None))
    try:
        return app.exec()
    finally:
        instance.release()
        controller.close()
        shutdown_pool()


if __name__ == "__main__":
    sys.exit(main())
