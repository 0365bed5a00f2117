"""Step 1, 运行环境: platform reachable, clock right, credential store usable; 一键修复."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from hy_client.firstrun import StepResult

from ..i18n import translate
from .base import WizardStep


class EnvironmentStep(WizardStep):
    step = "environment"

    def build(self) -> None:
        self.repair_button = QPushButton(translate("FirstRunWizard", "一键修复"))
        self.repair_button.setObjectName("firstRunRepair")
        self.repair_button.clicked.connect(self.open_repair)
        self.recheck = QPushButton(translate("FirstRunWizard", "重新检测"))
        self.recheck.setObjectName("recheckEnvironment")
        self.recheck.clicked.connect(lambda: self.wizard.go(self.step))
        row = QHBoxLayout()
        row.addWidget(self.repair_button)
        row.addWidget(self.recheck)
        row.addStretch(1)
        self.body.addLayout(row)
        self.repair_button.hide()

    @property
    def can_leave(self) -> bool:
        return self.result is not None  # a problem here need not stop the bidder

    def set_enabled(self, enabled: bool) -> None:
        self.repair_button.setEnabled(enabled)
        self.recheck.setEnabled(enabled)

    def enter(self) -> None:
        core = self.core
        self.run(lambda: core.check_environment(timeout=5.0), self._checked,
                 translate("FirstRunWizard", "正在检查运行环境…"))

    def _checked(self, result: StepResult) -> None:
        self.wizard.show_result(result)
        self.repair_button.setVisible("repair" in result.actions)

    @Slot()
    def open_repair(self) -> None:
        from ..repair import RepairDialog

        dialog = RepairDialog(self.ctx, self, sections=("platform", "local"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self.wizard.go(self.step))
        dialog.open()
