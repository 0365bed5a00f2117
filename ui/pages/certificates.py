"""证书: the keys' certificates, validity and renewal advice, remote activation, PIN change and
the "test my key" self-test. Each PKCS#11 step runs on the token thread, HTTP on the pool."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hy_client import errors, renewal
from hy_client.api import models
from hy_client.errors import HyError
from hy_client.signin import KeyChoice, login_candidates
from hy_client.token.models import ModuleInfo, SelfTestResult, TokenEvent
from hy_client.token.pin import check_new_pin

from ..context import AppContext
from ..i18n import advice, message, translate
from ..jobs import QueryOp, TokenOp, show_error
from ..operations import PinOp, PinUse
from ..theme import set_role
from ..widgets import keys
from ..widgets.cert import CertificatePanel
from ..widgets.pin import PinDialog
from ..widgets.renewal import text as advice_text

if TYPE_CHECKING:
    from hy_client.token.service import TokenService

T = TypeVar("T")

USER_TYPES: tuple[tuple[models.UserType, str], ...] = (
    ("bidder", str(QT_TRANSLATE_NOOP("CertificatesPage", "投标人"))),
    ("agency", str(QT_TRANSLATE_NOOP("CertificatesPage", "代理机构"))))


class PinChangeDialog(QDialog):
    def __init__(self, token_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinChangeDialog")
        self.setWindowTitle(translate("PinChangeDialog", "修改PIN码"))
        self.old, self.new, self.again = QLineEdit(), QLineEdit(), QLineEdit()
        form = QFormLayout()
        for name, field, label in (
                ("oldPin", self.old, translate("PinChangeDialog", "原PIN码")),
                ("newPin", self.new, translate("PinChangeDialog", "新PIN码")),
                ("newPinAgain", self.again, translate("PinChangeDialog", "再次输入新PIN码"))):
            field.setObjectName(name)
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(64)
            form.addRow(label, field)
        self.error = QLabel()
        self.error.setObjectName("pinChangeError")
        self.error.setProperty("role", "critical")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(translate("PinChangeDialog", "CA锁“{label}”").format(
            label=token_label)))
        layout.addLayout(form)
        layout.addWidget(QLabel(translate(
            "PinChangeDialog", "新PIN码至少6位，不要使用 123456、连续或重复的数字。")))
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.pins: tuple[str, str] | None = None

    def _check(self) -> None:
        new = self.new.text()
        if new != self.again.text():
            self.error.setText(translate("PinChangeDialog", "两次输入的新PIN码不一致"))
            return
        try:
            check_new_pin(new)
        except HyError as exc:
            self.error.setText(translate("PinChangeDialog", "{message}：{advice}").format(
                message=message(exc.info), advice=advice(exc.info)))
            return
        self.pins = (self.old.text(), new)
        self.accept()

    def take(self) -> tuple[str, str] | None:
        pins, self.pins = self.pins, None
        return pins

    def done(self, result: int) -> None:
        for field in (self.old, self.new, self.again):
            field.clear()
        super().done(result)


def open_pin_change(parent: QWidget, tokens: TokenService, key: KeyChoice,
                    changed: Callable[[], None]) -> PinChangeDialog:
    """Opens the PIN-change dialog for ``key`` and, once accepted, changes the PIN on the token
    thread; ``changed`` runs after success, a failure is shown. The one PIN-change flow for
    the wizard and the certificates page; the dialog is returned so callers can hold it."""
    dialog = PinChangeDialog(key.token_label, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished(result: int) -> None:
        pins = dialog.take() if result == QDialog.DialogCode.Accepted else None
        if pins is None:
            return
        TokenOp(parent, lambda: tokens.change_pin(key.serial, *pins),
                lambda _r: changed()).failure(
            lambda e: show_error(parent, e)).run_in_background()

    dialog.finished.connect(finished)
    dialog.open()
    return dialog


class CertificatesPage(QWidget):
    activated = Signal(object)  # models.Activation
    self_tested = Signal(object)  # SelfTestResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("certificatesPage")
        self.choices: list[KeyChoice] = []
        self.modules: list[ModuleInfo] = []
        self.bids: list[models.Bid] = []
        self.pin_op: PinOp[Any] | None = None
        self.bids_known = False  # until the platform answered: advice never says "renew now"
        self.shown_advice: renewal.RenewalAdvice | None = None
        self.picker = QComboBox()
        self.picker.setObjectName("certPicker")
        self.picker.currentIndexChanged.connect(self._on_pick)
        refresh = QPushButton(translate("CertificatesPage", "刷新"))
        refresh.clicked.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(self.picker, 1)
        row.addWidget(refresh)
        self.details = CertificatePanel()
        self.advice = QLabel()
        self.advice.setObjectName("certAdvice")
        self.advice.setWordWrap(True)
        self.user_type = QComboBox()
        self.user_type.setObjectName("userType")
        for code, name in USER_TYPES:
            self.user_type.addItem(translate("CertificatesPage", name), code)
        self.activate_button = QPushButton(translate("CertificatesPage", "远程证书激活"))
        self.activate_button.setObjectName("activate")
        self.activate_button.clicked.connect(self.activate)
        act = QHBoxLayout()
        act.addWidget(QLabel(translate("CertificatesPage", "用户类型")))
        act.addWidget(self.user_type)
        act.addWidget(self.activate_button)
        act.addStretch(1)
        self.activations = QListWidget()
        self.activations.setObjectName("activations")
        self.activations.setMaximumHeight(80)
        self.test_button = QPushButton(translate("CertificatesPage", "检测我的CA锁"))
        self.test_button.setObjectName("selfTest")
        self.test_button.setToolTip(translate(
            "CertificatesPage", "签名并解密一次，确认开标时能解密投标文件"))
        self.test_button.clicked.connect(self.self_test)
        self.renew_button = QPushButton(translate("CertificatesPage", "证书延期"))
        self.renew_button.setObjectName("renewCert")
        self.renew_button.setToolTip(translate(
            "CertificatesPage", "在线延期：在CA锁内生成新密钥并换发证书，不影响未开标的投标"))
        self.renew_button.clicked.connect(self.renew)
        self._renew_pending: str | None = None
        self._no_token_shown = False  # "未检测到CA锁" in ``result``: cleared when a key is back
        self.pin_button = QPushButton(translate("CertificatesPage", "修改PIN码"))
        self.pin_button.setObjectName("changePin")
        self.pin_button.clicked.connect(self.change_pin)
        tools = QHBoxLayout()
        tools.addWidget(self.test_button)
        tools.addWidget(self.renew_button)
        tools.addWidget(self.pin_button)
        tools.addStretch(1)
        self.result = QLabel()
        self.result.setObjectName("certResult")
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        title = QLabel(translate("CertificatesPage", "证书"))
        title.setProperty("role", "title")
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addWidget(self.details)
        layout.addWidget(self.advice)
        layout.addWidget(QLabel(translate(
            "CertificatesPage", "远程证书激活：把本证书绑定到当前账号，激活后可用CA锁登录。")))
        layout.addLayout(act)
        layout.addWidget(QLabel(translate("CertificatesPage", "已激活的证书")))
        layout.addWidget(self.activations)
        layout.addLayout(tools)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self._enable()
        self.refresh()
        ctx.start_watching().token_event.connect(self._on_token_event)

    # --- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        client = self.ctx.client
        self.rescan()
        QueryOp(self, lambda: (client.bids(), client.activations()),
                self._platform).failure(lambda e: None).run_in_background()

    def rescan(self) -> None:
        tokens = self.ctx.tokens
        TokenOp(self, lambda: tokens.scan(), self._scanned).run_in_background()

    @Slot(object)
    def _on_token_event(self, _event: TokenEvent) -> None:
        self.rescan()  # a key pulled or plugged shows here at once

    def _scanned(self, modules: list[ModuleInfo]) -> None:
        current = self.current()
        self.modules = modules
        self.choices = login_candidates(modules)
        # The key and certificate shown stay selected (an activation or a rescan never
        # jumps to another key).
        keys.fill(self.picker, self.choices,
                  (current.serial, current.cert_id) if current is not None else ("", ""))
        if not self.choices:
            self.result.setText(translate("CertificatesPage", "{message}。{advice}").format(
                message=message(errors.NO_TOKEN), advice=advice(errors.NO_TOKEN)))
            self._no_token_shown = True
        elif self._no_token_shown:
            self.result.clear()  # the key is back: "未检测到CA锁" must not stay
            self._no_token_shown = False
        self._on_pick()
        if self._renew_pending is not None:
            self.renew_for(self._renew_pending)

    def _platform(self, result: tuple[list[models.Bid], list[models.Activation]]) -> None:
        self.bids, activations = result
        self.bids_known = True
        self.activations.clear()
        for a in activations:
            kind = translate("CertificatesPage", dict(USER_TYPES).get(a.user_type, a.user_type))
            self.activations.addItem(translate(
                "CertificatesPage", "{name}（{kind}，有效期至 {date}）").format(
                name=a.subject_cn, kind=kind, date=f"{a.not_after:%Y-%m-%d}"))
        self._on_pick()

    def current(self) -> KeyChoice | None:
        return keys.picked(self.picker, self.choices)

    def _on_pick(self, *_args: object) -> None:
        choice = self.current()
        self.details.set_certificate(choice.certificate if choice else None)
        self.advice.clear()
        self.shown_advice = None
        if choice is not None and choice.certificate.not_after is not None:
            every = renewal.advise_tokens(
                [t for m in self.modules for t in m.tokens], self.bids, now=datetime.now(UTC),
                thresholds=self.ctx.settings.renewal_thresholds, bids_known=self.bids_known)
            advice = renewal.find(every, choice.certificate.sha256)
            if advice is None:
                self._enable()
                return
            self.shown_advice = advice
            self.advice.setText(advice_text(advice))
            set_role(self.advice, advice.level)
        self._enable()

    def _enable(self) -> None:
        on = self.current() is not None
        for b in (self.activate_button, self.test_button, self.pin_button, self.renew_button):
            b.setEnabled(on)

    # --- PIN, then a job --------------------------------------------------------------------
    @property
    def pin_dialog(self) -> PinDialog | None:
        return self.pin_op.dialog if self.pin_op is not None else None

    def _with_pin(self, purpose: str, job: Callable[[KeyChoice, PinUse], T],
                  success: Callable[[T], None], progress: str) -> None:
        key = self.current()
        if key is None:
            return
        self.pin_op = PinOp(self, self.ctx.tokens, key.serial, key.token_label,
                            lambda use: job(key, use), success, purpose=purpose
                            ).with_progress(progress).run()

    def activate(self) -> None:
        signin, tokens = self.ctx.signin, self.ctx.tokens
        user_type = self.user_type.currentData()

        def job(key: KeyChoice, use: PinUse) -> models.Activation:
            use.unlock(signin, tokens, key)
            return signin.activate(tokens, key, user_type)

        self._with_pin(translate("CertificatesPage", "进行远程证书激活"), job, self._activated,
                       translate("CertificatesPage", "正在激活证书…"))

    def _activated(self, activation: models.Activation) -> None:
        self._no_token_shown = False
        self.result.setText(translate(
            "CertificatesPage", "证书“{name}”已激活，今后可用CA锁登录。").format(
            name=activation.subject_cn))
        self.result.setProperty("role", "ok")
        self.activated.emit(activation)
        self.refresh()

    def self_test(self) -> None:
        signin, tokens = self.ctx.signin, self.ctx.tokens

        def job(key: KeyChoice, use: PinUse) -> SelfTestResult:
            use.unlock(signin, tokens, key)
            return tokens.self_test(key.serial, key.cert_id).result(signin.token_timeout)

        self._with_pin(translate("CertificatesPage", "检测CA锁"), job, self._tested,
                       translate("CertificatesPage", "正在检测CA锁…"))

    def _tested(self, result: SelfTestResult) -> None:
        if result.ok:
            text = (translate("CertificatesPage",
                              "检测通过：签名正常，解密正常（开标时可以解密投标文件）")
                    if result.decrypt_ok else translate("CertificatesPage", "检测通过：签名正常"))
            if result.note is not None:  # what was not checked, e.g. no SM2 decryption
                text += translate("CertificatesPage", "（{note}）").format(
                    note=f"{message(result.note)}，{advice(result.note)}")
            self.result.setProperty("role", "ok")
        else:
            info = result.error or errors.SELF_TEST_FAILED
            text = translate("CertificatesPage", "{message}（{code}）：{advice}").format(
                message=message(info), code=info.code, advice=advice(info))
            self.result.setProperty("role", "critical")
        self.result.setText(text)
        self._no_token_shown = False
        self.self_tested.emit(result)

    # --- 证书延期 -----------------------------------------------------------------------------
    def renew(self) -> None:
        """The renewal dialog for the chosen certificate; the page's PIN flow unlocks the key."""
        from ..renewal_dialog import RenewalDialog

        key = self.current()
        if key is None:
            return
        purpose = translate("CertificatesPage", "进行证书延期")

        def pin_op(job: Callable[[PinUse], Any], success: Callable[[Any], None]) -> PinOp[Any]:
            self.pin_op = PinOp(self, self.ctx.tokens, key.serial, key.token_label, job,
                                success, purpose=purpose)
            return self.pin_op

        dialog = RenewalDialog(self.ctx, key, pin_op, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.renewed.connect(lambda _outcome: self.refresh())
        self.renewal_dialog = dialog
        dialog.open()

    def renew_for(self, cert_sha256: str) -> None:
        """Renew the certificate the banner spoke of (once the keys are read)."""
        index = next((i for i, c in enumerate(self.choices)
                      if c.certificate.sha256 == cert_sha256), None)
        if index is None:
            self._renew_pending = cert_sha256 if not self.choices else None
            return
        self._renew_pending = None
        self.picker.setCurrentIndex(index)
        self.renew()

    def change_pin(self) -> None:
        key = self.current()
        if key is None:
            return
        self.pin_change_dialog = open_pin_change(self, self.ctx.tokens, key, self._pin_changed)

    def _pin_changed(self) -> None:
        self._no_token_shown = False
        self.result.setText(translate("CertificatesPage", "PIN码已修改，请牢记新PIN码。"))
        self.result.setProperty("role", "ok")
