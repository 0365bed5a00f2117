"""Step 2, CA锁: the keys plugged in, known by USB ID even before a driver is installed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPushButton

from hy_client.errors import HyError
from hy_client.firstrun import StepResult

from ..i18n import translate
from .base import WizardStep, load_catalogue

if TYPE_CHECKING:
    from hy_client.drivers.catalogue import Catalogue


class KeyStep(WizardStep):
    step = "key"

    def build(self) -> None:
        self.recheck = QPushButton(translate("FirstRunWizard", "重新检测"))
        self.recheck.setObjectName("recheckKey")
        self.recheck.clicked.connect(lambda: self.wizard.go(self.step))
        row = QHBoxLayout()
        row.addWidget(self.recheck)
        row.addStretch(1)
        self.body.addLayout(row)

    def set_enabled(self, enabled: bool) -> None:
        self.recheck.setEnabled(enabled)

    def enter(self) -> None:
        ctx, core = self.ctx, self.core

        def job() -> tuple[Catalogue | None, StepResult]:
            try:
                catalogue = load_catalogue(ctx)
            except HyError:
                catalogue = None  # no catalogue at all: keys are still found through drivers
            return catalogue, core.check_key(catalogue)

        self.run(job, self._checked, translate("FirstRunWizard", "正在查找CA锁…"))

    def _checked(self, value: tuple[Catalogue | None, StepResult]) -> None:
        self.wizard.catalogue, result = value
        self.wizard.show_result(result)

    def needed_driver(self) -> str:
        """The catalogue id of the driver the key needs, or "" (none needed, or unknown)."""
        key = self.result
        if key is None or not key.data.get("driver_needed"):
            return ""
        ids = [a.split(":", 1)[1] for a in key.actions if a.startswith("install_driver:")]
        return ids[0] if ids else ""
