"""The renewal banner: the core's bid-aware advice, shown while a certificate needs action."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSystemTrayIcon, QWidget

from hy_client import renewal
from hy_client.renewal import RecordAdvice, RenewalAdvice

from ..i18n import app_title, english, translate
from ..theme import app_icon

if TYPE_CHECKING:
    from ..context import AppContext


def current(ctx: AppContext, with_bids: bool, *, records: bool = True
            ) -> renewal.AccountAdvice:
    """The core's advice for the keys plugged in now and the account's records (run on a
    worker): with a session, the account's own certificates against its open bids; without one
    (offline, not logged in) every key, never saying "renew now". Banner and tray render this."""
    from hy_client.token.models import all_tokens

    modules = ctx.tokens.scan().result(ctx.signin.token_timeout)
    return renewal.advise_account(all_tokens(modules), ctx.client if with_bids else None,
                                  now=datetime.now(UTC),
                                  thresholds=ctx.settings.renewal_thresholds,
                                  records=records, lenient=True)


def current_advice(ctx: AppContext, with_bids: bool) -> list[RenewalAdvice]:
    """The certificates' part of :func:`current` only."""
    return list(current(ctx, with_bids, records=False).certificates)


TITLES = {"info": str(QT_TRANSLATE_NOOP("RenewalBanner", "证书延期提醒")),
          "warning": str(QT_TRANSLATE_NOOP("RenewalBanner", "证书即将到期")),
          "critical": str(QT_TRANSLATE_NOOP("RenewalBanner", "证书需要立即处理"))}


Advice = RenewalAdvice | RecordAdvice


def title(advice: Advice) -> str:
    return translate("RenewalBanner", TITLES[advice.level])


def text(advice: Advice) -> str:
    """The core's bid-aware advice in the interface language."""
    return advice.message_en if english() and advice.message_en else advice.message_zh


def worst(advice: Sequence[Advice]) -> Advice | None:
    """The most urgent advice that needs action, or None when everything is fine."""
    return renewal.most_urgent(advice)


def details_page(advice: Advice) -> str:
    """The main window's page for this advice: 证书, or the record's own list (its spec,
    ``qualification`` / ``personnel``, is that page's key)."""
    return advice.spec if isinstance(advice, RecordAdvice) else "certificates"


class RenewalBanner(QFrame):
    """Hidden unless some advice needs action; 详情 asks the window to open the advice's page
    (:func:`details_page`); 证书延期 is offered for a certificate only."""

    details_requested = Signal(str)  # the page key
    renew_requested = Signal(str)  # the certificate's SHA-256

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("renewalBanner")
        self.advice: Advice | None = None
        layout = QHBoxLayout(self)
        self.text = QLabel()
        self.text.setObjectName("renewalText")
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.details = QPushButton(translate("RenewalBanner", "查看证书"))
        self.details.setObjectName("renewalDetails")
        self.details.clicked.connect(self._details)
        self.renew = QPushButton(translate("RenewalBanner", "证书延期"))
        self.renew.setObjectName("renewalRenew")
        self.renew.clicked.connect(self._renew)
        layout.addWidget(self.renew)
        layout.addWidget(self.details)
        self.hide()

    def _details(self) -> None:
        if self.advice is not None:
            self.details_requested.emit(details_page(self.advice))

    def _renew(self) -> None:
        if isinstance(self.advice, RenewalAdvice):
            self.renew_requested.emit(self.advice.cert_sha256)

    def set_advice(self, advice: Sequence[Advice]) -> None:
        top = worst(advice)
        self.advice = top
        if top is None:
            self.hide()
            return
        name = top.subject_cn if isinstance(top, RenewalAdvice) else ""
        self.renew.setVisible(isinstance(top, RenewalAdvice))  # a record is renewed elsewhere
        who = translate("RenewalBanner", "（{name}）").format(name=name) if name else ""
        self.text.setText(f"<b>{title(top)}{who}</b><br>{text(top)}")
        self.setProperty("level", top.level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()


def notify_tray(tray: QSystemTrayIcon | None, advice: Sequence[Advice]) -> bool:
    """One tray message at start for the most urgent advice; False when there is none to show."""
    top = worst(advice)
    if top is None or tray is None or not QSystemTrayIcon.isSystemTrayAvailable():
        return False
    icon = (QSystemTrayIcon.MessageIcon.Critical if top.level == "critical"
            else QSystemTrayIcon.MessageIcon.Warning)
    tray.showMessage(title(top), text(top), icon, 15000)
    return True


def make_tray(parent: QObject) -> QSystemTrayIcon | None:
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(app_icon(), parent)
    tray.setToolTip(app_title())
    tray.show()
    return tray
