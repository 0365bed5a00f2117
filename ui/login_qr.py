"""The login window's 扫码登录 tab: one account's 标证通 code, its state, the login.

Imported after the login window's first frame (or when the tab is first asked for).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from .dispatch import on_main
from .i18n import PREPARING, message, translate

if TYPE_CHECKING:
    from hy_client.api.models import QrCode, QrStatus
    from hy_client.api.upload import CancelToken
    from hy_client.errors import HyError
    from hy_client.signin import LoginResult

    from .context import AppContext

STATE_TEXT = {
    "pending": (str(QT_TRANSLATE_NOOP("LoginWindow", "请使用“标证通”手机APP扫描二维码")), "info"),
    "scanned": (str(QT_TRANSLATE_NOOP("LoginWindow",
                                      "已扫描：将登录账号「{account}」，请在手机上确认")), "ok"),
    "confirmed": (str(QT_TRANSLATE_NOOP("LoginWindow", "已确认，正在登录…")), "ok"),
    "denied": (str(QT_TRANSLATE_NOOP("LoginWindow", "已在手机上拒绝登录")), "critical"),
    "expired": (str(QT_TRANSLATE_NOOP("LoginWindow", "二维码已失效，正在刷新…")), "warning"),
}


class QrTab(QWidget):
    logged_in = Signal(object)

    def __init__(self, ctx: AppContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        from .widgets.qr import QrPanel  # with the tab, after the first frame

        self.panel = QrPanel()
        # The code is for one account: only a phone bound to it can approve (no login into
        # an account someone else chose).
        self.username = QLineEdit()
        self.username.setObjectName("qrUsername")
        self.username.setMaxLength(64)
        self.username.setPlaceholderText(translate("LoginWindow", "要登录的用户名"))
        self.username.returnPressed.connect(self.restart)
        account_row = QFormLayout()
        account_row.addRow(translate("LoginWindow", "用户名"), self.username)
        self.refresh_button = QPushButton(translate("LoginWindow", "刷新二维码"))
        self.refresh_button.setObjectName("qrRefresh")
        self.refresh_button.clicked.connect(self.start)
        self.refresh_button.hide()
        hint = QLabel(translate("LoginWindow",
                                "首次使用请先用账号密码登录，在“标证通绑定”中绑定手机。"))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        from PySide6.QtCore import Qt  # see the module docstring

        layout = QVBoxLayout(self)
        layout.addLayout(account_row)
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(hint)
        self._cancel: CancelToken | None = None
        self._wanted = False  # opened before the core was ready: start once it is
        self.current: QrCode | None = None

    def set_context(self, ctx: AppContext) -> None:
        self.ctx = ctx
        if self._wanted:
            self.start()

    @property
    def running(self) -> bool:
        return self._cancel is not None

    @Slot()
    def start(self) -> None:
        from hy_client.api.upload import CancelToken  # loaded with the core by now

        from .jobs import QueryOp

        if self._cancel is not None:
            return
        if self.ctx is None:
            self._wanted = True
            self.panel.set_status(translate("LoginWindow", PREPARING))
            return
        self._wanted = False
        username = self.username.text().strip()
        if not username:
            self.refresh_button.show()
            self.panel.set_status(translate("LoginWindow",
                                            "请填写要登录的用户名，然后点击“刷新二维码”"),
                                  "warning")
            self.username.setFocus()
            return
        self.refresh_button.hide()
        self.panel.set_status(translate("LoginWindow", "正在获取二维码…"))
        cancel = self._cancel = CancelToken()
        signin = self.ctx.signin
        show_code, show_state = on_main(self, self._show_code), on_main(self, self._show_state)
        QueryOp(self, lambda: signin.qr_login(show_code, username=username, cancel=cancel,
                                              on_state=show_state),
                self._done).failure(self._failed).run_in_background()

    @Slot()
    def restart(self) -> None:
        """Another account typed: a new code for it."""
        self.stop()
        self.start()

    def stop(self) -> None:
        self._wanted = False
        if self._cancel is not None:
            self._cancel.cancel()
            self._cancel = None
        self.panel.stop()

    def _show_code(self, code: QrCode) -> None:
        self.current = code
        self.panel.show_code(code.payload, code.expires_at)
        self._show_state_text("pending")

    def _show_state(self, status: QrStatus) -> None:
        self._show_state_text(status.state, status.account)
        if status.state == "expired":
            self.panel.expire_now()

    def _show_state_text(self, name: str, account: str = "") -> None:
        text, role = STATE_TEXT[name]
        self.panel.set_status(translate("LoginWindow", text).format(account=account), role)

    def _done(self, result: LoginResult) -> None:
        self._cancel = None
        self.panel.stop()
        self.logged_in.emit(result)

    def _failed(self, error: HyError) -> None:
        from hy_client import errors

        self._cancel = None
        self.panel.stop()
        self.refresh_button.show()
        if isinstance(error, errors.UserCancelled):
            return
        if error.info is errors.QR_EXPIRED:
            self.panel.code.set_dimmed(True)
            self.panel.set_status(
                translate("LoginWindow", "二维码已失效，请点击“刷新二维码”"), "warning")
            return
        self.panel.set_status(f"{message(error.info)}（{error.code}）", "critical")
