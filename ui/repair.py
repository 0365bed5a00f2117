"""一键修复: the repairs the diagnostics call for, what each will do, applied with progress.

The plan, the repairs and the check after are the core's (``hy_client.repair.run_repair``), run
on the pool with the program's own TokenService (a driver path added or removed takes effect
in it) and PlatformClient. Findings the client cannot fix are listed with the exact advice and
the support phone number.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hy_client.errors import SUPPORT_PHONE, HyError
from hy_client.repair import Repair, RepairProgress, RepairRun, run_repair

from .context import AppContext
from .dispatch import on_main
from .i18n import advice, message, translate
from .jobs import QueryOp, show_error
from .theme import set_role

INTRO = str(QT_TRANSLATE_NOOP(
    "RepairDialog", "先检测，再列出本程序能自动修复的问题和每项修复会做什么；"
    "无法自动修复的问题给出处理建议。技术支持电话：{phone}。"))
AUTOMATIC = str(QT_TRANSLATE_NOOP("RepairDialog", "可自动修复"))
MANUAL = str(QT_TRANSLATE_NOOP("RepairDialog", "需要您处理"))


class RepairDialog(QDialog):
    """Plan → the list with what each repair does → apply with progress → the results."""

    planned = Signal(object)  # RepairRun (dry run)
    repaired = Signal(object)  # RepairRun

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 sections: Iterable[str] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sections = tuple(sections) if sections is not None else None
        self.setObjectName("repairDialog")
        self.setWindowTitle(translate("RepairDialog", "一键修复"))
        self.plan: tuple[Repair, ...] = ()
        self.run: RepairRun | None = None
        self._busy = False

        intro = QLabel(translate("RepairDialog", INTRO).format(phone=SUPPORT_PHONE))
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self.status = QLabel(translate("RepairDialog", "正在检测…"))
        self.status.setObjectName("repairStatus")
        self.status.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("repairList")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([translate("RepairDialog", "问题"),
                                   translate("RepairDialog", "处理"),
                                   translate("RepairDialog", "结果")])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 220)
        self.tree.setColumnWidth(1, 360)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(self._on_current)
        self.details = QLabel(translate("RepairDialog", "选中一项，查看完整说明。"))
        self.details.setObjectName("repairDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setObjectName("repairProgress")
        self.progress.setRange(0, 0)
        self.apply_button = QPushButton(translate("RepairDialog", "开始修复"))
        self.apply_button.setObjectName("applyRepairs")
        self.apply_button.clicked.connect(self.apply)
        self.close_button = QPushButton(translate("RepairDialog", "关闭"))
        self.close_button.setObjectName("closeRepair")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.resize(860, 480)
        self._enable()
        self.diagnose()

    @Slot()
    def _on_current(self, current: QTreeWidgetItem | None, *_args: object) -> None:
        """The full text of a row (the list cuts long advice and paths short)."""
        if current is None:
            return
        self.details.setText(translate("RepairDialog", "{problem}：{action}（{result}）").format(
            problem=current.text(0), action=current.text(1), result=current.text(2)))

    def _select_first(self) -> None:
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)

    def _enable(self) -> None:
        self.apply_button.setEnabled(not self._busy and any(r.automatic for r in self.plan))
        self.close_button.setEnabled(not self._busy)

    # --- plan -------------------------------------------------------------------------------
    @Slot()
    def diagnose(self) -> None:
        ctx, sections = self.ctx, self.sections
        self._busy = True
        self.status.setText(translate("RepairDialog", "正在检测…"))
        set_role(self.status, "info")
        self.progress.setRange(0, 0)
        self._enable()
        QueryOp(self, lambda: run_repair(dry_run=True, sections=sections,
                                         token_service=ctx.tokens, client=ctx.client),
                self._planned).failure(self._failed).run_in_background()

    def _planned(self, run: RepairRun) -> None:
        self._busy = False
        self.plan = run.plan
        self.tree.clear()
        for repair in run.plan:
            item = QTreeWidgetItem([repair.title_zh + (f"（{repair.code}）" if repair.code else ""),
                                    repair.what_zh,
                                    translate("RepairDialog",
                                              AUTOMATIC if repair.automatic else MANUAL)])
            item.setIcon(0, self.style().standardIcon(
                QStyle.StandardPixmap.SP_BrowserReload if repair.automatic
                else QStyle.StandardPixmap.SP_MessageBoxWarning))
            item.setToolTip(1, repair.what_zh)
            item.setData(0, Qt.ItemDataRole.UserRole, repair)
            self.tree.addTopLevelItem(item)
        automatic = [r for r in run.plan if r.automatic]
        self.progress.setRange(0, max(len(automatic), 1))
        self.progress.setValue(0)
        if not run.plan:
            self.status.setText(translate("RepairDialog", "未发现需要修复的问题。"))
            set_role(self.status, "ok")
        elif automatic:
            self.status.setText(translate(
                "RepairDialog", "可自动修复 {automatic} 项，另有 {manual} 项需要您处理。"
                "点击“开始修复”。").format(automatic=len(automatic),
                                          manual=len(run.plan) - len(automatic)))
            set_role(self.status, "warning")
        else:
            self.status.setText(translate(
                "RepairDialog", "没有可自动修复的问题；请按建议处理，或致电技术支持 {phone}。"
            ).format(phone=SUPPORT_PHONE))
            set_role(self.status, "warning")
        self._select_first()
        self._enable()
        self.planned.emit(run)

    # --- apply ------------------------------------------------------------------------------
    @Slot()
    def apply(self) -> None:
        if self._busy or not any(r.automatic for r in self.plan):
            return
        ctx, sections = self.ctx, self.sections
        progress = on_main(self, self._on_progress)
        self._busy = True
        self.status.setText(translate("RepairDialog", "正在修复…"))
        set_role(self.status, "info")
        self._enable()
        def job() -> RepairRun:
            run = run_repair(sections=sections, token_service=ctx.tokens, client=ctx.client,
                             progress=progress)
            ctx.reload_settings()  # a repair may have changed the config
            return run

        QueryOp(self, job, self._repaired).failure(self._failed).run_in_background()

    @Slot(object)
    def _on_progress(self, done: RepairProgress) -> None:
        self.progress.setRange(0, done.total)
        self.progress.setValue(done.index)
        self.status.setText(translate(
            "RepairDialog", "正在修复（{index}/{total}）：{title}").format(
            index=done.index, total=done.total, title=done.result.repair.title_zh))

    def _repaired(self, run: RepairRun) -> None:
        self._busy = False
        self.run = run
        self.plan = ()
        self.tree.clear()
        for result in run.results:
            gone = result.ok and result.cleared is not False
            item = QTreeWidgetItem([result.repair.title_zh, result.message_zh,
                                    translate("RepairDialog", "已修复") if gone
                                    else translate("RepairDialog", "未修复")])
            item.setIcon(0, self.style().standardIcon(
                QStyle.StandardPixmap.SP_DialogApplyButton if gone
                else QStyle.StandardPixmap.SP_MessageBoxCritical))
            item.setToolTip(1, result.message_zh)
            item.setData(0, Qt.ItemDataRole.UserRole, result)
            self.tree.addTopLevelItem(item)
        for manual in run.advice:
            item = QTreeWidgetItem([manual.title_zh, manual.what_zh,
                                    translate("RepairDialog", MANUAL)])
            item.setIcon(0, self.style().standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxWarning))
            item.setToolTip(1, manual.what_zh)
            self.tree.addTopLevelItem(item)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        if run.fixed_all:
            self.status.setText(
                translate("RepairDialog", "已修复 {n} 项。").format(n=len(run.results))
                + (translate("RepairDialog", "其余问题请按建议处理。") if run.advice else ""))
            set_role(self.status, "ok")
        else:
            self.status.setText(translate(
                "RepairDialog", "部分问题未能修复，请按提示处理，或致电技术支持 {phone}。"
            ).format(phone=SUPPORT_PHONE))
            set_role(self.status, "critical")
        self._select_first()
        self._enable()
        self.repaired.emit(run)

    def _failed(self, error: HyError) -> None:
        self._busy = False
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(translate("RepairDialog", "{message}（{code}）。{advice}").format(
            message=message(error.info), code=error.code, advice=advice(error.info)))
        set_role(self.status, "critical")
        self._enable()
        show_error(self, error)
