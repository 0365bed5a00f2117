"""证书延期: the online renewal as a bidder sees it — the bids guard first, then each step with
its progress, a resumable failure, and the old key kept for the bids encrypted to it.

The core's ``RenewalFlow`` decides and does everything; this dialog renders its guard verdict
and its steps. The run is one job on the HTTP pool (it waits on the token thread for each
PKCS#11 step); the steps' states are written by that job and read here by a timer, as job
progress is everywhere in the GUI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hy_client import errors, renewal
from hy_client.errors import HyError
from hy_client.renewal_flow import (
    FINISHED,
    STAGE_EN,
    STAGE_ZH,
    STAGES,
    GuardVerdict,
    RenewalFlow,
    RenewalOutcome,
    Stage,
    Status,
)
from hy_client.renewal_journal import JournalStore, RenewalJournal, Step
from hy_client.signin import KeyChoice

from .context import AppContext
from .i18n import advice, english, message, translate
from .jobs import QueryOp, show_error
from .operations import PinOp, PinUse
from .theme import set_role
from .widgets.renewal import text as advice_text

_MARK = {"pending": "○", "running": "…", "done": "✓", "skipped": "✓", "waiting": "⏸",
         "failed": "✗"}
_ROLE = {"done": "ok", "skipped": "ok", "failed": "critical", "waiting": "warning",
         "running": "info"}


@dataclass(frozen=True)
class _Prepared:
    flow: RenewalFlow
    journal: RenewalJournal | None
    verdict: GuardVerdict | None  # None: an unfinished renewal resumes past the guard


# ``pin_op(job, success)``: the page's one PIN operation on the dialog's key, not yet run
PinOpFactory = Callable[[Callable[[PinUse], Any], Callable[[Any], None]], PinOp[Any]]


class RenewalDialog(QDialog):
    """One renewal of ``key``'s certificate. ``pin_op`` builds the page's one PIN operation
    (PIN dialog or PIN pad, then the job on the worker pool)."""

    renewed = Signal(object)  # RenewalOutcome
    failed = Signal(object)  # HyError
    prepared = Signal()

    def __init__(self, ctx: AppContext, key: KeyChoice,
                 pin_op: PinOpFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("renewalDialog")
        self.setWindowTitle(translate("RenewalDialog", "证书延期"))
        self.ctx, self.key, self._pin_op = ctx, key, pin_op
        self.flow: RenewalFlow | None = None
        self.verdict: GuardVerdict | None = None
        self.journal: RenewalJournal | None = None
        self._failure: HyError | None = None  # the run's, while its journal is read
        self._states: dict[Stage, Status] = {}  # replaced whole by the job, read by the timer
        self.running = False

        cert = key.certificate
        until = f"{cert.not_after:%Y-%m-%d}" if cert.not_after else "?"
        head = QLabel(translate("RenewalDialog", "证书“{name}”（CA锁“{label}”，有效期至 {date}）")
                      .format(name=cert.subject_cn, label=key.token_label, date=until))
        head.setWordWrap(True)
        self.verdict_label = QLabel(translate("RenewalDialog", "正在检查在投项目…"))
        self.verdict_label.setObjectName("renewalVerdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note = QLabel(translate(
            "RenewalDialog", "延期会在CA锁内生成新密钥。旧密钥和旧证书不会被删除：已用旧证书加密的"
            "投标文件开标时仍用旧密钥解密。"))
        note.setWordWrap(True)
        self.override = QCheckBox(translate(
            "RenewalDialog",
            "我已了解风险，仍然现在延期（旧密钥和旧证书保留在CA锁中，直到这些项目开标）"))
        self.override.setObjectName("overrideBids")
        self.override.hide()
        self.override.toggled.connect(self._enable)
        self.steps = QListWidget()
        self.steps.setObjectName("renewalSteps")
        for _stage in STAGES:
            self.steps.addItem(QListWidgetItem())
        self.steps.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.bar = QProgressBar()
        self.bar.setObjectName("renewalProgress")
        self.bar.setRange(0, len(STAGES))
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("renewalResult")
        self.outcome_label.setWordWrap(True)
        self.start_button = QPushButton(translate("RenewalDialog", "开始延期"))
        self.start_button.setObjectName("startRenewal")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.abandon_button = QPushButton(translate("RenewalDialog", "放弃未完成的延期"))
        self.abandon_button.setObjectName("abandonRenewal")
        self.abandon_button.clicked.connect(self.abandon)
        self.abandon_button.hide()
        close = QPushButton(translate("RenewalDialog", "关闭"))
        close.setObjectName("closeRenewal")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.abandon_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.override)
        layout.addWidget(note)
        layout.addWidget(self.steps)
        layout.addWidget(self.bar)
        layout.addWidget(self.outcome_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(640, 480)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._render_steps)
        self._render_steps()
        self.steps.setFixedHeight(self.steps.sizeHintForRow(0) * len(STAGES)
                                  + 2 * self.steps.frameWidth() + 8)
        self._enable()
        self._prepare()

    # --- guard --------------------------------------------------------------------------------
    def _prepare(self) -> None:
        client, tokens, key = self.ctx.client, self.ctx.tokens, self.key
        thresholds, progress = self.ctx.settings.renewal_thresholds, self._progress

        def job() -> _Prepared:
            store = JournalStore(client.origin, client.me().id)
            flow = RenewalFlow(client, tokens, store, progress=progress, thresholds=thresholds)
            journal = store.current()
            return _Prepared(flow, journal, None if journal is not None else flow.guard(key))

        QueryOp(self, job, self._prepared).failure(self._prepare_failed).run_in_background()

    def _prepared(self, prepared: _Prepared) -> None:
        self.flow, self.journal, self.verdict = prepared.flow, prepared.journal, prepared.verdict
        if self.journal is not None:
            self.verdict_label.setText(translate(
                "RenewalDialog",
                "上次的延期没有完成（已完成到：{step}）。继续延期将从中断处接着做，"
                "不会重复申请；也可以放弃（只删除上次生成的新密钥）。").format(
                step=self._step_name(self.journal.step)))
            set_role(self.verdict_label, "warning")
            self.abandon_button.show()
        elif self.verdict is not None:
            if self.verdict.allowed:
                self.verdict_label.setText(translate(
                    "RenewalDialog", "可以延期：{advice}").format(
                    advice=advice_text(self.verdict.advice)))
                set_role(self.verdict_label, "ok")
            else:
                self.verdict_label.setText(self._refusal_text(self.verdict))
                set_role(self.verdict_label, "critical")
                self.override.show()
        self._enable()
        self.prepared.emit()

    def _refusal_text(self, verdict: GuardVerdict) -> str:
        lines = [translate("RenewalDialog", "现在不能延期：{advice}").format(
            advice=advice_text(verdict.advice))]
        if verdict.at_risk:
            lines.append(translate("RenewalDialog",
                                   "以下投标文件用当前密钥加密，现在延期将导致开标时无法解密："))
            lines += [f"· {b.project_code} {b.project_name}"
                      f"（{translate('RenewalDialog', '开标')} "
                      f"{b.opening.astimezone(renewal.CHINA_TZ):%Y-%m-%d %H:%M}）"
                      for b in verdict.at_risk]
        return "\n".join(lines)

    def _prepare_failed(self, error: HyError) -> None:
        self.verdict_label.setText(translate(
            "RenewalDialog", "无法检查在投项目：{message}（{code}）").format(
            message=message(error.info), code=error.code))
        set_role(self.verdict_label, "critical")
        self.prepared.emit()

    def _enable(self) -> None:
        ready = self.flow is not None and not self.running and (
            self.journal is not None or (self.verdict is not None and (
                self.verdict.allowed or self.override.isChecked())))
        self.start_button.setEnabled(ready)
        self.abandon_button.setEnabled(not self.running)
        self.start_button.setText(translate("RenewalDialog", "继续延期") if self.journal
                                  else translate("RenewalDialog", "开始延期"))

    # --- the run ------------------------------------------------------------------------------
    def _progress(self, stage: Stage, status: Status) -> None:
        """Called on the job's thread: one dict replaced whole, read by the GUI timer."""
        self._states = {**self._states, stage: status}

    def start(self) -> None:
        flow = self.flow
        if flow is None:
            return
        signin, tokens, key = self.ctx.signin, self.ctx.tokens, self.key
        override = self.override.isChecked()

        def job(use: PinUse) -> RenewalOutcome:
            use.unlock(signin, tokens, key)
            return flow.run(key, override=override)

        self._pin_op(job, self._done).failure(self._failed).started(self._begin).run()

    def _begin(self, _use: PinUse) -> None:
        self.running = True
        self._states = {}
        self.outcome_label.clear()
        self._enable()
        self._timer.start()

    def _done(self, outcome: RenewalOutcome) -> None:
        self.running = False
        self._timer.stop()
        self._render_steps()
        cert = outcome.new_certificate
        until = f"{cert.not_after:%Y-%m-%d}" if cert and cert.not_after else "?"
        text = translate(
            "RenewalDialog",
            "延期完成（用时 {seconds:.1f} 秒）：新证书有效期至 {date}，平台已改用新证书登录。"
        ).format(seconds=outcome.seconds, date=until)
        if outcome.journal.kept_for_bids:
            text += translate("RenewalDialog", "旧密钥和旧证书保留在CA锁中，供 {n} 个未开标项目开标"
                              "解密，请勿删除。").format(n=len(outcome.journal.kept_for_bids))
        self.outcome_label.setText(text)
        set_role(self.outcome_label, "ok")
        self.journal = None
        self.abandon_button.hide()
        self.start_button.hide()
        self.override.hide()
        self.renewed.emit(outcome)

    def _failed(self, error: HyError) -> None:
        self._timer.stop()
        self._render_steps()
        if error.info is errors.RENEWAL_PENDING:
            text = translate("RenewalDialog", "{message}。{advice}").format(
                message=message(error.info), advice=advice(error.info))
            set_role(self.outcome_label, "warning")
        else:
            text = translate("RenewalDialog", "{message}（{code}）。旧证书仍可正常使用；{advice}"
                             ).format(message=message(error.info), code=error.code,
                                      advice=advice(error.info))
            set_role(self.outcome_label, "critical")
        self.outcome_label.setText(text)
        if self.flow is not None and error.info is not errors.RENEWAL_UNSAFE:
            # Resumable from where it stopped: the journal says. It is read off the GUI thread,
            # and the buttons stay as during the run until it is known.
            self._failure = error
            QueryOp(self, self.flow.store.current, self._journal_read).failure(
                self._journal_unreadable).run_in_background()
        else:
            self._settle(error)

    def _journal_read(self, journal: RenewalJournal | None) -> None:
        self.journal = journal
        self.abandon_button.setVisible(journal is not None)
        self._settle(self._failure)

    def _journal_unreadable(self, error: HyError) -> None:
        show_error(self, error)
        self._settle(self._failure)

    def _settle(self, failure: HyError | None) -> None:
        """The run is over: the buttons follow the journal; ``failed`` says how it ended."""
        self.running, self._failure = False, None
        self._enable()
        if failure is not None:
            self.failed.emit(failure)

    def abandon(self) -> None:
        flow = self.flow
        if flow is None:
            return
        signin, tokens, key = self.ctx.signin, self.ctx.tokens, self.key

        def job(use: PinUse) -> int:
            use.unlock(signin, tokens, key)
            return flow.abandon()

        self._pin_op(job, self._abandoned).failure(lambda e: show_error(self, e)).run()

    def _abandoned(self, _removed: int) -> None:
        self.journal = None
        self.abandon_button.hide()
        self.outcome_label.setText(
            translate("RenewalDialog", "已放弃未完成的延期；旧证书不受影响。"))
        set_role(self.outcome_label, "ok")
        self._states = {}
        self._render_steps()
        self._prepare()

    # --- rendering ----------------------------------------------------------------------------
    @staticmethod
    def _step_name(step: Step) -> str:
        stage = FINISHED[step]
        return STAGE_EN[stage] if english() else STAGE_ZH[stage]

    def _render_steps(self) -> None:
        states = self._states
        done = 0
        for i, stage in enumerate(STAGES):
            status = states.get(stage, "pending")
            name = STAGE_EN[stage] if english() else STAGE_ZH[stage]
            item = self.steps.item(i)
            item.setText(f"{_MARK[status]}  {i + 1}. {name}")
            item.setData(Qt.ItemDataRole.UserRole, status)
            done += status in ("done", "skipped")
        self.bar.setValue(done)

    def step_status(self, stage: Stage) -> str:
        return str(self.steps.item(STAGES.index(stage)).data(Qt.ItemDataRole.UserRole))
