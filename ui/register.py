"""Registration of a unit or a natural person (the unified registration platform's step)."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QMessageBox,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hy_client import usernames
from hy_client.api.client import new_idempotency_key
from hy_client.api.models import Account, Registration
from hy_client.errors import HyError, ValidationError

from .context import AppContext
from .i18n import translate
from .jobs import QueryOp, show_error
from .widgets.form import FormWidget


class RegistrationDialog(QDialog):
    registered = Signal(str)  # the new username

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("registrationDialog")
        self.setWindowTitle(translate("RegistrationDialog", "注册新账号"))
        self._key = new_idempotency_key()  # one registration, however often 注册 is pressed
        kinds = QHBoxLayout()
        self.unit_radio = QRadioButton(translate("RegistrationDialog", "单位"))
        self.unit_radio.setObjectName("kindUnit")
        self.person_radio = QRadioButton(translate("RegistrationDialog", "自然人（个人）"))
        self.person_radio.setObjectName("kindPerson")
        self.unit_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.unit_radio)
        group.addButton(self.person_radio)
        kinds.addWidget(self.unit_radio)
        kinds.addWidget(self.person_radio)
        kinds.addStretch(1)
        self.account = FormWidget("account")
        self.unit = FormWidget("registration_unit")
        self.person = FormWidget("registration_person")
        self.details = QStackedWidget()
        self.details.addWidget(self.unit)
        self.details.addWidget(self.person)
        self.unit_radio.toggled.connect(
            lambda on: self.details.setCurrentWidget(self.unit if on else self.person))
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addLayout(kinds)
        inner.addWidget(self.account)
        inner.addWidget(self.details)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.submit = buttons.addButton(translate("RegistrationDialog", "注册"),
                                        QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit.setObjectName("submitRegistration")
        buttons.accepted.connect(self.register)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(560, 640)

    @property
    def kind(self) -> Literal["unit", "person"]:
        return "unit" if self.unit_radio.isChecked() else "person"

    def register(self) -> None:
        details = self.unit if self.kind == "unit" else self.person
        bad = self.account.validate() + details.validate()
        if bad:
            return
        values = self.account.values()
        try:
            body = Registration(kind=self.kind, username=usernames.display(values["username"]),
                                password=values["password"], data=details.spec.payload(
                                    details.values()))
        except ValueError:
            return
        signin, key = self.ctx.signin, self._key
        self.account.clear_secrets()
        self.submit.setEnabled(False)
        QueryOp(self, lambda: signin.register(body, key), self._done).failure(
            self._failed).with_progress(translate("RegistrationDialog", "正在注册…")
                                        ).run_in_background()

    def _done(self, account: Account) -> None:
        QMessageBox.information(
            self, translate("RegistrationDialog", "注册成功"),
            translate("RegistrationDialog", "账号“{username}”已注册，请登录。").format(
                username=account.username))
        self.registered.emit(account.username)
        self.accept()

    def _failed(self, error: HyError) -> None:
        self.submit.setEnabled(True)
        if isinstance(error, ValidationError):
            self.account.show_errors(error.errors)
            details = self.unit if self.kind == "unit" else self.person
            details.show_errors([e for e in error.errors if e.field in details.inputs])
        show_error(self, error)
