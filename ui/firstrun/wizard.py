"""The assistant's frame: the step list on the left, one page per step, 稍后继续/上一步/下一步.

It only moves between steps and runs their jobs; what each step checks and offers is its own
class (``environment``, ``key``, ``driver``, ``certificate``, ``login``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hy_client import firstrun
from hy_client.drivers.system import SYSFS_USB
from hy_client.firstrun import STEPS, FirstRun, Step, StepResult

from ..i18n import advice, message, translate
from ..jobs import QueryOp, TokenOp, show_error
from ..pages.certificates import open_pin_change
from ..theme import set_role
from .base import ROLE, WizardStep, step_title
from .certificate import CertificateStep
from .driver import DriverStep
from .environment import EnvironmentStep
from .key import KeyStep
from .login import LoginStep

if TYPE_CHECKING:
    from hy_client.drivers.catalogue import Catalogue
    from hy_client.errors import HyError
    from hy_client.signin import KeyChoice, LoginResult
    from hy_client.token.models import ModuleInfo

    from ..context import AppContext
    from ..widgets.pin import PinDialog

T = TypeVar("T")
STEP_CLASSES: tuple[type[WizardStep], ...] = (EnvironmentStep, KeyStep, DriverStep,
                                              CertificateStep, LoginStep)


class FirstRunWizard(QDialog):
    """The assistant. ``logged_in`` carries the LoginResult once the key login worked."""

    logged_in = Signal(object)  # LoginResult
    result_shown = Signal(object)  # StepResult (tests wait on it)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 usb_root: Path = SYSFS_USB, state_path: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.core = FirstRun(usb_root=usb_root, path=state_path, token_service=ctx.tokens,
                             settings=ctx.settings)
        self.setObjectName("firstRunWizard")
        self.setWindowTitle(translate("FirstRunWizard", "首次使用向导"))
        self.catalogue: Catalogue | None = None  # read by the key step, used by the driver step
        self.login_result: LoginResult | None = None
        self.busy = False  # a step's job runs: navigation and the steps' controls are off

        # the step list: each step's name and the sentence it found
        steps = QVBoxLayout()
        self.step_names: dict[Step, QLabel] = {}
        self.step_sentences: dict[Step, QLabel] = {}
        for step in STEPS:
            name = QLabel(step_title(step))
            name.setObjectName(f"stepName_{step}")
            said = QLabel(translate("FirstRunWizard", "未检查"))
            said.setObjectName(f"stepSentence_{step}")
            said.setWordWrap(True)
            said.setProperty("role", "hint")
            steps.addWidget(name)
            steps.addWidget(said)
            self.step_names[step], self.step_sentences[step] = name, said
        steps.addStretch(1)
        side = QWidget()
        side.setObjectName("firstRunSteps")
        side.setLayout(steps)
        side.setFixedWidth(230)

        self.pages: dict[Step, WizardStep] = {}
        self.stack = QStackedWidget()
        for cls in STEP_CLASSES:
            page = self.pages[cls.step] = cls(self)
            self.stack.addWidget(page)
        assert tuple(self.pages) == STEPS

        self.later_button = QPushButton(translate("FirstRunWizard", "稍后继续"))
        self.later_button.setObjectName("firstRunLater")
        self.later_button.setToolTip(translate(
            "FirstRunWizard", "关闭向导；下次打开时从当前步骤继续"))
        self.later_button.clicked.connect(self.reject)
        self.back_button = QPushButton(translate("FirstRunWizard", "上一步"))
        self.back_button.setObjectName("firstRunBack")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(translate("FirstRunWizard", "下一步"))
        self.next_button.setObjectName("firstRunNext")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)

        row = QHBoxLayout()
        row.addWidget(side)
        row.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addLayout(buttons)
        self.resize(820, 560)
        for done in self.core.state.results.values():
            if done.step in self.step_sentences:
                self._summarise(done)
        self.step: Step = self.core.state.current
        self.go(self.step)

    # --- the steps --------------------------------------------------------------------------
    @property
    def key_step(self) -> KeyStep:
        return self.pages["key"]  # type: ignore[return-value]

    @property
    def driver_step(self) -> DriverStep:
        return self.pages["driver"]  # type: ignore[return-value]

    @property
    def certificate_step(self) -> CertificateStep:
        return self.pages["certificate"]  # type: ignore[return-value]

    @property
    def login_step(self) -> LoginStep:
        return self.pages["login"]  # type: ignore[return-value]

    def current_key(self) -> KeyChoice | None:
        """The certificate picked on the certificate step (the login step uses it)."""
        return self.certificate_step.current_key()

    def needed_driver(self) -> str:
        """What the key step found the key needs (the driver step offers it)."""
        return self.key_step.needed_driver()

    def keys_listed(self, modules: list[ModuleInfo]) -> bool:
        """Keys listed by the login step (resumed there): the certificate picker follows;
        True when one can log in."""
        self.certificate_step.listed(modules)
        return bool(self.certificate_step.choices)

    @property
    def pin_dialog(self) -> PinDialog | None:
        return self.login_step.pin_dialog

    # --- navigation -------------------------------------------------------------------------
    def go(self, step: Step) -> None:
        """Show ``step`` and run its check."""
        self.step = step
        self.stack.setCurrentWidget(self.pages[step])
        for s, label in self.step_names.items():
            font = QFont(label.font())
            font.setBold(s == step)
            label.setFont(font)
        if self.core.state.current != step:
            self.core.go_to(step)
        self.pages[step].enter()
        self.enable()

    @Slot()
    def next(self) -> None:
        index = STEPS.index(self.step)
        if index + 1 < len(STEPS) and not self.busy:
            self.go(STEPS[index + 1])

    @Slot()
    def back(self) -> None:
        index = STEPS.index(self.step)
        if index > 0 and not self.busy:
            self.go(STEPS[index - 1])

    def enable(self) -> None:
        page = self.pages[self.step]
        self.next_button.setVisible(self.step != STEPS[-1])
        self.next_button.setEnabled(not self.busy and page.can_leave)
        self.back_button.setEnabled(not self.busy and self.step != STEPS[0])
        for each in self.pages.values():
            each.set_enabled(not self.busy)

    # --- running a step's job ---------------------------------------------------------------
    def run(self, job: Callable[[], T], done: Callable[[T], None], text: str) -> None:
        """``job()`` on the pool while the current page says ``text``; ``done(result)`` after."""
        self.busy = True
        self.pages[self.step].busy(text)
        self.enable()
        QueryOp(self, job, lambda r: self.complete(done, r)).failure(
            self.failed).run_in_background()

    def complete(self, done: Callable[[T], None], value: T) -> None:
        self.busy = False
        done(value)
        self.enable()

    def failed(self, error: HyError) -> None:
        self.busy = False
        self.pages[self.step].say(
            translate("FirstRunWizard", "{message}（{code}）。").format(
                message=message(error.info), code=error.code), "critical", advice(error.info))
        self.enable()
        show_error(self, error)

    def show_result(self, result: StepResult) -> None:
        """A check's result on its page and in the step list."""
        self.pages[result.step].show_result(result)
        self._summarise(result)
        self.result_shown.emit(result)

    def _summarise(self, result: StepResult) -> None:
        label = self.step_sentences[result.step]
        label.setText(result.sentence_zh)
        set_role(label, ROLE[result.status])

    # --- PIN change (certificate step; the offer after a weak-PIN login) ---------------------
    @Slot()
    def change_pin(self) -> None:
        key = self.current_key()
        if key is None:
            return
        self.pin_change_dialog = open_pin_change(self, self.ctx.tokens, key, self._pin_changed)

    def _pin_changed(self) -> None:
        page = self.pages[self.step]
        page.advice.setText(translate("FirstRunWizard", "PIN码已修改，请牢记新PIN码。"))
        set_role(page.advice, "ok")
        page.advice.show()
        self.certificate_step.pin_change_button.hide()
        if self.login_result is not None:  # the offer after a login: done now
            self.finish()

    @Slot()
    def finish(self) -> None:
        """Logged in: hand the result to the application and close."""
        if self.login_result is None:
            return
        self.logged_in.emit(self.login_result)
        self.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.login_step.pin_op is not None:
            self.login_step.pin_op.cancel()
        super().closeEvent(event)


