"""The login window: 账号密码 here, CA锁登录 (``login_ca``) and 扫码登录 (``login_qr``).

Every flow is the core's (``hy_client.signin``); this window collects input, shows progress and
runs each job off the GUI thread.

The window is shown before the core is imported (that import is most of a cold start): it is
built without an ``AppContext``, its buttons that need one are disabled and a subtle "正在准备…"
shows until ``set_context`` hands it over. So this module imports nothing heavy at the top.

Not even ``QtCore.Qt``: its first import builds all the namespace's enums (~15 ms), so the code
after the first frame imports it (and ``QMessageBox``) where used, and the first frame's labels
are centred by the theme (``qproperty-alignment``). The key and QR tabs live in their own
modules, imported after the first frame or when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
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
from .i18n import PREPARING, translate
from .startup import after_first_paint

if TYPE_CHECKING:  # the core: imported on a worker while the window is already shown
    from PySide6.QtWidgets import QDialog

    from hy_client.errors import HyError
    from hy_client.signin import LoginResult

    from .context import AppContext
    from .login_ca import CaTab
    from .login_qr import QrTab

TabT = TypeVar("TabT", "CaTab", "QrTab")


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
            from .login_ca import CaTab

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
            from .login_qr import QrTab

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
