"""The first-run assistant (首次使用向导): 运行环境 → CA锁 → 驱动 → 证书 → 登录.

Every check and its sentence are the core's (``hy_client.firstrun.FirstRun``); this dialog runs
each on a worker, shows what the step found in one sentence (on its page and in the step list
on the left) and offers what the step's actions name: 一键修复, the driver install with
progress, the PIN change, remote activation. The state is the core's file, so 稍后继续 closes
the dialog and the next opening resumes at the same step.

``offer_first_run`` is what the application calls once the core is ready: the assistant opens
at the first start and is offered whenever no key with a usable certificate is found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hy_client import errors, firstrun
from hy_client.drivers.system import SYSFS_USB
from hy_client.errors import HyError
from hy_client.firstrun import STEPS, FirstRun, Step, StepResult

from .dispatch import on_main
from .i18n import advice, english, message, translate
from .jobs import QueryOp, TokenOp, show_error
from .operations import PinOp, PinUse
from .pages.certificates import USER_TYPES, open_pin_change
from .widgets import keys
from .widgets.cert import CertificatePanel
from .widgets.pin import PinDialog

if TYPE_CHECKING:
    from hy_client.drivers.catalogue import Catalogue, DriverEntry
    from hy_client.signin import KeyChoice, LoginResult
    from hy_client.token.models import ModuleInfo

    from .context import AppContext

T = TypeVar("T")
ROLE = {"ok": "ok", "attention": "warning", "failed": "critical"}
# the steps' names (the core's STEP_ZH) and intros, translated where they are shown
STEP_NAMES: dict[Step, str] = {
    "environment": str(QT_TRANSLATE_NOOP("FirstRunWizard", "运行环境")),
    "key": str(QT_TRANSLATE_NOOP("FirstRunWizard", "CA锁")),
    "driver": str(QT_TRANSLATE_NOOP("FirstRunWizard", "驱动")),
    "certificate": str(QT_TRANSLATE_NOOP("FirstRunWizard", "证书")),
    "login": str(QT_TRANSLATE_NOOP("FirstRunWizard", "登录")),
}
INTRO: dict[Step, str] = {
    "environment": str(QT_TRANSLATE_NOOP(
        "FirstRunWizard", "检查交易平台能否连接、电脑时间是否准确、系统凭据存储是否可用。")),
    "key": str(QT_TRANSLATE_NOOP(
        "FirstRunWizard",
        "查找已插入的CA锁：即使还没有安装驱动，也能按USB设备识别它的厂商和型号。")),
    "driver": str(QT_TRANSLATE_NOOP(
        "FirstRunWizard", "安装CA锁厂商的驱动：下载、校验后安装，并确认驱动能识别CA锁。")),
    "certificate": str(QT_TRANSLATE_NOOP(
        "FirstRunWizard", "读取CA锁中的证书：持有人、单位、统一社会信用代码和有效期。")),
    "login": str(QT_TRANSLATE_NOOP(
        "FirstRunWizard", "用CA锁登录交易平台。证书尚未绑定账号时，可在这里完成远程证书激活。")),
}


def step_title(step: Step) -> str:
    """"2. CA锁": the step's number and name in the interface language."""
    return f"{STEPS.index(step) + 1}. {translate('FirstRunWizard', STEP_NAMES[step])}"


def _vendor(entry: DriverEntry) -> str:
    return entry.vendor.en if english() and entry.vendor.en else entry.vendor.zh


def _set_role(label: QLabel, role: str) -> None:
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)


def load_catalogue(ctx: AppContext) -> Catalogue:
    """The platform's signed driver catalogue when it can be fetched, else the one we hold."""
    from hy_client.drivers.store import catalogue_url_for

    from .pages.drivers import catalogue_store, download_session

    store = catalogue_store(ctx)
    url = ctx.settings.catalogue_url or catalogue_url_for(ctx.client.platform.url)
    try:
        with download_session(ctx.client) as session:
            return store.refresh(session, url, timeout=ctx.settings.http_timeout)
    except HyError:
        return store.current()