def offer_first_run(parent: QWidget, ctx: AppContext, *,
                    usb_root: Path = SYSFS_USB) -> FirstRunWizard | None:
    """At the first start open the assistant; later, offer it when no usable key is found.

    The assistant's ``logged_in`` is connected to ``parent.logged_in`` when it has one (the
    login window), so a login inside the assistant opens the main window as any login does.
    """
    def open_wizard() -> FirstRunWizard:
        wizard = FirstRunWizard(ctx, parent, usb_root=usb_root)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        forward = getattr(parent, "logged_in", None)
        if forward is not None:
            wizard.logged_in.connect(forward)
        wizard.open()
        return wizard

    if not firstrun.state_path().exists():
        return open_wizard()

    def scanned(modules: list[ModuleInfo]) -> None:
        if not firstrun.should_offer(modules):
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, translate("FirstRunWizard", "首次使用向导"),
            translate("FirstRunWizard",
                      "未找到可用于登录的CA锁。是否打开首次使用向导，检测CA锁、安装驱动？"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
        box.setObjectName("firstRunOffer")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda b: box.standardButton(b) == QMessageBox.StandardButton.Yes and open_wizard())
        box.open()

    tokens = ctx.tokens
    TokenOp(parent, lambda: tokens.scan(), scanned).failure(
        lambda _e: scanned([])).run_in_background()
    return None
