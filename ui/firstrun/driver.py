"""Step 3, 驱动: the vendor's driver from the signed catalogue, downloaded with progress,
verified, installed, and joined to the running token service (no restart)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy

from hy_client.errors import HyError
from hy_client.firstrun import StepResult

from ..dispatch import on_main
from ..i18n import translate
from .base import WizardStep, load_catalogue, vendor_name

if TYPE_CHECKING:
    from hy_client.drivers.catalogue import Catalogue


class DriverStep(WizardStep):
    step = "driver"

    def build(self) -> None:
        self.driver_id = ""
        self.driver_label = QLabel()
        self.driver_label.setObjectName("recommendedDriver")
        self.driver_label.setWordWrap(True)
        self.install_button = QPushButton(translate("FirstRunWizard", "安装驱动"))
        self.install_button.setObjectName("installDriver")
        self.install_button.clicked.connect(self.install)
        self.install_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.progress = QProgressBar()
        self.progress.setObjectName("driverProgress")
        row = QHBoxLayout()
        row.addWidget(self.install_button)
        row.addWidget(self.progress, 1)
        row.addStretch(0)
        self.body.addWidget(self.driver_label)
        self.body.addLayout(row)
        self.driver_label.hide()
        self.install_button.hide()
        self.progress.hide()

    def set_enabled(self, enabled: bool) -> None:
        self.install_button.setEnabled(enabled and bool(self.driver_id))

    def enter(self) -> None:
        self.driver_id = self.wizard.needed_driver()
        self.progress.hide()
        core, ctx = self.core, self.ctx
        if not self.driver_id:
            self.driver_label.hide()
            self.install_button.hide()
            held = self.wizard.catalogue
            self.run(lambda: core.skip_driver(held), self.wizard.show_result,
                     translate("FirstRunWizard", "正在检查驱动…"))
            return
        catalogue = self.wizard.catalogue

        def job() -> Catalogue:
            return catalogue if catalogue is not None else load_catalogue(ctx)

        self.run(job, self._offered, translate("FirstRunWizard", "正在读取驱动目录…"))

    def _offered(self, catalogue: Catalogue) -> None:
        self.wizard.catalogue = catalogue
        try:
            entry = catalogue.get(self.driver_id)
        except HyError as exc:
            self.driver_id = ""
            self.wizard.failed(exc)
            return
        self.driver_label.setText(translate(
            "FirstRunWizard", "推荐驱动：{vendor} {version}（约 {size} KB，"
            "来自交易平台的签名驱动目录，下载后校验无误才会安装）。").format(
            vendor=vendor_name(entry), version=entry.version, size=max(entry.size // 1024, 1)))
        self.driver_label.show()
        self.install_button.show()
        if self.result is not None:
            self.wizard.show_result(self.result)
        else:
            self.say(translate("FirstRunWizard", "尚未安装驱动：请点击“安装驱动”。"), "warning")

    @Slot()
    def install(self) -> None:
        catalogue = self.wizard.catalogue
        if catalogue is None or not self.driver_id or self.wizard.busy:
            return
        from ..pages.drivers import download_session

        core, ctx, driver_id = self.core, self.ctx, self.driver_id
        progress = on_main(self, self._on_progress)
        entry = catalogue.get(driver_id)

        def job() -> StepResult:
            with download_session(ctx.client) as session:
                # through the program's own service: the new driver joins it, no restart
                result = core.install_driver(catalogue, driver_id, session, progress=progress)
            ctx.reload_settings()  # the driver's module is registered in the config
            return result

        self.progress.setRange(0, max(entry.size, 1))
        self.progress.setValue(0)
        self.progress.show()
        self.run(job, self._installed, translate(
            "FirstRunWizard", "正在下载并校验 {vendor} {version}…").format(
            vendor=vendor_name(entry), version=entry.version))

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _installed(self, result: StepResult) -> None:
        self.wizard.show_result(result)
        if result.status == "ok":
            self.progress.setValue(self.progress.maximum())
            self.driver_id = ""
            self.install_button.setEnabled(False)
            self.wizard.go("certificate")  # what it found stays in the step list
