"""The main window after login: navigation like the platform's modules, the renewal banner.

A page is one line in ``PAGES`` (key, title, factory): the drivers and diagnostics pages add
themselves there when they exist. A page's module is imported on its first visit (``_lazy``),
so the main window opens quickly after a login.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hy_client.api import models
from hy_client.drafts import QuarantinedDraft
from hy_client.readiness import ReadinessStore
from hy_client.records import RecordFlows
from hy_client.renewal import RecordAdvice, RenewalAdvice
from hy_client.token.models import TokenEvent

from . import i18n, key_notice, state
from .context import AppContext
from .help import HelpPage, show_about
from .jobs import QueryOp
from .quarantine import QuarantineDialog
from .reminders import BidReminders
from .settings import open_settings
from .widgets.renewal import (
    RenewalBanner,
    current,
    make_tray,
    notify_tray,
)


def _lazy(module: str, name: str) -> Callable[..., QWidget]:
    """The page class ``name`` of ``module``, imported when the first page is built."""
    def make(*args: Any, **kwargs: Any) -> QWidget:
        page: QWidget = getattr(importlib.import_module(module, __package__), name)(
            *args, **kwargs)
        return page
    return make


ProfilePage = _lazy(".pages.records", "ProfilePage")
RecordsPage = _lazy(".pages.records", "RecordsPage")
CertificatesPage = _lazy(".pages.certificates", "CertificatesPage")
BindingPage = _lazy(".pages.binding", "BindingPage")
DriversPage = _lazy(".pages.drivers", "DriversPage")
DiagnosticsPage = _lazy(".pages.diagnostics", "DiagnosticsPage")
BidsPage = _lazy(".pages.bids", "BidsPage")


def _tr(text: str) -> str:
    return i18n.translate("MainWindow", text)


@dataclass(frozen=True)
class PageEnv:
    ctx: AppContext
    flows: RecordFlows
    account: models.Account


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    make: Callable[[PageEnv], QWidget]
    for_person: bool = True  # shown to a natural-person account (企业资质 is not)


# Titles are shown through _tr; QT_TRANSLATE_NOOP lists them for the .ts.
PAGES: tuple[Page, ...] = (
    Page("profile", str(QT_TRANSLATE_NOOP("MainWindow", "基本信息")),
         lambda e: ProfilePage(e.flows, e.account)),
    Page("qualification", str(QT_TRANSLATE_NOOP("MainWindow", "企业资质")),
         lambda e: RecordsPage(e.flows, "qualification", e.account,
                               thresholds=e.ctx.settings.renewal_thresholds),
         for_person=False),
    Page("personnel", str(QT_TRANSLATE_NOOP("MainWindow", "职业人员")),
         lambda e: RecordsPage(e.flows, "personnel", e.account,
                               thresholds=e.ctx.settings.renewal_thresholds)),
    Page("certificates", str(QT_TRANSLATE_NOOP("MainWindow", "证书")),
         lambda e: CertificatesPage(e.ctx)),
    Page("binding", str(QT_TRANSLATE_NOOP("MainWindow", "标证通绑定")),
         lambda e: BindingPage(e.ctx)),
    Page("bids", str(QT_TRANSLATE_NOOP("MainWindow", "投标准备")),
         lambda e: BidsPage(e.ctx)),
    Page("drivers", str(QT_TRANSLATE_NOOP("MainWindow", "驱动")),
         lambda e: DriversPage(e.ctx)),
    Page("diagnostics", str(QT_TRANSLATE_NOOP("MainWindow", "诊断")),
         lambda e: DiagnosticsPage(e.ctx)),
    Page("help", str(QT_TRANSLATE_NOOP("MainWindow", "帮助")),
         lambda e: HelpPage()),
)


STARTUP_SCAN_SECONDS = 5.0  # key events this soon after opening are the first scan's


def pages_for(account: models.Account) -> list[Page]:
    """The pages an account may use: a natural person has no enterprise qualifications."""
    return [p for p in PAGES if p.for_person or account.kind != "person"]


class MainWindow(QMainWindow):
    logged_out = Signal()
    advice_ready = Signal(object)  # list[RenewalAdvice]

    def __init__(self, ctx: AppContext, account: models.Account,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.account = ctx, account
        self.env = PageEnv(ctx, RecordFlows.for_account(ctx.client, ctx.drafts, account), account)
        self.setObjectName("mainWindow")
        self.setWindowTitle(account.display_name)  # Qt appends the application's name
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self.visible_pages = pages_for(account)
        for page in self.visible_pages:
            self.nav.addItem(_tr(page.title))
        self.nav.setFixedWidth(max(150, self.nav.sizeHintForColumn(0) + 24))  # English is wider
        self.nav.currentRowChanged.connect(self._show_page)
        self.banner = RenewalBanner()
        self.banner.details_requested.connect(self._open_details)
        self.banner.renew_requested.connect(self._renew)
        who = QLabel(i18n.translate("MainWindow", "当前账号：{name}（{username}）").format(
            name=account.display_name, username=account.username))
        who.setObjectName("accountLabel")
        # The session's keys as they are now: a key pulled out is said here and in the tray.
        self.key_notice = QLabel()
        self.key_notice.setObjectName("keyNotice")
        self.key_notice.setWordWrap(True)
        self.key_notice.setProperty("role", "warning")
        self.key_notice.hide()
        self.removed_keys: dict[str, str] = {}  # serial → label
        right = QVBoxLayout()
        right.addWidget(self.banner)
        right.addWidget(self.key_notice)
        right.addWidget(self.stack, 1)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addLayout(right, 1)
        self.setCentralWidget(body)
        self.statusBar().addWidget(who)
        self._menus()
        self.tray = make_tray(self)
        self.advice: list[RenewalAdvice] = []
        self.record_advice: list[RecordAdvice] = []
        if not state.restore_geometry(self, "main"):
            self.resize(1000, 700)
        self.nav.setCurrentRow(0)
        self._opened = time.monotonic()
        ctx.start_watching().token_event.connect(self._on_token_event)
        self.check_renewal()
        self.reminders = BidReminders(  # 开标提醒 in the tray, remembered per account
            ctx, self.tray, self,
            store=ReadinessStore.for_account(ctx.client.origin, account.id))
        self.reminders.start()
        self.quarantine: QuarantineDialog | None = None
        drafts = ctx.drafts
        QueryOp(self, drafts.quarantined, self._quarantine_found).failure(
            lambda _e: None).run_in_background()

    def _menus(self) -> None:
        account = self.menuBar().addMenu(i18n.translate("MainWindow", "账号"))
        preferences = QAction(i18n.translate("MainWindow", "设置…"), self)
        preferences.setObjectName("settingsAction")
        preferences.triggered.connect(lambda: open_settings(self, self.ctx))
        account.addAction(preferences)
        old_drafts = QAction(i18n.translate("MainWindow", "旧版本留下的草稿…"), self)
        old_drafts.setObjectName("quarantineAction")
        old_drafts.triggered.connect(lambda: self.show_quarantine())
        account.addAction(old_drafts)
        logout = QAction(i18n.translate("MainWindow", "退出登录"), self)
        logout.setObjectName("logoutAction")
        logout.triggered.connect(self.logout)
        account.addAction(logout)
        language = self.menuBar().addMenu("语言 / Language")
        for code, name in i18n.LANGUAGES.items():
            action = QAction(name, self)
            action.triggered.connect(lambda _c=False, c=code: self._set_language(c))
            language.addAction(action)
        help_menu = self.menuBar().addMenu(i18n.translate("MainWindow", "帮助"))
        about = QAction(i18n.translate("MainWindow", "关于"), self)
        about.triggered.connect(lambda: show_about(self))
        help_menu.addAction(about)

    def _set_language(self, code: str) -> None:
        state.set_language(code)
        # in both languages, like the menu: the choice is for the next start
        self.statusBar().showMessage("界面语言将在重新启动后生效 / Restart to apply", 8000)

    def page_keys(self) -> list[str]:
        return [p.key for p in self.visible_pages]

    def _show_page(self, row: int) -> None:
        if not 0 <= row < len(self.visible_pages):
            return
        page = self.visible_pages[row]
        if page.key not in self.pages:  # built on first visit: start-up stays quick
            widget = page.make(self.env)
            self.pages[page.key] = widget
            self.stack.addWidget(widget)
            set_advice = getattr(widget, "set_advice", None)
            if page.key == "help" and set_advice is not None:  # renders the advisor's answer
                set_advice(self.advice)
                self.advice_ready.connect(set_advice)
        self.stack.setCurrentWidget(self.pages[page.key])

    def _renew(self, cert_sha256: str) -> None:
        """The banner's 证书延期: the 证书 page opens the renewal for that certificate."""
        page = self.open_page("certificates")
        page.renew_for(cert_sha256)  # type: ignore[attr-defined]

    def _open_details(self, key: str) -> None:
        """The banner's 详情: the advice's page (the 证书 page if this account has no such)."""
        self.open_page(key if key in self.page_keys() else "certificates")

    def open_page(self, key: str) -> QWidget:
        self.nav.setCurrentRow(self.page_keys().index(key))
        return self.pages[key]

    # --- the keys, live -----------------------------------------------------------------------
    @Slot(object)
    def _on_token_event(self, event: TokenEvent) -> None:
        if event.kind == "removed":
            self.removed_keys[event.serial] = event.label
        elif event.kind == "inserted":
            back = self.removed_keys.pop(event.serial, None)
            # The watcher's first scan reports every key as inserted: that is no news.
            if back is not None or time.monotonic() - self._opened > STARTUP_SCAN_SECONDS:
                self.statusBar().showMessage(
                    _tr("CA锁“{label}”已插入").format(label=event.label), 8000)
                self.check_renewal()  # the advice follows the keys plugged in
        self._show_key_notice(event if event.kind == "removed" else None)

    def _show_key_notice(self, removed: TokenEvent | None) -> None:
        if not self.removed_keys:
            self.key_notice.hide()
            return
        text = key_notice.removed_text(self.removed_keys.values(),
                                       person=self.account.kind == "person")
        self.key_notice.setText(text)
        self.key_notice.show()
        if removed is not None and self.tray is not None and self.tray.isVisible():
            self.tray.showMessage(key_notice.title(), text)

    def _quarantine_found(self, found: list[QuarantinedDraft]) -> None:
        if found:
            self.show_quarantine(found)

    def show_quarantine(self, found: list[QuarantinedDraft] | None = None) -> QuarantineDialog:
        """Drafts of unknown owner: listed for the user to assign or discard (non-modal);
        ``found``: the list just read, else it is read now."""
        if self.quarantine is None:
            self.quarantine = QuarantineDialog(self.ctx.drafts, self.env.flows,
                                               self.account.display_name, self)
        self.quarantine.refresh(found)
        self.quarantine.open()
        return self.quarantine

    # --- renewal ----------------------------------------------------------------------------
    def check_renewal(self) -> None:
        ctx = self.ctx

        def job() -> tuple[list[RenewalAdvice], list[RecordAdvice]]:
            found = current(ctx, True)
            return list(found.certificates), list(found.records)

        QueryOp(self, job, self._advice).failure(lambda _e: None).run_in_background()

    def _advice(self, found: tuple[list[RenewalAdvice], list[RecordAdvice]]) -> None:
        self.advice, self.record_advice = found
        both: list[RenewalAdvice | RecordAdvice] = [*self.advice, *self.record_advice]
        self.banner.set_advice(both)
        notify_tray(self.tray, both)
        self.advice_ready.emit(self.advice)

    # --- session ----------------------------------------------------------------------------
    def logout(self) -> None:
        signin = self.ctx.signin
        QueryOp(self, signin.logout, lambda _r: self._logged_out()).failure(
            lambda _e: self._logged_out()).run_in_background()

    def _logged_out(self) -> None:
        self.ctx.account = None
        self.logged_out.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        state.save_geometry(self, "main")
        stop = getattr(self.pages.get("binding"), "stop", None)
        if stop is not None:
            stop()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)
