"""The renewal banner: the core's bid-aware advice, shown while a certificate needs action."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSystemTrayIcon, QWidget

from hy_client.renewal import LEVELS, RenewalAdvice

from ..theme import app_icon

TITLES = {"info": "证书延期提醒", "warning": "证书即将到期", "critical": "证书需要立即处理"}


def worst(advice: Sequence[RenewalAdvice]) -> RenewalAdvice | None:
    """The most urgent advice that needs action, or None when every certificate is fine."""
    needing = [a for a in advice if a.level != "ok"]
    return max(needing, key=lambda a: (LEVELS.index(a.level), -a.days_left), default=None)


class RenewalBanner(QFrame):
    """Hidden unless some advice needs action; 详情 asks the window to open the 证书 page."""

    details_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("renewalBanner")
        self.advice: RenewalAdvice | None = None
        layout = QHBoxLayout(self)
        self.text = QLabel()
        self.text.setObjectName("renewalText")
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.details = QPushButton("查看证书")
        self.details.setObjectName("renewalDetails")
        self.details.clicked.connect(self.details_requested)
        layout.addWidget(self.details)
        self.hide()

    def set_advice(self, advice: Sequence[RenewalAdvice]) -> None:
        top = worst(advice)
        self.advice = top
        if top is None:
            self.hide()
            return
        who = f"（{top.subject_cn}）" if top.subject_cn else ""
        self.text.setText(f"<b>{TITLES[top.level]}{who}</b><br>{top.message_zh}")
        self.setProperty("level", top.level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()


def notify_tray(tray: QSystemTrayIcon | None, advice: Sequence[RenewalAdvice]) -> bool:
    """One tray message at start for the most urgent advice; False when there is none to show."""
    top = worst(advice)
    if top is None or tray is None or not QSystemTrayIcon.isSystemTrayAvailable():
        return False
    icon = (QSystemTrayIcon.MessageIcon.Critical if top.level == "critical"
            else QSystemTrayIcon.MessageIcon.Warning)
    tray.showMessage(TITLES[top.level], top.message_zh, icon, 15000)
    return True


def make_tray(parent: QWidget) -> QSystemTrayIcon | None:
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(app_icon(), parent)
    tray.setToolTip("衡阳市公共资源交易系统 投标人客户端")
    tray.show()
    return tray