@dataclass(frozen=True)
class LoginOutcome:
    """What one login attempt gave: the result or the error, the step's sentence, and whether
    the PIN typed was a default or weak one (the PIN itself is never kept)."""

    step: StepResult
    result: LoginResult | None = None
    error: HyError | None = None
    weak_pin: bool = False


class StepPage(QWidget):
    """One step: its title and intro, the sentence it found, the advice, its own widgets."""

    def __init__(self, step: Step, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.setObjectName(f"step_{step}")
        title = QLabel(step_title(step))
        title.setProperty("role", "title")
        intro = QLabel(translate("FirstRunWizard", INTRO[step]))
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self.sentence = QLabel()
        self.sentence.setObjectName("sentence")
        self.sentence.setWordWrap(True)
        self.advice = QLabel()
        self.advice.setObjectName("advice")
        self.advice.setWordWrap(True)
        self.advice.hide()
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.sentence)
        layout.addWidget(self.advice)
        layout.addLayout(self.body)
        layout.addStretch(1)

    def busy(self, text: str) -> None:
        self.sentence.setText(text)
        _set_role(self.sentence, "info")
        self.advice.hide()

    def show_result(self, result: StepResult) -> None:
        self.sentence.setText(result.sentence_zh)
        _set_role(self.sentence, ROLE[result.status])
        self.advice.setText(result.advice_zh)
        self.advice.setVisible(bool(result.advice_zh))


