"""The login window's CA锁登录 tab: key and certificate picker, details, PIN, login.

Imported after the login window's first frame (or when the tab is first asked for): its widget
classes and the certificate panel are not needed to show the password tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from . import state
from .i18n import PREPARING, advice, english, message, translate
from .theme import set_role
from .widgets import keys

if TYPE_CHECKING:
    from hy_client.driver_status import DriverStatus
    from hy_client.errors import HyError
    from hy_client.signin import KeyChoice, LoginResult
    from hy_client.token.models import ModuleInfo, TokenEvent

    from .context import AppContext
    from .operations import PinOp, PinUse
    from .widgets.pin import PinDialog


def _pin_error(error: HyError) -> bool:
    from hy_client import errors

    return error.info in (errors.PIN_INCORRECT, errors.PIN_FINAL_TRY, errors.PIN_LOCKED,
                          errors.PIN_INVALID)



class CaTab(QWidget):
    """Token and certificate picker that follows hot-plug, certificate details, PIN, login."""

    logged_in = Signal(object)

    def __init__(self, ctx: AppContext | None, parent: QWidget | None = None) -> None:

        super().__init__(parent)
        self.ctx = ctx
        self.choices: list[KeyChoice] = []
        self.pin_op: PinOp[LoginResult] | None = None
        self._last_key: KeyChoice | None = None
        # the account's key is preselected: the one typed in the password tab (or remembered)
        self.username_hint = ""
        self.picker = QComboBox()
        self.picker.setObjectName("certPicker")
        self.picker.setAccessibleName(translate("LoginWindow", "选择证书"))
        self.picker.currentIndexChanged.connect(self._on_pick)
        self.refresh_button = QPushButton(translate("LoginWindow", "刷新"))
        self.refresh_button.setObjectName("refreshTokens")
        self.refresh_button.clicked.connect(lambda: self.rescan(refresh=True))
        row = QHBoxLayout()
        row.addWidget(self.picker, 1)
        row.addWidget(self.refresh_button)
        self.status = QLabel(translate("LoginWindow", "正在查找CA锁…") if ctx is not None
                             else translate("LoginWindow", PREPARING))
        self.status.setObjectName("caStatus")
        self.status.setWordWrap(True)
        from .widgets.cert import CertificatePanel  # with the tab, after the first frame

        self.details = CertificatePanel()
        # The manual's CA登录 step 1: the driver for your CA. One driver status, as everywhere.
        self.driver_status = QLabel()
        self.driver_status.setObjectName("driverStatus")
        self.driver_status.setWordWrap(True)
        self.download_button = QPushButton(translate("LoginWindow", "下载驱动"))
        self.download_button.setObjectName("downloadDriver")
        self.download_button.setFlat(True)
        from PySide6.QtCore import Qt  # see the module docstring

        self.download_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.download_button.clicked.connect(self.open_drivers)
        driver_row = QHBoxLayout()
        driver_row.addWidget(self.driver_status, 1)
        driver_row.addWidget(self.download_button)
        self._key_count: int | None = None
        self.login_button = QPushButton(translate("LoginWindow", "CA锁登录"))
        self.login_button.setObjectName("caLogin")
        self.login_button.clicked.connect(self.login)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(translate("LoginWindow", "证书")))
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.details)
        layout.addLayout(driver_row)
        layout.addWidget(self.login_button)
        layout.addStretch(1)
        self.scans = 0  # finished scans (tests wait on it)
        self._update_enabled()

    def set_context(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.status.setText(translate("LoginWindow", "正在查找CA锁…"))
        self._update_enabled()

    def watch(self) -> None:
        assert self.ctx is not None
        self.ctx.start_watching().token_event.connect(self._on_token_event)
        self.rescan()

    @Slot(object)
    def _on_token_event(self, event: TokenEvent) -> None:
        from hy_client import errors
        from hy_client.errors import HyError

        op = self.pin_op
        if event.kind == "removed" and op is not None and op.dialog is not None \
                and op.serial == event.serial:
            op.cancel(HyError(errors.TOKEN_REMOVED, event.label))
        self.rescan()

    def rescan(self, refresh: bool = False) -> None:
        from .jobs import TokenOp

        if self.ctx is None:
            return
        tokens = self.ctx.tokens
        TokenOp(self, lambda: tokens.scan(refresh=refresh), self._scanned).failure(
            self._scan_failed).run_in_background()

    def _scanned(self, modules: list[ModuleInfo]) -> None:
        from hy_client import errors
        from hy_client.signin import login_candidates, no_candidate_reason

        self.scans += 1
        current = self.current()
        self.choices = login_candidates(modules)
        origin = self.ctx.client.origin if self.ctx is not None else ""
        keys.fill(self.picker, self.choices, (current.serial, current.cert_id)
                  if current is not None else state.last_certificate(origin, self.username_hint))
        if not self.choices:
            problems = [m.error for m in modules if m.error is not None]
            reason = no_candidate_reason(modules)
            if reason is not None:  # e.g. an SM2 key whose driver's mechanism is unknown
                self.status.setText(f"{message(reason.info)}（{reason.code}）。"
                                    f"{advice(reason.info)}")
            elif problems:
                self.status.setText(f"{message(problems[0])}：{advice(problems[0])}")
            else:
                self.status.setText(f"{message(errors.NO_TOKEN)}。{advice(errors.NO_TOKEN)}")
        else:
            self.status.setText(translate("LoginWindow", "找到 {n} 张可登录的证书").format(
                n=len(self.choices)))
        keys_now = sum(len(m.tokens) for m in modules)
        if keys_now != self._key_count:  # a rescan that finds nothing new stays quiet
            self._key_count = keys_now
            self.check_driver()
        self._on_pick()

    def check_driver(self) -> None:
        if self.ctx is None:
            return
        from hy_client.driver_status import current_status

        from .jobs import QueryOp

        ctx = self.ctx
        QueryOp(self, lambda: current_status(ctx.tokens, settings=ctx.settings),
                self._driver_checked).failure(
            lambda _e: None).run_in_background()

    def _driver_checked(self, status: DriverStatus) -> None:
        self.driver_status.setText(status.text(english()))
        self.driver_status.setProperty("state", status.state)
        set_role(self.driver_status, "ok" if status.ok else "warning")

    @Slot()
    def open_drivers(self) -> None:
        if self.ctx is None:
            return
        from .pages.drivers import open_drivers_dialog

        self.drivers_dialog = open_drivers_dialog(self, self.ctx)

    def _scan_failed(self, error: HyError) -> None:
        self.scans += 1
        self.choices = []
        self.picker.clear()
        self.status.setText(f"{message(error.info)}（{error.code}）。{advice(error.info)}")
        self._on_pick()

    def current(self) -> KeyChoice | None:
        return keys.picked(self.picker, self.choices)

    @Slot()
    def _on_pick(self, *_args: object) -> None:
        choice = self.current()
        self.details.set_certificate(choice.certificate if choice else None)
        self._update_enabled()

    def _update_enabled(self) -> None:
        self.refresh_button.setEnabled(self.ctx is not None)
        self.login_button.setEnabled(self.ctx is not None and self.current() is not None)

    @property
    def pin_dialog(self) -> PinDialog | None:
        return self.pin_op.dialog if self.pin_op is not None else None

    @Slot()
    def login(self) -> None:
        from .operations import PinOp

        key = self.current()
        if key is None or self.ctx is None:
            return
        signin, tokens = self.ctx.signin, self.ctx.tokens

        def job(use: PinUse) -> LoginResult:
            use.unlock(signin, tokens, key)
            return signin.ca_login(tokens, key)

        self.login_button.setEnabled(False)
        self._last_key = key
        self.pin_op = PinOp(self, tokens, key.serial, key.token_label, job, self._done).failure(
            self._failed).cancelled(self._update_enabled).with_progress(
            translate("LoginWindow", "正在用CA锁登录…"),
            translate("LoginWindow", "请在密码键盘上输入PIN码…")).run()

    def _done(self, result: LoginResult) -> None:
        key = self._last_key
        if key is not None and self.ctx is not None:
            state.remember_certificate(self.ctx.client.origin, result.account, key.serial,
                                       key.cert_id)
        self._update_enabled()
        self.logged_in.emit(result)

    def _failed(self, error: HyError) -> None:
        from .jobs import show_error

        self._update_enabled()
        show_error(self, error)
        if error.code.startswith("T") and not _pin_error(error):
            self.rescan(refresh=True)  # the key may be gone or changed: list afresh
