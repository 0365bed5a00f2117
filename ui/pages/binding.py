"""标证通绑定: the binding QR (the phone app scans and confirms) and the bound devices."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from hy_client import errors
from hy_client.api import models
from hy_client.api.upload import CancelToken
from hy_client.errors import HyError

from ..context import AppContext
from ..dispatch import on_main
from ..i18n import message, translate
from ..jobs import QueryOp, show_error
from ..widgets.qr import QrPanel


class _Answer:
    """The user's yes/no for the worker that waits on it (stopping the page answers no)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.value = False

    def give(self, value: bool) -> None:
        self.value = value
        self._event.set()

    def wait(self, cancel: CancelToken, limit: float = 150.0) -> bool:
        """The answer; no once cancelled or after ``limit`` s (the code has expired by then)."""
        deadline = time.monotonic() + limit
        while not self._event.wait(0.5):
            if cancel.cancelled or time.monotonic() > deadline:
                return False
        return self.value


class BindingPage(QWidget):
    bound = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("bindingPage")
        intro = QLabel(translate("BindingPage",
                                 "绑定“标证通”手机APP后，可在登录窗口使用“扫码登录”。"
                                 "点击“开始绑定”，用APP扫描下方二维码并在手机上确认。"))
        intro.setWordWrap(True)
        self.panel = QrPanel()
        self.panel.hide()
        self.bind_button = QPushButton(translate("BindingPage", "开始绑定"))
        self.bind_button.setObjectName("startBinding")
        self.bind_button.clicked.connect(self.start)
        # A phone that scanned the code is bound only when the user recognises it here.
        self.confirm_box = QWidget()
        self.confirm_box.setObjectName("confirmBox")
        self.confirm_text = QLabel()
        self.confirm_text.setObjectName("confirmText")
        self.confirm_text.setWordWrap(True)
        self.confirm_button = QPushButton(translate("BindingPage", "确认绑定"))
        self.confirm_button.setObjectName("confirmBind")
        self.reject_button = QPushButton(translate("BindingPage", "不是我的手机"))
        self.reject_button.setObjectName("rejectBind")
        self.confirm_button.clicked.connect(lambda: self._answer_with(True))
        self.reject_button.clicked.connect(lambda: self._answer_with(False))
        box = QVBoxLayout(self.confirm_box)
        box.addWidget(self.confirm_text)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.confirm_box.hide()
        self._answer: _Answer | None = None
        self.devices = QListWidget()
        self.devices.setObjectName("devices")
        self.unbind_button = QPushButton(translate("BindingPage", "解除绑定"))
        self.unbind_button.setObjectName("unbind")
        self.unbind_button.clicked.connect(self.unbind)
        row = QHBoxLayout()
        row.addWidget(self.bind_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        title = QLabel(translate("BindingPage", "标证通绑定"))
        title.setProperty("role", "title")
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.confirm_box)
        layout.addWidget(QLabel(translate("BindingPage", "已绑定的手机")))
        layout.addWidget(self.devices)
        layout.addWidget(self.unbind_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._cancel: CancelToken | None = None
        self.device_list: list[models.Device] = []
        self.refresh()

    def refresh(self) -> None:
        client = self.ctx.client
        QueryOp(self, client.devices, self._show_devices).run_in_background()

    def _show_devices(self, devices: list[models.Device]) -> None:
        self.device_list = devices
        self.devices.clear()
        for d in devices:
            self.devices.addItem(translate("BindingPage", "{name}（绑定于 {when}）").format(
                name=d.name or translate("BindingPage", "手机"),
                when=f"{d.created_at:%Y-%m-%d %H:%M}"))
        self.unbind_button.setEnabled(bool(devices))

    def start(self) -> None:
        if self._cancel is not None:
            return
        cancel = self._cancel = CancelToken()
        signin = self.ctx.signin
        show_code, show_state = on_main(self, self._show_code), on_main(self, self._show_state)
        self.panel.show()
        self.panel.set_status(translate("BindingPage", "正在获取二维码…"))
        self.bind_button.setEnabled(False)
        answer = self._answer = _Answer()
        ask = on_main(self, self._ask)

        def confirm(status: models.QrStatus) -> bool:  # on the worker: wait for the user
            ask(status)
            return answer.wait(cancel)

        QueryOp(self, lambda: signin.qr_bind(show_code, confirm=confirm, cancel=cancel,
                                             on_state=show_state),
                self._done).failure(self._failed).run_in_background()

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            self._cancel = None
        self._answer_with(False)
        self.panel.stop()

    def _ask(self, status: models.QrStatus) -> None:
        self.confirm_text.setText(translate(
            "BindingPage", "手机「{name}」（指纹 {fingerprint}）请求绑定到账号「{account}」。"
            "请核对手机上显示的名称和指纹一致后再确认；不是您正在操作的手机请点“不是我的手机”。"
        ).format(name=status.device_name, fingerprint=status.device_fingerprint,
                 account=status.account))
        self.panel.set_status(translate("BindingPage", "请在电脑上确认绑定这部手机"), "warning")
        self.confirm_box.show()
        self.confirm_button.setFocus()

    def _answer_with(self, value: bool) -> None:
        self.confirm_box.hide()
        if self._answer is not None:
            self._answer.give(value)
            self._answer = None

    def _show_code(self, code: models.QrCode) -> None:
        self.panel.show_code(code.payload, code.expires_at)
        self.panel.set_status(translate("BindingPage", "请用“标证通”APP扫描二维码"))

    def _show_state(self, status: models.QrStatus) -> None:
        texts = {"scanned": translate("BindingPage", "请在电脑上确认绑定这部手机"),
                 "confirmed": translate("BindingPage", "绑定成功"),
                 "denied": translate("BindingPage", "已在手机上拒绝"),
                 "expired": translate("BindingPage", "二维码已失效，正在刷新…"),
                 "pending": translate("BindingPage", "请用“标证通”APP扫描二维码")}
        self.panel.set_status(texts[status.state], "ok" if status.state != "denied" else "critical")

    def _done(self, _status: models.QrStatus) -> None:
        self._cancel = None
        self.panel.finish(translate("BindingPage", "绑定成功"), "ok")
        self.bind_button.setEnabled(True)
        self.refresh()
        self.bound.emit()

    def _failed(self, error: HyError) -> None:
        self._cancel = None
        self.bind_button.setEnabled(True)
        if isinstance(error, errors.UserCancelled):
            self.panel.finish(translate("BindingPage", "已停止绑定"))
        else:
            self.panel.finish(translate("BindingPage", "{message}（{code}）").format(
                message=message(error.info), code=error.code), "critical")

    def unbind(self) -> None:
        row = self.devices.currentRow()
        if not 0 <= row < len(self.device_list):
            return
        device_id, client = self.device_list[row].id, self.ctx.client
        QueryOp(self, lambda: client.delete_device(device_id),
                lambda _r: self.refresh()).failure(lambda e: show_error(self, e)
                                                   ).run_in_background()
