"""Step 5, 登录: the key login through the one PIN operation; remote activation when the
certificate is not bound yet; the offer to change a default or weak PIN."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from hy_client import errors
from hy_client.errors import HyError
from hy_client.firstrun import FirstRun

from ..i18n import advice, message, translate
from ..jobs import TokenOp, show_error
from ..operations import PinOp, PinUse
from ..pages.certificates import USER_TYPES
from .base import LoginOutcome, WizardStep

if TYPE_CHECKING:
    from hy_client.token.models import ModuleInfo

    from ..widgets.pin import PinDialog


class LoginStep(WizardStep):
    step = "login"

    def build(self) -> None:
        self.pin_op: PinOp[LoginOutcome] | None = None
        self.key_label = QLabel()
        self.key_label.setObjectName("loginKey")
        self.key_label.setWordWrap(True)
        self.login_button = QPushButton(translate("FirstRunWizard", "用CA锁登录"))
        self.login_button.setObjectName("firstRunLogin")
        self.login_button.clicked.connect(self.login)
        row = QHBoxLayout()
        row.addWidget(self.login_button)
        row.addStretch(1)
        self.body.addWidget(self.key_label)
        self.body.addLayout(row)
        self._build_activation()
        self._build_weak_pin()

    def _build_activation(self) -> None:
        """Remote activation: the certificate is not bound to an account yet."""
        self.activation = QWidget()
        self.activation.setObjectName("activationPanel")
        form = QFormLayout(self.activation)
        form.setContentsMargins(0, 0, 0, 0)
        self.username = QLineEdit()
        self.username.setObjectName("activationUsername")
        self.username.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setObjectName("activationPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(128)
        self.user_type = QComboBox()
        self.user_type.setObjectName("activationUserType")
        for code, name in USER_TYPES:
            self.user_type.addItem(translate("CertificatesPage", name), code)
        self.activate_button = QPushButton(translate("FirstRunWizard", "激活并登录"))
        self.activate_button.setObjectName("firstRunActivate")
        self.activate_button.clicked.connect(self.activate)
        form.addRow(QLabel(translate(
            "FirstRunWizard", "证书尚未绑定账号：请用账号密码完成远程证书激活。")))
        form.addRow(translate("FirstRunWizard", "用户名"), self.username)
        form.addRow(translate("FirstRunWizard", "密码"), self.password)
        form.addRow(translate("FirstRunWizard", "用户类型"), self.user_type)
        form.addRow("", self.activate_button)
        self.activation.hide()
        self.body.addWidget(self.activation)

    def _build_weak_pin(self) -> None:
        """After a login with a default or weak PIN: change it now, or go on."""
        self.weak_pin = QWidget()
        self.weak_pin.setObjectName("weakPinPanel")
        weak = QHBoxLayout(self.weak_pin)
        weak.setContentsMargins(0, 0, 0, 0)
        note = QLabel(translate(
            "FirstRunWizard",
            "您的PIN码是初始PIN码或过于简单（如123456），他人容易猜中，建议现在修改。"))
        note.setWordWrap(True)
        note.setProperty("role", "warning")
        self.weak_change = QPushButton(translate("FirstRunWizard", "现在修改"))
        self.weak_change.setObjectName("weakPinChange")
        self.weak_change.clicked.connect(self.wizard.change_pin)
        self.weak_skip = QPushButton(translate("FirstRunWizard", "以后再说，进入系统"))
        self.weak_skip.setObjectName("weakPinSkip")
        self.weak_skip.clicked.connect(self.wizard.finish)
        weak.addWidget(note, 1)
        weak.addWidget(self.weak_change)
        weak.addWidget(self.weak_skip)
        self.weak_pin.hide()
        self.body.addWidget(self.weak_pin)

    def set_enabled(self, enabled: bool) -> None:
        self.login_button.setEnabled(enabled and self.wizard.current_key() is not None)
        self.activate_button.setEnabled(enabled)

    @property
    def pin_dialog(self) -> PinDialog | None:
        return self.pin_op.dialog if self.pin_op is not None else None

    def enter(self) -> None:
        key = self.wizard.current_key()
        self.activation.hide()
        self.weak_pin.hide()
        if key is None:  # resumed here: read the keys first
            self.key_label.setText(translate("FirstRunWizard", "正在读取CA锁…"))
            tokens = self.ctx.tokens
            TokenOp(self, lambda: tokens.scan(), self._scanned).failure(
                self.wizard.failed).run_in_background()
            return
        cert = key.certificate
        self.key_label.setText(
            translate("FirstRunWizard", "将使用CA锁“{label}”中的证书：{name}").format(
                label=key.token_label, name=cert.subject_cn)
            + (translate("FirstRunWizard", "（{organization}）").format(
                organization=cert.organization) if cert.organization else ""))
        done = self.result
        if done is not None and done.status != "ok":
            self.wizard.show_result(done)
        else:
            self.say(translate("FirstRunWizard", "请点击“用CA锁登录”，然后输入PIN码。"), "info")

    def _scanned(self, modules: list[ModuleInfo]) -> None:
        if self.wizard.keys_listed(modules):
            self.enter()
        else:
            self.key_label.setText(translate("FirstRunWizard", "{message}。{advice}").format(
                message=message(errors.NO_TOKEN), advice=advice(errors.NO_TOKEN)))
        self.wizard.enable()

    @Slot()
    def login(self) -> None:
        key = self.wizard.current_key()
        wizard = self.wizard
        if key is None or wizard.busy:
            return
        signin, tokens, core = self.ctx.signin, self.ctx.tokens, self.core

        def job(use: PinUse) -> LoginOutcome:
            try:
                secret = use.unlock(signin, tokens, key)
                weak = secret is not None and FirstRun.offer_pin_change(secret)
                del secret
                result = signin.ca_login(tokens, key)
            except HyError as exc:
                return LoginOutcome(core.record_login(exc), error=exc)
            return LoginOutcome(core.record_login(None, result.account.username), result,
                                weak_pin=weak)

        def started(_use: PinUse) -> None:
            wizard.busy = True
            self.busy(translate("FirstRunWizard", "正在用CA锁登录…"))
            wizard.enable()

        def cancelled() -> None:
            wizard.busy = False
            wizard.enable()

        wizard.busy = True
        wizard.enable()
        self.pin_op = PinOp(self, tokens, key.serial, key.token_label, job,
                            lambda r: wizard.complete(self._logged_in, r)).failure(
            wizard.failed).cancelled(cancelled).started(started).run()

    def _logged_in(self, outcome: LoginOutcome) -> None:
        from .. import state

        self.wizard.show_result(outcome.step)
        if outcome.result is None:
            self.activation.setVisible("activate" in outcome.step.actions)
            if outcome.error is not None and "activate" not in outcome.step.actions:
                show_error(self, outcome.error)
            return
        key = self.wizard.current_key()
        if key is not None:
            state.remember_certificate(self.ctx.client.origin, outcome.result.account,
                                       key.serial, key.cert_id)
        self.wizard.login_result = outcome.result
        self.ctx.account = outcome.result.account
        self.activation.hide()
        if outcome.weak_pin:
            self.login_button.hide()
            self.weak_pin.show()
            return
        self.wizard.finish()

    @Slot()
    def activate(self) -> None:
        key = self.wizard.current_key()
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()
        if key is None or self.wizard.busy:
            return
        if not username or not password:
            show_error(self, HyError(errors.BAD_CREDENTIALS,
                                            translate("FirstRunWizard", "用户名和密码都不能为空")))
            return
        signin, tokens, core = self.ctx.signin, self.ctx.tokens, self.core
        user_type = self.user_type.currentData()

        def job() -> LoginOutcome:
            try:
                signin.password_login(username, password)
                signin.activate(tokens, key, user_type, None)  # the key is still logged in
                result = signin.ca_login(tokens, key, None)
            except HyError as exc:
                return LoginOutcome(core.record_login(exc), error=exc)
            return LoginOutcome(core.record_login(None, result.account.username), result)

        self.run(job, self._logged_in, translate("FirstRunWizard", "正在激活证书并登录…"))
