"""The step interface of the first-run assistant, and what the steps share.

Each step is one ``WizardStep``: its page (title, intro, the sentence its check found, the
advice, its own widgets), ``enter()`` to run its check when shown, ``set_enabled()`` for its
controls while the assistant is busy, and ``can_leave`` for 下一步. The wizard only moves between
steps (as Electrum's new-wallet wizard); the checks and their sentences are the core's
(``hy_client.firstrun.FirstRun``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hy_client.errors import HyError
from hy_client.firstrun import STEPS, FirstRun, Step, StepResult

from ..i18n import english, translate
from ..theme import set_role

if TYPE_CHECKING:
    from hy_client.drivers.catalogue import Catalogue, DriverEntry
    from hy_client.signin import KeyChoice, LoginResult
    from hy_client.token.models import ModuleInfo

    from ..context import AppContext

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


def vendor_name(entry: DriverEntry) -> str:
    return entry.vendor.en if english() and entry.vendor.en else entry.vendor.zh


def load_catalogue(ctx: AppContext) -> Catalogue:
    """The platform's signed driver catalogue when it can be fetched, else the one we hold."""
    from hy_client.drivers.store import catalogue_url_for

    from ..pages.drivers import catalogue_store, download_session

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


class Wizard(Protocol):
    """What a step may ask of the wizard that holds it (steps never reach each other)."""

    ctx: AppContext
    core: FirstRun
    catalogue: Catalogue | None
    login_result: LoginResult | None
    busy: bool

    def go(self, step: Step) -> None: ...
    def run(self, job: Callable[[], T], done: Callable[[T], None], text: str) -> None: ...
    def complete(self, done: Callable[[T], None], value: T) -> None: ...
    def failed(self, error: HyError) -> None: ...
    def show_result(self, result: StepResult) -> None: ...
    def enable(self) -> None: ...
    def change_pin(self) -> None: ...
    def finish(self) -> None: ...
    def current_key(self) -> KeyChoice | None: ...
    def needed_driver(self) -> str: ...
    def keys_listed(self, modules: list[ModuleInfo]) -> bool: ...


class WizardStep(QWidget):
    """One step of the assistant. Subclasses set ``step``, add their widgets to ``body`` in
    ``build`` and run their check in ``enter``."""

    step: ClassVar[Step]

    def __init__(self, wizard: Wizard) -> None:
        super().__init__()
        self.wizard = wizard
        self.ctx, self.core = wizard.ctx, wizard.core
        self.setObjectName(f"step_{self.step}")
        title = QLabel(step_title(self.step))
        title.setProperty("role", "title")
        intro = QLabel(translate("FirstRunWizard", INTRO[self.step]))
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
        self.build()

    # --- the interface ----------------------------------------------------------------------
    def build(self) -> None:
        """The step's own widgets, added to ``body``."""

    def enter(self) -> None:
        """Shown: run the step's check (on a worker, through ``run``)."""

    def set_enabled(self, enabled: bool) -> None:
        """The step's controls; off while any check runs."""

    @property
    def result(self) -> StepResult | None:
        return self.core.state.results.get(self.step)

    @property
    def can_leave(self) -> bool:
        """下一步 is allowed: the step was checked and did not fail."""
        return self.result is not None and self.result.status != "failed"

    # --- helpers ----------------------------------------------------------------------------
    def busy(self, text: str) -> None:
        self.sentence.setText(text)
        set_role(self.sentence, "info")
        self.advice.hide()

    def show_result(self, result: StepResult) -> None:
        self.sentence.setText(result.sentence_zh)
        set_role(self.sentence, ROLE[result.status])
        self.advice.setText(result.advice_zh)
        self.advice.setVisible(bool(result.advice_zh))

    def say(self, text: str, role: str, advice: str = "") -> None:
        """A sentence of the page's own (not a check's result)."""
        self.sentence.setText(text)
        set_role(self.sentence, role)
        self.advice.setText(advice)
        self.advice.setVisible(bool(advice))

    def run(self, job: Callable[[], T], done: Callable[[T], None], text: str) -> None:
        self.wizard.run(job, done, text)
