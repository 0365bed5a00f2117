"""The 诊断 page: every check of ``hy_client.diagnostics`` with progress, findings section by
section with severity icons and advice, copy and save the (already redacted) report, and an
optional self-test with the PIN.

The run happens on the pool with the program's own TokenService and PlatformClient; each
finished probe comes back as a queued signal, so the list fills while the checks run.
``DiagnosticsWindow`` shows the same page from the login window (the user may not be able to
log in at all).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hy_client import webportal
from hy_client.diagnostics import (
    SECTIONS,
    SEVERITIES,
    SEVERITY_ZH,
    Finding,
    ProbeDone,
    Report,
    Severity,
    run_diagnostics,
)
from hy_client.diagnostics.report import render_text, summary_line, write_zip
from hy_client.errors import SUPPORT_PHONE, HyError
from hy_client.registry import system_registry
from hy_client.token.models import ModuleInfo, TokenFlags, TokenInfo, all_tokens

from ..context import AppContext
from ..dispatch import on_main
from ..i18n import message, translate
from ..jobs import QueryOp, TokenOp, show_error
from ..operations import PinOp, PinUse
from ..theme import set_role
from ..widgets.pin import PinDialog

_ICONS = {"ok": QStyle.StandardPixmap.SP_DialogApplyButton,
          "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
          "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
          "error": QStyle.StandardPixmap.SP_MessageBoxCritical}
_ROLE = {"ok": "ok", "info": "info", "warning": "warning", "error": "critical"}
# The findings are the core's (Chinese); the page around them is translated.
INTRO = str(QT_TRANSLATE_NOOP("DiagnosticsPage", "检查驱动、CA锁、证书、交易平台连接和本机设置。"
                              "报告中不含PIN码、密码和完整证件号，可放心发给技术支持（{phone}）。"))


def _worst(findings: Iterable[Finding]) -> Severity:
    return max((f.severity for f in findings), key=SEVERITIES.index, default="ok")


class DiagnosticsPage(QWidget):
    finished = Signal(object)  # Report
    probed = Signal(object)  # ProbeDone, each probe as it finishes (on the GUI thread)
    saved = Signal(str)  # the zip's path

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 autorun: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("diagnosticsPage")
        self.report: Report | None = None
        self.tokens: list[TokenInfo] = []
        self.pin_op: PinOp[Report] | None = None
        self._cancel: threading.Event | None = None
        self._sections: dict[str, QTreeWidgetItem] = {}

        title = QLabel(translate("DiagnosticsPage", "诊断"))
        title.setProperty("role", "title")
        intro = QLabel(translate("DiagnosticsPage", INTRO).format(phone=SUPPORT_PHONE))
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self.run_button = QPushButton(translate("DiagnosticsPage", "开始检测"))
        self.run_button.setObjectName("runDiagnostics")
        self.run_button.clicked.connect(lambda: self.run())
        self.cancel_button = QPushButton(translate("DiagnosticsPage", "停止"))
        self.cancel_button.setObjectName("cancelDiagnostics")
        self.cancel_button.clicked.connect(self.cancel)
        self.copy_button = QPushButton(translate("DiagnosticsPage", "复制报告"))
        self.copy_button.setObjectName("copyReport")
        self.copy_button.clicked.connect(self.copy_report)
        self.save_button = QPushButton(translate("DiagnosticsPage", "保存报告…"))
        self.save_button.setObjectName("saveReport")
        self.save_button.clicked.connect(self.save_report)
        self.repair_button = QPushButton(translate("DiagnosticsPage", "一键修复"))
        self.repair_button.setObjectName("openRepair")
        self.repair_button.clicked.connect(self.open_repair)
        # 撤销: put back the web portal's browser settings 一键修复 changed (Windows only).
        self.registry = system_registry()
        self.undo_possible = False  # 一键修复's journal, read on a worker by check_undo
        self.undo_web_button = QPushButton(translate("DiagnosticsPage", "撤销网页版浏览器设置"))
        self.undo_web_button.setObjectName("undoWebPortal")
        self.undo_web_button.setToolTip(translate(
            "DiagnosticsPage", "恢复一键修复之前的受信任站点、ActiveX 和 Edge IE 模式设置"))
        self.undo_web_button.clicked.connect(self.undo_web_portal)
        buttons = QHBoxLayout()
        for b in (self.run_button, self.cancel_button, self.copy_button, self.save_button,
                  self.repair_button, self.undo_web_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.token_picker = QComboBox()
        self.token_picker.setObjectName("selfTestToken")
        self.token_picker.setAccessibleName(translate("DiagnosticsPage", "自检的CA锁"))
        self.self_test_button = QPushButton(translate("DiagnosticsPage", "输入PIN码自检"))
        self.self_test_button.setObjectName("selfTestDiagnostics")
        self.self_test_button.setToolTip(translate(
            "DiagnosticsPage", "用PIN码登录一次，签名并解密，确认开标时能解密投标文件"))
        self.self_test_button.clicked.connect(self.self_test)
        self_test = QHBoxLayout()
        self_test.addWidget(QLabel(translate("DiagnosticsPage", "CA锁自检")))
        self_test.addWidget(self.token_picker, 1)
        self_test.addWidget(self.self_test_button)

        self.progress = QProgressBar()
        self.progress.setObjectName("diagnosticsProgress")
        self.status = QLabel(translate("DiagnosticsPage", "尚未检测"))
        self.status.setObjectName("diagnosticsStatus")
        self.status.setWordWrap(True)

        self.tree = QTreeWidget()
        self.tree.setObjectName("findings")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([translate("DiagnosticsPage", "检查项"),
                                   translate("DiagnosticsPage", "结果")])
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 320)
        self.tree.currentItemChanged.connect(self._on_current)
        self.details = QTextBrowser()
        self.details.setObjectName("findingDetails")
        self.details.setMaximumHeight(120)
        self.details.setPlaceholderText(
            translate("DiagnosticsPage", "选中一项，查看详情和处理建议"))

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addLayout(self_test)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.details)
        self.findings: list[Finding] = []
        self._items: list[QTreeWidgetItem] = []  # one per finding, same order
        self._enable()
        self.check_undo()
        if autorun:
            self.run()

    # --- state ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._cancel is not None

    def _enable(self) -> None:
        busy = self.running
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.copy_button.setEnabled(self.report is not None and not busy)
        self.save_button.setEnabled(self.report is not None and not busy)
        self.repair_button.setEnabled(not busy)
        self.undo_web_button.setVisible(self.registry is not None and self.undo_possible)
        self.undo_web_button.setEnabled(not busy)
        self.self_test_button.setEnabled(not busy and bool(self.tokens))
        self.token_picker.setEnabled(not busy and bool(self.tokens))

    # --- running ----------------------------------------------------------------------------
    def run(self) -> None:
        """All checks (the self-test, which needs the PIN, is ``self_test``)."""
        if self.running:
            return
        job = self._begin(None)
        QueryOp(self, lambda: job(None), self._done).failure(self._failed).run_in_background()

    def _begin(self, token: str | None) -> Callable[[str | None], Report]:
        """Clear the page for a run; the job to run, given the PIN or None."""
        ctx, probe_done = self.ctx, on_main(self, self._on_probe)
        cancel = self._cancel = threading.Event()

        def job(pin: str | None) -> Report:
            return run_diagnostics(ctx.settings, pin=pin, token=token, progress=probe_done,
                                   token_service=ctx.tokens, client=ctx.client, cancel=cancel)

        self.report = None
        self.findings = []
        self._items = []
        self.tree.clear()
        self.details.clear()
        self._sections = {}
        self.progress.setRange(0, 0)
        self.status.setText(translate("DiagnosticsPage", "正在检测…"))
        set_role(self.status, "info")
        self._enable()
        return job

    @Slot()
    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.status.setText(
                translate("DiagnosticsPage", "正在停止（当前这一项检查完成后停止）…"))

    def _section_item(self, section: str) -> QTreeWidgetItem:
        item = self._sections.get(section)
        if item is None:
            item = QTreeWidgetItem([SECTIONS.get(section, section), ""])
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            item.setData(0, Qt.ItemDataRole.UserRole, section)
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
            self._sections[section] = item
        return item

    def _icon(self, severity: str) -> QIcon:
        return self.style().standardIcon(_ICONS.get(severity, _ICONS["info"]))

    @Slot(object)
    def _on_probe(self, done: ProbeDone) -> None:
        if not self.running:
            return  # a late report of a run that was already delivered
        self.progress.setRange(0, done.total)
        self.progress.setValue(done.index)
        self.status.setText(translate(
            "DiagnosticsPage", "正在检测（{index}/{total}）：{title}").format(
            index=done.index, total=done.total, title=done.title_zh))
        parent = self._section_item(done.section)
        for finding in done.findings:
            self._add(parent, finding)
        self._section_icon(parent)
        self.probed.emit(done)

    def _add(self, parent: QTreeWidgetItem, finding: Finding) -> None:
        self.findings.append(finding)
        item = QTreeWidgetItem()
        self._items.append(item)
        title = finding.title_zh + (f"（{finding.code}）" if finding.code else "")
        text = finding.detail_zh
        if finding.advice_zh and finding.severity != "ok":
            text = f"{text}　建议：{finding.advice_zh}" if text else f"建议：{finding.advice_zh}"
        item.setText(0, title)
        item.setText(1, text)
        item.setIcon(0, self._icon(finding.severity))
        item.setToolTip(0, SEVERITY_ZH[finding.severity])
        item.setToolTip(1, text)
        item.setData(0, Qt.ItemDataRole.UserRole, finding)
        parent.addChild(item)

    def _section_icon(self, parent: QTreeWidgetItem) -> None:
        section = parent.data(0, Qt.ItemDataRole.UserRole)
        worst = _worst(f for f in self.findings if f.section == section)
        parent.setIcon(0, self._icon(worst))
        parent.setText(1, SEVERITY_ZH[worst] if worst != "ok" else "正常")

    @Slot()
    def _on_current(self, current: QTreeWidgetItem | None, *_args: object) -> None:
        finding = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        if not isinstance(finding, Finding):
            self.details.clear()
            return
        parts = [f"【{SEVERITY_ZH[finding.severity]}】{finding.title_zh}"
                 + (f"（错误代码 {finding.code}）" if finding.code else "")]
        if finding.detail_zh:
            parts.append(finding.detail_zh)
        if finding.advice_zh and finding.severity != "ok":
            parts.append(f"建议：{finding.advice_zh}")
        self.details.setPlainText("\n".join(parts))

    def _done(self, report: Report) -> None:
        self._cancel = None
        self.report = report
        # The report is the truth: rebuild from it (a late progress signal changes nothing).
        self.tree.clear()
        self._sections = {}
        self.findings = []
        self._items = []
        for finding in report.findings:
            self._add(self._section_item(finding.section), finding)
        for section in self._sections.values():
            self._section_icon(section)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        stopped = translate("DiagnosticsPage", "（已停止，结果不完整）") if report.cancelled else ""
        self.status.setText(summary_line(report) + stopped)
        set_role(self.status, _ROLE[report.worst])
        self._select_first_problem()
        self._enable()
        self.finished.emit(report)
        self._load_tokens()
        self.check_undo()

    def _select_first_problem(self) -> None:
        """The first of the worst findings, with its advice shown below the list."""
        worst = _worst(self.findings)
        if worst in ("warning", "error"):
            index = next(i for i, f in enumerate(self.findings) if f.severity == worst)
            self.tree.setCurrentItem(self._items[index])

    def _failed(self, error: HyError) -> None:
        self._cancel = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(translate("DiagnosticsPage", "{message}（{code}）").format(
            message=message(error.info), code=error.code))
        set_role(self.status, "critical")
        self._enable()
        show_error(self, error)

    def check_undo(self) -> None:
        """Whether 撤销 has web-portal settings to put back: the journal read on a worker."""
        if self.registry is not None:
            QueryOp(self, webportal.can_undo, self._undo_checked).run_in_background()

    def _undo_checked(self, possible: bool) -> None:
        self.undo_possible = possible
        self._enable()

    # --- self-test --------------------------------------------------------------------------
    def _load_tokens(self) -> None:
        tokens = self.ctx.tokens
        TokenOp(self, lambda: tokens.scan(), self._tokens_listed).failure(
            lambda _e: self._tokens_listed([])).run_in_background()

    def _tokens_listed(self, modules: list[ModuleInfo]) -> None:
        current = self.token_picker.currentData()
        self.tokens = all_tokens(modules)
        self.token_picker.clear()
        for t in self.tokens:
            self.token_picker.addItem(translate(
                "DiagnosticsPage", "{label}（{model}，序列号 {serial}）").format(
                label=t.label, model=t.model, serial=t.serial), t.serial)
        index = self.token_picker.findData(current)
        if index >= 0:
            self.token_picker.setCurrentIndex(index)
        self._enable()

    @property
    def pin_dialog(self) -> PinDialog | None:
        return self.pin_op.dialog if self.pin_op is not None else None

    @Slot()
    def self_test(self) -> None:
        """All checks plus the sign-and-decrypt self-test on the picked key (its PIN asked)."""
        serial = self.token_picker.currentData()
        token = next((t for t in self.tokens if t.serial == serial), None)
        if token is None or self.running:
            return
        run: list[Callable[[str | None], Report]] = []

        def started(_use: PinUse) -> None:
            run.append(self._begin(token.serial))

        def job(use: PinUse) -> Report:
            return run[0](use.take())

        self.pin_op = PinOp(self, self.ctx.tokens, token.serial, token.label, job, self._done,
                            purpose=translate("DiagnosticsPage", "进行CA锁自检")).failure(
            self._failed).without_pin(self._no_pin_here).started(started).run()

    def _no_pin_here(self, _flags: TokenFlags) -> bool:
        self.status.setText(translate(
            "DiagnosticsPage",
            "这把CA锁不在本程序中输入PIN码：请在“证书”页点击“检测我的CA锁”。"))
        set_role(self.status, "info")
        return False

    # --- the report -------------------------------------------------------------------------
    @Slot()
    def copy_report(self) -> None:
        if self.report is None:
            return
        QGuiApplication.clipboard().setText(render_text(self.report))
        self.status.setText(summary_line(self.report) + translate(
            "DiagnosticsPage", "。报告已复制，可粘贴到聊天窗口或邮件中。"))

    def default_report_path(self) -> str:
        folder = (QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DesktopLocation)
                  or QStandardPaths.writableLocation(
                      QStandardPaths.StandardLocation.HomeLocation))
        name = translate("DiagnosticsPage", "hy-client-诊断报告-{when}.zip").format(
            when=f"{datetime.now():%Y%m%d-%H%M}")
        return str(Path(folder) / name)

    @Slot()
    def save_report(self) -> None:
        report = self.report
        if report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, translate("DiagnosticsPage", "保存诊断报告"),
                                              self.default_report_path(),
                                              translate("DiagnosticsPage", "诊断报告") + " (*.zip)")
        if not path:
            return
        if not path.lower().endswith(".zip"):
            path += ".zip"
        QueryOp(self, lambda: str(write_zip(report, path)), self._saved).run_in_background()

    def _saved(self, path: str) -> None:
        self.status.setText(translate(
            "DiagnosticsPage", "报告已保存：{path}。请把这个文件发给技术支持（{phone}）。").format(
            path=path, phone=SUPPORT_PHONE))
        set_role(self.status, "ok")
        self.saved.emit(path)

    @Slot()
    def undo_web_portal(self) -> None:
        """撤销 on a worker (registry writes), then check again."""
        registry = self.registry
        if registry is None:
            return

        def done(restored: list[str]) -> None:
            self.status.setText(translate(
                "DiagnosticsPage", "已撤销网页版浏览器设置（{count} 项）").format(
                count=len(restored)))
            set_role(self.status, "ok")
            self.run()

        QueryOp(self, lambda: webportal.undo(registry), done).run_in_background()

    @Slot()
    def open_repair(self) -> QDialog:
        """一键修复; the checks run again when it is closed."""
        from ..repair import RepairDialog

        dialog = RepairDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self.run())
        dialog.open()
        return dialog

    def stop(self) -> None:
        self.cancel()


class DiagnosticsWindow(QDialog):
    """The page on its own, for the login window: works without an account."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagnosticsWindow")
        self.setWindowTitle(translate("DiagnosticsPage", "诊断"))  # Qt appends the app's name
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.page = DiagnosticsPage(ctx, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.page)
        self.resize(860, 640)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.page.stop()
        super().closeEvent(event)
