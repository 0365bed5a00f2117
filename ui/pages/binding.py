"""标证通绑定: the binding QR (the phone app scans and confirms) and the bound devices."""

from __future__ import annotations

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
        QueryOp(self, lambda: signin.qr_bind(show_code, cancel=cancel,
                                             on_state=show_state),
                self._done).failure(self._failed).run_in_background()

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            self._cancel = None
        self.panel.stop()

    def _show_code(self, code: models.QrCode) -> None:
        self.panel.show_code(code.payload, code.expires_at)
        self.panel.set_status(translate("BindingPage", "请用“标证通”APP扫描二维码"))

    def _show_state(self, status: models.QrStatus) -> None:
        texts = {"scanned": translate("BindingPage", "已扫描，请在手机上确认绑定"),
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
