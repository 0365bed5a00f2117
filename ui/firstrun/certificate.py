"""Step 4, 证书: the certificates on the keys, the one to use picked, its check; PIN change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton

from hy_client import errors
from hy_client.errors import HyError
from hy_client.firstrun import StepResult

from ..i18n import advice, message, translate
from ..jobs import TokenOp
from ..widgets import keys
from ..widgets.cert import CertificatePanel
from .base import WizardStep

if TYPE_CHECKING:
    from hy_client.signin import KeyChoice
    from hy_client.token.models import ModuleInfo


class CertificateStep(WizardStep):
    step = "certificate"

    def build(self) -> None:
        self.modules: list[ModuleInfo] = []
        self.choices: list[KeyChoice] = []
        self.picker = QComboBox()
        self.picker.setObjectName("firstRunCertPicker")
        self.picker.setAccessibleName(translate("FirstRunWizard", "选择证书"))
        self.picker.currentIndexChanged.connect(self._on_pick)
        self.details = CertificatePanel()
        self.pin_change_button = QPushButton(translate("FirstRunWizard", "修改PIN码"))
        self.pin_change_button.setObjectName("firstRunChangePin")
        self.pin_change_button.clicked.connect(self.wizard.change_pin)
        self.pin_change_button.hide()
        self.body.addWidget(self.picker)
        self.body.addWidget(self.details)
        row = QHBoxLayout()
        row.addWidget(self.pin_change_button)
        row.addStretch(1)
        self.body.addLayout(row)

    def set_enabled(self, enabled: bool) -> None:
        self.picker.setEnabled(enabled)
        self.pin_change_button.setEnabled(enabled)

    def enter(self) -> None:
        tokens, wizard = self.ctx.tokens, self.wizard
        wizard.busy = True
        self.busy(translate("FirstRunWizard", "正在读取CA锁中的证书…"))
        TokenOp(self, lambda: tokens.scan(refresh=True),
                lambda modules: wizard.complete(self._scanned, modules)).failure(
            wizard.failed).run_in_background()

    def _scanned(self, modules: list[ModuleInfo]) -> None:
        from hy_client.signin import login_candidates

        self.modules = modules
        self.choices = login_candidates(modules)
        # no account yet, so no remembered key (it is per account): the first valid one
        self._fill(("", ""))
        if not self.choices:
            tokens = [t for m in modules for t in m.tokens]
            if tokens:  # a key without a login certificate: the core says so
                self.run(lambda: self.core.check_certificate(tokens[0]), self.wizard.show_result,
                         translate("FirstRunWizard", "正在检查证书…"))
            else:
                self.say(translate("FirstRunWizard", "{message}。").format(
                    message=message(errors.NO_TOKEN)), "critical", advice(errors.NO_TOKEN))
            self.details.set_certificate(None)
            return
        self._on_pick()

    def current_key(self) -> KeyChoice | None:
        return keys.picked(self.picker, self.choices)

    def listed(self, modules: list[ModuleInfo]) -> None:
        """Keys listed by another step (the login step resumed): the picker follows."""
        from hy_client.signin import login_candidates

        before = self.current_key()
        self.modules, self.choices = modules, login_candidates(modules)
        self._fill(("", "") if before is None else (before.serial, before.cert_id))

    def _fill(self, wanted: tuple[str, str]) -> None:
        """The picker lists the keys (no pick signalled): ``wanted``, else the first valid."""
        keys.fill(self.picker, self.choices, wanted, next(
            (i for i, c in enumerate(self.choices)
             if c.certificate.status in ("valid", "expiring")), 0))

    @Slot()
    def _on_pick(self, *_args: object) -> None:
        key = self.current_key()
        if key is None:
            return
        self.details.set_certificate(key.certificate)
        token = next(t for m in self.modules for t in m.tokens if t.serial == key.serial)
        core, client = self.core, self.ctx.client
        thresholds = self.ctx.settings.renewal_thresholds

        def job() -> StepResult:
            bids = None  # no session yet: the advice knows it cannot see the open bids
            if client.token:
                try:
                    bids = client.bids()
                except HyError:
                    bids = None
            return core.check_certificate(token, key.cert_id, bids=bids, thresholds=thresholds)

        self.run(job, self._checked, translate("FirstRunWizard", "正在检查证书…"))

    def _checked(self, result: StepResult) -> None:
        self.wizard.show_result(result)
        self.pin_change_button.setVisible("change_pin" in result.actions)