class FirstRunWizard(QDialog):
    """The assistant. ``logged_in`` carries the LoginResult once the key login worked."""

    logged_in = Signal(object)  # LoginResult
    result_shown = Signal(object)  # StepResult (tests wait on it)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 usb_root: Path = SYSFS_USB, state_path: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.core = FirstRun(usb_root=usb_root, path=state_path, token_service=ctx.tokens)
        self.setObjectName("firstRunWizard")
        self.setWindowTitle(translate("FirstRunWizard", "首次使用向导"))
        self.catalogue: Catalogue | None = None
        self.modules: list[ModuleInfo] = []
        self.choices: list[KeyChoice] = []
        self.pin_op: PinOp[LoginOutcome] | None = None
        self.login_result: LoginResult | None = None
        self._busy = False

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

        self.pages = {step: StepPage(step) for step in STEPS}
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.stack.addWidget(page)
        self._build_environment()
        self._build_key()
        self._build_driver()
        self._build_certificate()
        self._build_login()

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

    # --- pages ------------------------------------------------------------------------------
    def _build_environment(self) -> None:
        page = self.pages["environment"]
        self.repair_button = QPushButton(translate("FirstRunWizard", "一键修复"))
        self.repair_button.setObjectName("firstRunRepair")
        self.repair_button.clicked.connect(self.open_repair)
        self.recheck_env = QPushButton(translate("FirstRunWizard", "重新检测"))
        self.recheck_env.setObjectName("recheckEnvironment")
        self.recheck_env.clicked.connect(lambda: self.go("environment"))
        row = QHBoxLayout()
        row.addWidget(self.repair_button)
        row.addWidget(self.recheck_env)
        row.addStretch(1)
        page.body.addLayout(row)
        self.repair_button.hide()

    def _build_key(self) -> None:
        self.recheck_key = QPushButton(translate("FirstRunWizard", "重新检测"))
        self.recheck_key.setObjectName("recheckKey")
        self.recheck_key.clicked.connect(lambda: self.go("key"))
        row = QHBoxLayout()
        row.addWidget(self.recheck_key)
        row.addStretch(1)
        self.pages["key"].body.addLayout(row)

    def _build_driver(self) -> None:
        page = self.pages["driver"]
        self.driver_label = QLabel()
        self.driver_label.setObjectName("recommendedDriver")
        self.driver_label.setWordWrap(True)
        self.install_button = QPushButton(translate("FirstRunWizard", "安装驱动"))
        self.install_button.setObjectName("installDriver")
        self.install_button.clicked.connect(self.install_driver)
        self.install_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.progress = QProgressBar()
        self.progress.setObjectName("driverProgress")
        row = QHBoxLayout()
        row.addWidget(self.install_button)
        row.addWidget(self.progress, 1)
        row.addStretch(0)
        page.body.addWidget(self.driver_label)
        page.body.addLayout(row)
        self.driver_label.hide()
        self.install_button.hide()
        self.progress.hide()
        self.driver_id = ""

    def _build_certificate(self) -> None:
        page = self.pages["certificate"]
        self.picker = QComboBox()
        self.picker.setObjectName("firstRunCertPicker")
        self.picker.setAccessibleName(translate("FirstRunWizard", "选择证书"))
        self.picker.currentIndexChanged.connect(self._on_pick)
        self.details = CertificatePanel()
        self.pin_change_button = QPushButton(translate("FirstRunWizard", "修改PIN码"))
        self.pin_change_button.setObjectName("firstRunChangePin")
        self.pin_change_button.clicked.connect(self.change_pin)
        self.pin_change_button.hide()
        page.body.addWidget(self.picker)
        page.body.addWidget(self.details)
        row = QHBoxLayout()
        row.addWidget(self.pin_change_button)
        row.addStretch(1)
        page.body.addLayout(row)

    def _build_login(self) -> None:
        page = self.pages["login"]
        self.login_key = QLabel()
        self.login_key.setObjectName("loginKey")
        self.login_key.setWordWrap(True)
        self.login_button = QPushButton(translate("FirstRunWizard", "用CA锁登录"))
        self.login_button.setObjectName("firstRunLogin")
        self.login_button.clicked.connect(self.login)
        row = QHBoxLayout()
        row.addWidget(self.login_button)
        row.addStretch(1)
        # remote activation: the certificate is not bound to an account yet
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
        # after a login with a default or weak PIN
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
        self.weak_change.clicked.connect(self.change_pin)
        self.weak_skip = QPushButton(translate("FirstRunWizard", "以后再说，进入系统"))
        self.weak_skip.setObjectName("weakPinSkip")
        self.weak_skip.clicked.connect(self.finish)
        weak.addWidget(note, 1)
        weak.addWidget(self.weak_change)
        weak.addWidget(self.weak_skip)
        self.weak_pin.hide()
        page.body.addWidget(self.login_key)
        page.body.addLayout(row)
        page.body.addWidget(self.activation)
        page.body.addWidget(self.weak_pin)

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
        getattr(self, f"_enter_{step}")()
        self._enable()

    @Slot()
    def next(self) -> None:
        index = STEPS.index(self.step)
        if index + 1 < len(STEPS) and not self._busy:
            self.go(STEPS[index + 1])

    @Slot()
    def back(self) -> None:
        index = STEPS.index(self.step)
        if index > 0 and not self._busy:
            self.go(STEPS[index - 1])

    @property
    def busy(self) -> bool:
        return self._busy

    def _enable(self) -> None:
        shown = self.core.state.results.get(self.step)
        last = self.step == "login"
        self.next_button.setVisible(not last)
        self.next_button.setEnabled(not self._busy and shown is not None and (
            shown.status != "failed" or self.step == "environment"))
        self.back_button.setEnabled(not self._busy and self.step != STEPS[0])
        for button in (self.recheck_env, self.recheck_key, self.repair_button, self.picker,
                       self.pin_change_button):
            button.setEnabled(not self._busy)
        self.install_button.setEnabled(not self._busy and bool(self.driver_id))
        self.login_button.setEnabled(not self._busy and self.current_key() is not None)
        self.activate_button.setEnabled(not self._busy)

    def _run(self, job: Callable[[], T], done: Callable[[T], None], text: str) -> None:
        """``job()`` on the pool while the page says ``text``; ``done(result)`` after."""
        self._busy = True
        self.pages[self.step].busy(text)
        self._enable()
        QueryOp(self, job, lambda r: self._finished(done, r)).failure(
            self._failed).run_in_background()

    def _finished(self, done: Callable[[T], None], value: T) -> None:
        self._busy = False
        done(value)
        self._enable()

    def _failed(self, error: HyError) -> None:
        self._busy = False
        page = self.pages[self.step]
        page.sentence.setText(translate("FirstRunWizard", "{message}（{code}）。").format(
            message=message(error.info), code=error.code))
        _set_role(page.sentence, "critical")
        page.advice.setText(advice(error.info))
        page.advice.setVisible(bool(advice(error.info)))
        self._enable()
        show_error(self, error)

    def _show(self, result: StepResult) -> None:
        self.pages[result.step].show_result(result)
        self._summarise(result)
        self.result_shown.emit(result)

    def _summarise(self, result: StepResult) -> None:
        label = self.step_sentences[result.step]
        label.setText(result.sentence_zh)
        _set_role(label, ROLE[result.status])

    # --- 1. environment ---------------------------------------------------------------------
    def _enter_environment(self) -> None:
        core = self.core
        self._run(lambda: core.check_environment(timeout=5.0), self._environment_checked,
                  translate("FirstRunWizard", "正在检查运行环境…"))

    def _environment_checked(self, result: StepResult) -> None:
        self._show(result)
        self.repair_button.setVisible("repair" in result.actions)

    @Slot()
    def open_repair(self) -> None:
        from .repair import RepairDialog

        dialog = RepairDialog(self.ctx, self, sections=("platform", "local"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self.go("environment"))
        dialog.open()

    # --- 2. the key -------------------------------------------------------------------------
    def _enter_key(self) -> None:
        ctx, core = self.ctx, self.core

        def job() -> tuple[Catalogue | None, StepResult]:
            try:
                catalogue = load_catalogue(ctx)
            except HyError:
                catalogue = None  # no catalogue at all: keys are still found through drivers
            return catalogue, core.check_key(catalogue)

        self._run(job, self._key_checked, translate("FirstRunWizard", "正在查找CA锁…"))

    def _key_checked(self, value: tuple[Catalogue | None, StepResult]) -> None:
        self.catalogue, result = value
        self._show(result)

    # --- 3. the driver ----------------------------------------------------------------------
    def _needed_driver(self) -> str:
        key = self.core.state.results.get("key")
        if key is None or not key.data.get("driver_needed"):
            return ""
        ids = [a.split(":", 1)[1] for a in key.actions if a.startswith("install_driver:")]
        return ids[0] if ids else ""

    def _enter_driver(self) -> None:
        self.driver_id = self._needed_driver()
        self.progress.hide()
        core, ctx = self.core, self.ctx
        if not self.driver_id:
            self.driver_label.hide()
            self.install_button.hide()
            catalogue = self.catalogue
            self._run(lambda: core.skip_driver(catalogue), self._show,
                      translate("FirstRunWizard", "正在检查驱动…"))
            return
        catalogue = self.catalogue

        def job() -> Catalogue:
            return catalogue if catalogue is not None else load_catalogue(ctx)

        self._run(job, self._driver_offered, translate("FirstRunWizard", "正在读取驱动目录…"))

    def _driver_offered(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        page = self.pages["driver"]
        try:
            entry = catalogue.get(self.driver_id)
        except HyError as exc:
            self.driver_id = ""
            self._failed(exc)
            return
        self.driver_label.setText(translate(
            "FirstRunWizard", "推荐驱动：{vendor} {version}（约 {size} KB，"
            "来自交易平台的签名驱动目录，下载后校验无误才会安装）。").format(
            vendor=_vendor(entry), version=entry.version, size=max(entry.size // 1024, 1)))
        self.driver_label.show()
        self.install_button.show()
        done = self.core.state.results.get("driver")
        if done is not None:
            self._show(done)
        else:
            page.sentence.setText(translate("FirstRunWizard", "尚未安装驱动：请点击“安装驱动”。"))
            _set_role(page.sentence, "warning")

    @Slot()
    def install_driver(self) -> None:
        if self.catalogue is None or not self.driver_id or self._busy:
            return
        from .pages.drivers import download_session

        core, ctx, catalogue, driver_id = self.core, self.ctx, self.catalogue, self.driver_id
        progress = on_main(self, self._on_progress)
        entry = catalogue.get(driver_id)

        def job() -> StepResult:
            with download_session(ctx.client) as session:
                # through the program's own service: the new driver joins it, no restart
                result = core.install_driver(catalogue, driver_id, session,
                                             progress=progress)
            ctx.reload_settings()  # the driver's module is registered in the config
            return result

        self.progress.setRange(0, max(entry.size, 1))
        self.progress.setValue(0)
        self.progress.show()
        self._run(job, self._driver_installed, translate(
            "FirstRunWizard", "正在下载并校验 {vendor} {version}…").format(
            vendor=_vendor(entry), version=entry.version))

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _driver_installed(self, result: StepResult) -> None:
        self._show(result)
        if result.status == "ok":
            self.progress.setValue(self.progress.maximum())
            self.driver_id = ""
            self.install_button.setEnabled(False)
            self.go("certificate")  # what it found stays in the step list

    # --- 4. the certificate -----------------------------------------------------------------
    def _enter_certificate(self) -> None:
        tokens = self.ctx.tokens
        self._busy = True
        self.pages["certificate"].busy(translate("FirstRunWizard", "正在读取CA锁中的证书…"))
        TokenOp(self, lambda: tokens.scan(refresh=True),
                lambda modules: self._finished(self._scanned, modules)).failure(
            self._failed).run_in_background()

    def _scanned(self, modules: list[ModuleInfo]) -> None:
        from hy_client.signin import login_candidates

        from . import state

        self.modules = modules
        self.choices = login_candidates(modules)
        # the last one used, else the first that is valid now
        keys.fill(self.picker, self.choices, state.last_certificate(), next(
            (i for i, c in enumerate(self.choices)
             if c.certificate.status in ("valid", "expiring")), 0))
        if not self.choices:
            tokens = [t for m in modules for t in m.tokens]
            if tokens:  # a key without a login certificate: the core says so
                self._run(lambda: self.core.check_certificate(tokens[0]), self._show,
                          translate("FirstRunWizard", "正在检查证书…"))
            else:
                page = self.pages["certificate"]
                page.sentence.setText(translate("FirstRunWizard", "{message}。").format(
                    message=message(errors.NO_TOKEN)))
                _set_role(page.sentence, "critical")
                page.advice.setText(advice(errors.NO_TOKEN))
                page.advice.show()
            self.details.set_certificate(None)
            return
        self._on_pick()

    def current_key(self) -> KeyChoice | None:
        return keys.picked(self.picker, self.choices)

    @Slot()
    def _on_pick(self, *_args: object) -> None:
        key = self.current_key()
        if key is None:
            return
        self.details.set_certificate(key.certificate)
        token = next(t for m in self.modules for t in m.tokens if t.serial == key.serial)
        core = self.core
        self._run(lambda: core.check_certificate(token, key.cert_id), self._certificate_checked,
                  translate("FirstRunWizard", "正在检查证书…"))

    def _certificate_checked(self, result: StepResult) -> None:
        self._show(result)
        self.pin_change_button.setVisible("change_pin" in result.actions)

    @Slot()
    def change_pin(self) -> None:
        key = self.current_key()
        if key is None:
            return
        self.pin_change_dialog = open_pin_change(self, self.ctx.tokens, key, self._pin_changed)

    def _pin_changed(self) -> None:
        page = self.pages[self.step]
        page.advice.setText(translate("FirstRunWizard", "PIN码已修改，请牢记新PIN码。"))
        _set_role(page.advice, "ok")
        page.advice.show()
        self.pin_change_button.hide()
        if self.login_result is not None:  # the offer after a login: done now
            self.finish()

    # --- 5. login ---------------------------------------------------------------------------
    def _enter_login(self) -> None:
        key = self.current_key()
        page = self.pages["login"]
        self.activation.hide()
        self.weak_pin.hide()
        if key is None:  # resumed here: read the keys first
            self.login_key.setText(translate("FirstRunWizard", "正在读取CA锁…"))
            tokens = self.ctx.tokens
            TokenOp(self, lambda: tokens.scan(), self._login_scanned).failure(
                self._failed).run_in_background()
            return
        cert = key.certificate
        self.login_key.setText(
            translate("FirstRunWizard", "将使用CA锁“{label}”中的证书：{name}").format(
                label=key.token_label, name=cert.subject_cn)
            + (translate("FirstRunWizard", "（{organization}）").format(
                organization=cert.organization) if cert.organization else ""))
        done = self.core.state.results.get("login")
        if done is not None and done.status != "ok":
            self._show(done)
        else:
            page.sentence.setText(translate(
                "FirstRunWizard", "请点击“用CA锁登录”，然后输入PIN码。"))
            _set_role(page.sentence, "info")
            page.advice.hide()

    def _login_scanned(self, modules: list[ModuleInfo]) -> None:
        from hy_client.signin import login_candidates

        self.modules, self.choices = modules, login_candidates(modules)
        self.picker.clear()
        for choice in self.choices:
            self.picker.addItem(f"{choice.token_label}（{choice.certificate.subject_cn}）")
        if self.choices:
            self._enter_login()
        else:
            self.login_key.setText(translate("FirstRunWizard", "{message}。{advice}").format(
                message=message(errors.NO_TOKEN), advice=advice(errors.NO_TOKEN)))
        self._enable()

    @property
    def pin_dialog(self) -> PinDialog | None:
        return self.pin_op.dialog if self.pin_op is not None else None

    @Slot()
    def login(self) -> None:
        key = self.current_key()
        if key is None or self._busy:
            return
        signin, tokens, core = self.ctx.signin, self.ctx.tokens, self.core

        def job(use: PinUse) -> LoginOutcome:
            secret = use.take()
            weak = secret is not None and FirstRun.offer_pin_change(secret)
            try:
                if use.pad:
                    signin.unlock(tokens, key, None)
                result = signin.ca_login(tokens, key, secret)
            except HyError as exc:
                return LoginOutcome(core.record_login(exc), error=exc)
            finally:
                del secret
            return LoginOutcome(core.record_login(None, result.account.username), result,
                                weak_pin=weak)

        def started(_use: PinUse) -> None:
            self._busy = True
            self.pages[self.step].busy(translate("FirstRunWizard", "正在用CA锁登录…"))
            self._enable()

        def cancelled() -> None:
            self._busy = False
            self._enable()

        self._busy = True
        self._enable()
        self.pin_op = PinOp(self, tokens, key.serial, key.token_label, job,
                            lambda r: self._finished(self._logged_in, r)).failure(
            self._failed).cancelled(cancelled).started(started).run()

    def _logged_in(self, outcome: LoginOutcome) -> None:
        from . import state

        self._show(outcome.step)
        if outcome.result is None:
            self.activation.setVisible("activate" in outcome.step.actions)
            if outcome.error is not None and "activate" not in outcome.step.actions:
                show_error(self, outcome.error)
            return
        key = self.current_key()
        if key is not None:
            state.remember_certificate(key.serial, key.cert_id)
        self.login_result = outcome.result
        self.ctx.account = outcome.result.account
        self.activation.hide()
        if outcome.weak_pin:
            self.login_button.hide()
            self.weak_pin.show()
            return
        self.finish()

    @Slot()
    def activate(self) -> None:
        key = self.current_key()
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()
        if key is None or self._busy:
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

        self._run(job, self._logged_in, translate("FirstRunWizard", "正在激活证书并登录…"))

    @Slot()
    def finish(self) -> None:
        """Logged in: hand the result to the application and close."""
        if self.login_result is None:
            return
        self.logged_in.emit(self.login_result)
        self.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.pin_op is not None:
            self.pin_op.cancel()
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
