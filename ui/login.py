"""The login window: 账号密码, CA锁登录 and 扫码登录, as in the platform's manual.

Every flow is the core's (``hy_client.signin``); this window collects input, shows progress and
runs each job off the GUI thread.

The window is shown before the core is imported (that import is most of a cold start): it is
built without an ``AppContext``, its buttons that need one are disabled and a subtle "正在准备…"
shows until ``set_context`` hands it over. So this module imports nothing heavy at the top.

Not even ``QtCore.Qt``: its first import builds all the namespace's enums (~15 ms), so the code
after the first frame imports it (and ``QMessageBox``) where used, and the first frame's labels
are centred by the theme (``qproperty-alignment``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal, Slot
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from . import state
from .dispatch import on_main
from .i18n import advice, message, translate
from .startup import after_first_paint
from .widgets import keys

if TYPE_CHECKING:  # the core: imported on a worker while the window is already shown
    from hy_client.api.models import QrCode, QrStatus
    from hy_client.api.upload import CancelToken
    from hy_client.driver_status import DriverStatus
    from hy_client.errors import HyError
    from hy_client.signin import KeyChoice, LoginResult
    from hy_client.token.models import ModuleInfo, TokenEvent

    from .context import AppContext
    from .operations import PinOp, PinUse
    from .widgets.pin import PinDialog

PREPARING = str(QT_TRANSLATE_NOOP("LoginWindow", "正在准备…"))
TabT = TypeVar("TabT", "CaTab", "QrTab")


def _pin_error(error: HyError) -> bool:
    from hy_client import errors

    return error.info in (errors.PIN_INCORRECT, errors.PIN_FINAL_TRY, errors.PIN_LOCKED,
                          errors.PIN_INVALID)


class PasswordTab(QWidget):
    logged_in = Signal(object)  # LoginResult

    def __init__(self, ctx: AppContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx: AppContext | None = None
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setMaxLength(64)
        self.username.setPlaceholderText(translate("LoginWindow", "用户名"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(128)
        self.password.setPlaceholderText(translate("LoginWindow", "密码"))
        form.addRow(translate("LoginWindow", "用户名"), self.username)
        form.addRow(translate("LoginWindow", "密码"), self.password)
        self.remember = QCheckBox(translate("LoginWindow", "记住用户名"))
        self.remember.setObjectName("remember")
        self.remember.setChecked(True)
        form.addRow("", self.remember)
        self.login_button = QPushButton(translate("LoginWindow", "登录"))
        self.login_button.setObjectName("passwordLogin")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.login)
        self.password.returnPressed.connect(self.login)
        links = QHBoxLayout()
        self.register_button = QPushButton(translate("LoginWindow", "注册新账号"))
        self.register_button.setObjectName("register")
        self.register_button.setProperty("flat", True)
        self.register_button.clicked.connect(self.open_registration)
        self.forgot_button = QPushButton(translate("LoginWindow", "忘记密码？"))
        self.forgot_button.setObjectName("forgotPassword")
        self.forgot_button.setProperty("flat", True)
        self.forgot_button.clicked.connect(self.show_forgot_help)
        links.addWidget(self.register_button)
        links.addStretch(1)
        links.addWidget(self.forgot_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.login_button)
        layout.addLayout(links)
        layout.addStretch(1)
        self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, self.remember)
        self.setTabOrder(self.remember, self.login_button)
        self.login_button.setEnabled(False)
        self.register_button.setEnabled(False)
        if ctx is not None:
            self.set_context(ctx)

    def set_context(self, ctx: AppContext) -> None:
        from .jobs import QueryOp

        self.ctx = ctx
        self.login_button.setEnabled(True)
        self.register_button.setEnabled(True)
        QueryOp(self, ctx.signin.remembered_username, self._prefill).failure(
            lambda _e: None).run_in_background()

    def _prefill(self, username: str | None) -> None:
        if username and not self.username.text():
            self.username.setText(username)
            self.password.setFocus()

    @Slot()
    def login(self) -> None:
        from hy_client import errors
        from hy_client.errors import HyError

        from .jobs import QueryOp, show_error

        if self.ctx is None:
            return
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()  # the password goes to one job and is dropped here
        if not username or not password:
            show_error(self, HyError(errors.BAD_CREDENTIALS,
                                     translate("LoginWindow", "用户名和密码都不能为空")))
            return
        signin, remember = self.ctx.signin, self.remember.isChecked()

        def job() -> LoginResult:
            result = signin.password_login(username, password)
            if not remember:
                signin.credentials.forget_username()
            return result

        self.login_button.setEnabled(False)
        op = QueryOp(self, job, self._done)
        op.failure(self._failed).with_progress(
            translate("LoginWindow", "正在登录…")).run_in_background()

    def _done(self, result: LoginResult) -> None:
        self.login_button.setEnabled(True)
        self.logged_in.emit(result)

    def _failed(self, error: HyError) -> None:
        from .jobs import show_error

        self.login_button.setEnabled(True)
        show_error(self, error)

    @Slot()
    def open_registration(self) -> None:
        from .register import RegistrationDialog

        if self.ctx is None:
            return
        dialog = RegistrationDialog(self.ctx, self)
        dialog.registered.connect(self._registered)
        dialog.open()

    def _registered(self, username: str) -> None:
        self.username.setText(username)
        self.password.setFocus()

    @Slot()
    def show_forgot_help(self) -> None:
        from PySide6.QtCore import Qt  # see the module docstring
        from PySide6.QtWidgets import QMessageBox

        from .help import forgot_password_html

        box = QMessageBox(QMessageBox.Icon.Information, translate("LoginWindow", "忘记密码"),
                          forgot_password_html(), QMessageBox.StandardButton.Ok, self)
        box.setObjectName("forgotHelp")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


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
        from .jobs import QueryOp
        from .pages.drivers import read_status

        ctx = self.ctx
        QueryOp(self, lambda: read_status(ctx), self._driver_checked).failure(
            lambda _e: None).run_in_background()

    def _driver_checked(self, status: DriverStatus) -> None:
        from .pages.drivers import status_text

        self.driver_status.setText(status_text(status))
        self.driver_status.setProperty("state", status.state)
        self.driver_status.setProperty("role", "ok" if status.ok else "warning")
        self.driver_status.style().unpolish(self.driver_status)
        self.driver_status.style().polish(self.driver_status)

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
            pin = use.take()
            if use.pad:
                signin.unlock(tokens, key, None)
            return signin.ca_login(tokens, key, pin)

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


class LoginWindow(QWidget):
    """Built with or without the ``AppContext``; without, ``set_context`` completes it."""

    logged_in = Signal(object)  # LoginResult

    def __init__(self, ctx: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("loginWindow")
        self.setWindowTitle(translate("LoginWindow", "登录"))  # Qt appends the app's name
        header = QLabel(translate("LoginWindow", "衡阳市公共资源交易系统"))
        header.setObjectName("loginHeader")
        self.subtitle = sub = QLabel(translate("LoginWindow", "投标人客户端"))
        sub.setObjectName("loginSubtitle")
        sub.setProperty("role", "hint")
        self.preparing = QLabel(translate("LoginWindow", PREPARING))
        self.preparing.setObjectName("preparing")  # centred, as the two above, by the theme
        self.preparing.setProperty("role", "hint")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("loginTabs")
        self.password_tab = PasswordTab(ctx)
        # The first frame shows the password tab: the key and QR tabs are built right after
        # it (or when first asked for), in place of these placeholders.
        self._ca_tab: CaTab | None = None
        self._qr_tab: QrTab | None = None
        self.tabs.addTab(self.password_tab, translate("LoginWindow", "账号密码"))
        self.tabs.addTab(QWidget(), translate("LoginWindow", "CA锁登录"))
        self.tabs.addTab(QWidget(), translate("LoginWindow", "扫码登录"))
        self.tabs.currentChanged.connect(self._on_tab)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(sub)
        layout.addWidget(self.preparing)
        layout.addWidget(self.tabs, 1)
        self.diagnostics_button = QPushButton(translate("LoginWindow", "无法登录？检测环境"))
        self.diagnostics_button.setObjectName("openDiagnostics")
        self.diagnostics_button.setProperty("flat", True)
        self.diagnostics_button.setToolTip(
            translate("LoginWindow", "诊断：检查驱动、CA锁、证书和网络，并生成报告"))
        self.diagnostics_button.clicked.connect(self.open_diagnostics)
        self.settings_button = QPushButton(translate("LoginWindow", "设置"))
        self.settings_button.setObjectName("openSettings")
        self.settings_button.setProperty("flat", True)
        self.settings_button.clicked.connect(self.open_settings)
        links = QHBoxLayout()
        links.addWidget(self.settings_button)
        links.addStretch(1)
        links.addWidget(self.diagnostics_button)
        layout.addLayout(links)
        self.diagnostics: QWidget | None = None
        self.password_tab.logged_in.connect(self._on_logged_in)
        self._watching = False
        self.diagnostics_button.setEnabled(False)
        if not state.restore_geometry(self, "login"):
            self.resize(480, 560)
        if ctx is not None:
            self.set_context(ctx)
        after_first_paint(self, self._build_tabs)

    def _build_tabs(self) -> None:
        """The key and QR tabs, right after the first frame."""
        _ = self.ca_tab
        _ = self.qr_tab

    @property
    def ca_tab(self) -> CaTab:
        if self._ca_tab is None:
            tab = self._ca_tab = self._install(1, CaTab(self.ctx),
                                               translate("LoginWindow", "CA锁登录"))
            # the account's key is preselected: the one typed in the password tab
            tab.username_hint = self.password_tab.username.text()
            self.password_tab.username.textChanged.connect(
                lambda text: setattr(tab, "username_hint", text))
        return self._ca_tab

    @property
    def qr_tab(self) -> QrTab:
        if self._qr_tab is None:
            self._qr_tab = self._install(2, QrTab(self.ctx), translate("LoginWindow", "扫码登录"))
        return self._qr_tab

    def _install(self, index: int, tab: TabT, label: str) -> TabT:
        """Put the real tab in place of its placeholder, keeping the tab the user is on."""
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        placeholder = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, tab, label)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        if placeholder is not None:
            placeholder.deleteLater()
        tab.logged_in.connect(self._on_logged_in)
        return tab

    @property
    def ready(self) -> bool:
        return self.ctx is not None

    def set_context(self, ctx: AppContext) -> None:
        """The core is ready: enable what needs it and start following the keys."""
        self.ctx = ctx
        where = ctx.client.platform.title or ctx.client.origin
        self.subtitle.setText(f"{translate('LoginWindow', '投标人客户端')} · {where}")
        self.preparing.hide()
        self.diagnostics_button.setEnabled(True)
        for tab in (self.password_tab, self.ca_tab, self.qr_tab):
            tab.set_context(ctx)
        if self.isVisible():
            self._watch()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.ctx is not None:
            self._watch()

    def _watch(self) -> None:
        if not self._watching:
            self._watching = True
            self.ca_tab.watch()

    @Slot(int)
    def _on_tab(self, index: int) -> None:
        if self.tabs.widget(index) is self.qr_tab:
            if not self.qr_tab.username.text():
                self.qr_tab.username.setText(self.password_tab.username.text().strip())
            self.qr_tab.start()
        else:
            self.qr_tab.stop()

    def _on_logged_in(self, result: LoginResult) -> None:
        from .jobs import show_error

        self.qr_tab.stop()
        assert self.ctx is not None  # a login needs the core
        self.ctx.account = result.account
        if result.warning is not None:
            show_error(self.window(), result.warning)
        self.logged_in.emit(result)

    @Slot()
    def open_diagnostics(self) -> QWidget:
        """The 诊断 page in its own window: it needs no account."""
        from .pages.diagnostics import DiagnosticsWindow

        assert self.ctx is not None  # the button is enabled once the core is ready
        if self.diagnostics is None:
            self.diagnostics = DiagnosticsWindow(self.ctx, self)
        self.diagnostics.show()
        self.diagnostics.raise_()
        return self.diagnostics

    @Slot()
    def open_settings(self) -> QDialog:
        from .settings import open_settings

        return open_settings(self, self.ctx)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._qr_tab is not None:
            self._qr_tab.stop()
        state.save_geometry(self, "login")
        super().closeEvent(event)
