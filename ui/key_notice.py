"""What a logged-in bidder is told when a CA key is pulled out: one text for the main window's
notice and for the tray's balloon (the tray says it while the window is closed)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP

from .i18n import translate

TITLE = str(QT_TRANSLATE_NOOP("KeyNotice", "CA锁已拔出"))


def title() -> str:
    return translate("KeyNotice", TITLE)


def removed_text(labels: Iterable[str], person: bool) -> str:
    """Which keys are out, that the login holds, what still works and what needs a key."""
    names = "、".join(f"“{label}”" for label in labels)
    still = (translate("KeyNotice", "仍可查看和修改基本信息、职业人员") if person
             else translate("KeyNotice", "仍可查看和修改基本信息、企业资质、职业人员"))
    text = translate("KeyNotice", "CA锁{labels}已拔出。当前登录仍然有效，{still}；"
                     "CA锁登录、证书激活、修改PIN码和投标解密自检需要重新插入CA锁。")
    return text.format(labels=names, still=still)
