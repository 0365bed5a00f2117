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

import gc
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from . import i18n, state, theme
from .controller import Controller

if TYPE_CHECKING:
    import argparse

__all__ = ["Controller", "Options", "main", "make_application", "parse_args"]
from .single import SingleInstance
from .startup import after_first_paint

log = logging.getLogger(__name__)
APP_NAME = "hy-client"


class Options(NamedTuple):
    platform: str | None = None
    lang: str | None = None
    module: tuple[str, ...] = ()
    tray: bool = False


def parse_args(argv: Sequence[str]) -> Options:
    """The options; with none (a shortcut or the autostart entry: the usual start) their
    defaults without argparse, whose parser costs a few ms before the first frame (a test
    checks both agree)."""
    if not argv:
        return Options()
    args = parser().parse_args(list(argv))
    return Options(args.platform, args.lang, tuple(args.module), args.tray)


def parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="hy-client-gui",
                                     description="衡阳市公共资源交易系统 投标人客户端")
    parser.add_argument("--platform", help="平台名称（sandbox / hengyang）或地址 URL")
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), help="界面语言")
    parser.add_argument("--module", action="append", default=[],
                        help="PKCS#11 驱动模块（绝对路径）")
    parser.add_argument("--tray", action="store_true",
                        help="只在系统托盘中启动（开机自动启动时的到期与开标提醒）")
    return parser


def make_application(argv: Sequence[str]) -> QApplication:
    """The QApplication every window expects: its names and the theme (fonts and style
    sheet), set before any window or event filter exists."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # High DPI: Qt 6 scales by default, with fractional factors passed through (PassThrough).
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *argv])
    app.setApplicationDisplayName(i18n.APP_TITLE)  # i18n.install sets it in the language
    theme.apply(app)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    # Cycle collection belongs to the GUI thread's timer (``dispatch``), started with the first
    # worker; until then none is needed, and one would only delay the first frame.
    gc.disable()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if sys.platform == "win32":  # a no-op elsewhere: not worth its imports before the window
        from hy_client.winsupport import set_app_user_model_id

        set_app_user_model_id()  # before the first window: taskbar button and toasts are ours
    instance = SingleInstance()
    if instance.knock():  # before any window: a second copy only raises the first
        return 0
    app = make_application([])
    language = i18n.install(app, args.lang or state.language() or i18n.DEFAULT_LANGUAGE,
                            qt_catalogue=False)
    controller = Controller()
    if args.tray:  # started with the session: reminders in the tray, a window on request
        from .tray import start_tray

        tray = start_tray(app, controller, args.platform, list(args.module) or None)
        instance.activated.connect(tray.open)
        QTimer.singleShot(0, lambda: _after_first_frame(app, instance, language))
    else:
        controller.first_run = True
        instance.activated.connect(controller.raise_window)
        login = controller.show_login()
        # After the first paint: the core (on a worker) first, then what the first frame did
        # not need (the last asked runs first)
        after_first_paint(login, lambda: _after_first_frame(app, instance, language))
        after_first_paint(login, lambda: controller.load(args.platform, list(args.module) or None))
    try:
        return app.exec()
    finally:
        from .jobs import shutdown_pool

        instance.release()
        controller.close()
        shutdown_pool()


def _after_first_frame(app: QApplication, instance: SingleInstance, language: str) -> None:
    i18n.install_qt_catalogue(app, language)
    theme.apply_icon(app)
    if not instance.listen():  # another copy started at the same moment and answers
        log.info("another instance is running: raised it")
        app.quit()


if __name__ == "__main__":
    sys.exit(main())
