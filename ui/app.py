"""Start the desktop application: ``hy-client-gui [--platform NAME|URL] [--lang en]``.

Chinese by default (English selectable), high-DPI, one QSS theme, one running instance (a
second start raises the first window), the login window first and the main window after.
``HY_PKCS11_MODULE`` names a module tried first (``make demo`` sets it to the demo token).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from hy_client import errors, logs
from hy_client.errors import HyError
from hy_client.signin import LoginResult

from . import i18n, state, theme
from .context import AppContext
from .jobs import error_text, shutdown_pool
from .single import SingleInstance

log = logging.getLogger(__name__)
APP_NAME = "hy-client"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hy-client-gui",
                                     description="衡阳市公共资源交易系统 投标人客户端")
    parser.add_argument("--platform", help="平台名称（sandbox / hengyang）或地址 URL")
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), help="界面语言")
    parser.add_argument("--module", action="append", default=[],
                        help="PKCS#11 驱动模块（绝对路径）")
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
    app.setApplicationDisplayName("衡阳市公共资源交易系统")
    return app


class Controller:
    """Login window first; after a login the main window; after logout the login again."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.window: QWidget | None = None

    def show_login(self) -> QWidget:
        from .login import LoginWindow

        login = LoginWindow(self.ctx)
        login.logged_in.connect(self._logged_in)
        self._swap(login)
        return login

    def _logged_in(self, result: LoginResult) -> None:
        from .main_window import MainWindow

        main = MainWindow(self.ctx, result.account)
        main.logged_out.connect(self.show_login)
        self._swap(main)

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


def _fatal(error: HyError) -> int:
    main, extra = error_text(error)
    box = QMessageBox(QMessageBox.Icon.Critical, "无法启动", main)
    box.setInformativeText(extra)
    box.exec()
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logs.setup_logging()
    app = make_application([])
    instance = SingleInstance()
    if not instance.acquire():
        log.info("another instance is running: raised it")
        return 0
    i18n.install(app, args.lang or state.language() or i18n.DEFAULT_LANGUAGE)
    theme.apply(app)
    try:
        ctx = AppContext.create(args.platform, args.module or None)
    except HyError as exc:
        return _fatal(exc)
    except ValueError as exc:
        return _fatal(HyError(errors.CONFIG_INVALID, type(exc).__name__))
    controller = Controller(ctx)
    instance.activated.connect(controller.raise_window)
    controller.show_login()
    try:
        return app.exec()
    finally:
        instance.release()
        ctx.close()
        shutdown_pool()


if __name__ == "__main__":
    sys.exit(main())
