"""The PIN dialog, driven by the token's PIN flags (as DigiDoc4 does).

The PIN is read here, handed to exactly one job by the caller and cleared from the field;
this dialog keeps no copy. A locked PIN gets no input at all, only the way to unlock it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ..i18n import advice, translate
from ..theme import set_role

if TYPE_CHECKING:
    from hy_client.token.models import TokenFlags

# Chinese source texts; shown through translate("PinDialog", …).
COUNT_LOW = str(QT_TRANSLATE_NOOP("PinDialog", "PIN码已至少输错一次，请仔细核对后再输入。"))
FINAL_TRY = str(QT_TRANSLATE_NOOP("PinDialog", "注意：再输错一次，CA锁将被锁定！"))
LOCKED = str(QT_TRANSLATE_NOOP("PinDialog",
                               "该CA锁的PIN码已被锁定，无法登录。\n{advice}\n解锁后请使用新的PIN码登录。"))
PIN_PAD = str(QT_TRANSLATE_NOOP(
    "PinDialog", "请在读卡器（密码键盘）上输入PIN码，然后等待本窗口自动继续。"))
TO_BE_CHANGED = str(QT_TRANSLATE_NOOP("PinDialog",
                                      "该CA锁要求修改初始PIN码，登录后请在“证书”页修改。"))


@dataclass(frozen=True)
class PinEntry:
    """What the user gave: ``pin`` None means the PIN pad (protected authentication path)."""

    pin: str | None


class PinDialog(QDialog):
    def __init__(self, token_label: str, flags: TokenFlags, parent: QWidget | None = None,
                 purpose: str | None = None) -> None:
        """``purpose`` is already translated ("进行远程证书激活"); by default a login."""
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.setWindowTitle(translate("PinDialog", "输入PIN码"))
        self.flags = flags
        self._entry: PinEntry | None = None
        layout = QVBoxLayout(self)
        title = QLabel(translate("PinDialog", "请输入CA锁“{label}”的PIN码以{purpose}。").format(
            label=token_label, purpose=purpose or translate("PinDialog", "登录")))
        title.setWordWrap(True)
        layout.addWidget(title)
        self.warning = QLabel()
        self.warning.setObjectName("pinWarning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout.addWidget(self.warning)
        self.field = QLineEdit()
        self.field.setObjectName("pinField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setMaxLength(64)
        self.field.setAccessibleName(translate("PinDialog", "PIN码"))
        self.field.setPlaceholderText(translate("PinDialog", "PIN码"))
        layout.addWidget(self.field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self._apply_flags()

    @property
    def locked(self) -> bool:
        return self.flags.user_pin_locked

    def _warn(self, text: str, role: str) -> None:
        """``text``: translated already."""
        self.warning.setText(text)
        set_role(self.warning, role)  # the role's (bold) font counts for the size
        self.warning.show()

    def showEvent(self, event: QShowEvent) -> None:
        self.ensurePolished()
        self.adjustSize()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():  # wrapped warnings: full height
            self.resize(self.width(), max(self.height(),
                                          layout.totalHeightForWidth(self.width())))
        super().showEvent(event)

    def _apply_flags(self) -> None:
        f = self.flags
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if f.user_pin_locked:
            from hy_client.errors import PIN_LOCKED

            self._warn(translate("PinDialog", LOCKED).format(advice=advice(PIN_LOCKED)),
                       "critical")
            self.field.hide()
            ok.hide()
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
                translate("PinDialog", "关闭"))
            return
        if f.protected_auth_path:
            self.field.hide()
            self._warn(translate("PinDialog", PIN_PAD), "info")
            ok.setText(translate("PinDialog", "开始"))
        if f.user_pin_final_try:
            self._warn(translate("PinDialog", FINAL_TRY), "critical")
        elif f.user_pin_count_low:
            self._warn(translate("PinDialog", COUNT_LOW), "warning")
        if f.user_pin_to_be_changed and not f.user_pin_final_try:
            self._warn(self.warning.text() + ("\n" if self.warning.text() else "")
                       + translate("PinDialog", TO_BE_CHANGED), "warning")
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_ok(self) -> None:
        if self.flags.protected_auth_path:
            self._entry = PinEntry(None)
            self.accept()
            return
        pin = self.field.text()
        if not pin:
            self.field.setFocus()
            return
        if self.flags.user_pin_final_try and not self.confirm_final_try():
            self.field.clear()
            return
        self._entry = PinEntry(pin)
        self.field.clear()
        self.accept()

    def confirm_final_try(self) -> bool:
        answer = QMessageBox.warning(
            self, translate("PinDialog", "最后一次机会"),
            translate("PinDialog",
                      "再输错一次，CA锁将被锁定，需要到CA机构解锁。\n确定PIN码无误并继续吗？"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def take(self) -> PinEntry | None:
        """The entry, handed over once: a second call gets None."""
        entry, self._entry = self._entry, None
        return entry

    def done(self, result: int) -> None:
        self.field.clear()
        super().done(result)

