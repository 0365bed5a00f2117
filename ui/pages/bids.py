"""投标准备: the bidder's open bids with deadline, opening, the certificate the bid needs at the
opening and its readiness state, and a self-test (sign, and decrypt for RSA) per bid.

The rows are the core's (``hy_client.readiness.check``: bids from the platform, certificates
from the plugged keys, the stored self-tests); the self-test is ``readiness.run_self_test``.
Both run off the GUI thread; the PIN goes to one job and is dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hy_client import readiness
from hy_client.errors import HyError
from hy_client.readiness import BidReadiness, ReadinessReport, SelfTestOutcome
from hy_client.renewal import LEVELS
from hy_client.token.models import all_tokens

from ..context import AppContext
from ..i18n import advice, message, translate
from ..jobs import QueryOp, show_error
from ..operations import PinOp, PinUse
from ..theme import LEVEL_COLOR, set_role
from ..widgets.pin import PinDialog
from ..widgets.renewal import text as renewal_text

COLUMNS = (str(QT_TRANSLATE_NOOP("BidsPage", "项目")),
           str(QT_TRANSLATE_NOOP("BidsPage", "投标截止")),
           str(QT_TRANSLATE_NOOP("BidsPage", "开标时间")),
           str(QT_TRANSLATE_NOOP("BidsPage", "开标时需要的证书")),
           str(QT_TRANSLATE_NOOP("BidsPage", "准备状态")), "")
SUMMARY = {"ok": str(QT_TRANSLATE_NOOP("BidsPage", "所有投标都已就绪。")),
           "warning": str(QT_TRANSLATE_NOOP("BidsPage", "有投标需要处理：请插入CA锁并运行自检。")),
           "critical": str(QT_TRANSLATE_NOOP(
               "BidsPage", "有投标在开标时可能无法解密：请立即按建议处理。"))}


def store_of(ctx: AppContext) -> readiness.ReadinessStore:
    """The logged-in account's readiness store (on a worker: may ask the platform who)."""
    account_id = ctx.account.id if ctx.account is not None else ctx.client.me().id
    return readiness.ReadinessStore.for_account(ctx.client.origin, account_id)


class BidsPage(QWidget):
    checked = Signal(object)  # ReadinessReport
    self_tested = Signal(object)  # SelfTestOutcome

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("bidsPage")
        self.report: ReadinessReport | None = None
        self.pin_op: PinOp[SelfTestOutcome] | None = None
        self._busy = False
        title = QLabel(translate("BidsPage", "投标准备"))
        title.setProperty("role", "title")
        intro = QLabel(translate(
            "BidsPage", "投标文件在开标时要用加密它的那张证书解密。开标前请插入CA锁运行自检；"
            "开标前不要办理证书延期（延期会更换密钥）。"))
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self.refresh_button = QPushButton(translate("BidsPage", "刷新"))
        self.refresh_button.setObjectName("refreshBids")
        self.refresh_button.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(intro, 1)
        head.addWidget(self.refresh_button)
        self.renewal = QLabel()
        self.renewal.setObjectName("bidsRenewal")
        self.renewal.setWordWrap(True)
        self.renewal.hide()
        self.status = QLabel(translate("BidsPage", "正在读取投标和CA锁…"))
        self.status.setObjectName("bidsStatus")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("bidsTable")
        self.table.setHorizontalHeaderLabels(
            [translate("BidsPage", c) if c else "" for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_select)
        self.advice = QLabel(translate("BidsPage", "选中一项投标，查看处理建议。"))
        self.advice.setObjectName("bidAdvice")
        self.advice.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(head)
        layout.addWidget(self.renewal)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.advice)
        self.refresh()

    @property
    def rows(self) -> tuple[BidReadiness, ...]:
        return self.report.rows if self.report is not None else ()

    @property
    def busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.refresh_button.setEnabled(not busy)
        for button in self.findChildren(QPushButton, "bidSelfTest"):
            button.setEnabled(not busy and bool(button.property("serial")))

    @Slot()
    def refresh(self) -> None:
        if self._busy:
            return
        ctx = self.ctx
        account_id = ctx.account.id if ctx.account is not None else None  # None: check asks
        self._set_busy(True)
        QueryOp(self, lambda: readiness.check(ctx.client, ctx.tokens, settings=ctx.settings,
                                              account_id=account_id),
                self._checked).failure(self._failed).run_in_background()

    def _failed(self, error: HyError) -> None:
        self._set_busy(False)
        self.status.setText(translate("BidsPage", "{message}（{code}）。{advice}").format(
            message=message(error.info), code=error.code, advice=advice(error.info)))
        set_role(self.status, "critical")

    def _checked(self, report: ReadinessReport) -> None:
        self.report = report
        # the keys' renewal advice, the same the banner and the 证书 page show
        needing = [a for a in report.renewal if a.bid_ids]  # the keys these bids depend on
        self.renewal.setText("<br>".join(
            translate("BidsPage", "证书延期（{name}）：{advice}").format(
                name=a.subject_cn, advice=renewal_text(a)) for a in needing))
        self.renewal.setVisible(bool(needing))
        if needing:
            set_role(self.renewal, max((a.level for a in needing), key=LEVELS.index))
        self.table.setRowCount(len(report.rows))
        for i, row in enumerate(report.rows):
            cells = (f"{row.project_name}（{row.project_code}）", row.deadline_zh,
                     row.opening_zh, row.certificate_zh, row.state_zh)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(row.advice_zh)
                item.setData(Qt.ItemDataRole.UserRole, row.bid_id)
                if col == 4:
                    item.setForeground(LEVEL_COLOR[row.level])
                self.table.setItem(i, col, item)
            button = QPushButton(translate("BidsPage", "自检"))
            button.setObjectName("bidSelfTest")
            button.setToolTip(translate(
                "BidsPage", "用这张证书签名并解密一次，确认开标时能解密投标文件"))
            button.setProperty("serial", row.token_serial)
            button.clicked.connect(lambda _c=False, r=row: self.self_test(r))
            self.table.setCellWidget(i, 5, button)
        self.table.resizeRowsToContents()
        if not report.rows:
            self.status.setText(translate("BidsPage", "没有尚未开标的投标。"))
            set_role(self.status, "info")
        else:
            text = translate("BidsPage", SUMMARY[report.worst])
            if not report.tokens_read:
                text += translate("BidsPage", "（未能读取CA锁）")
            self.status.setText(translate("BidsPage", "共 {n} 个投标尚未开标。{summary}").format(
                n=len(report.rows), summary=text))
            set_role(self.status, report.worst)
        self._set_busy(False)
        self._on_select()
        self.checked.emit(report)

    @Slot()
    def _on_select(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.rows:
            return
        row = self.rows[rows[0].row()]
        self.advice.setText(translate("BidsPage", "【{state}】{advice}").format(
            state=row.state_zh, advice=row.advice_zh))
        set_role(self.advice, row.level)

    # --- self-test --------------------------------------------------------------------------
    @property
    def pin_dialog(self) -> PinDialog | None:
        return self.pin_op.dialog if self.pin_op is not None else None

    def self_test(self, row: BidReadiness) -> None:
        if self._busy or not row.token_serial:
            return
        service = self.ctx.tokens

        def job(use: PinUse) -> SelfTestOutcome:
            tokens = all_tokens(service.scan().result(60))
            sha = row.cert_sha256 or next(
                (c.sha256 for t in tokens if t.serial == row.token_serial
                 for c in t.certificates if c.id == row.cert_id), "")
            return readiness.run_self_test(service, tokens, sha, use.take(),
                                           store=store_of(self.ctx))

        def started(_use: PinUse) -> None:
            self.status.setText(translate("BidsPage", "正在自检（签名并解密）…"))
            set_role(self.status, "info")

        self._set_busy(True)
        self.pin_op = PinOp(self, service, row.token_serial, None, job, self._tested,
                            purpose=translate("BidsPage", "进行开标解密自检")).failure(
            self._test_failed).cancelled(lambda: self._set_busy(False)).started(
            started).run()

    def _tested(self, outcome: SelfTestOutcome) -> None:
        self._set_busy(False)
        self.self_tested.emit(outcome)
        if outcome.error is not None:
            show_error(self, outcome.error)
        self.refresh()

    def _test_failed(self, error: HyError) -> None:
        self._set_busy(False)
        show_error(self, error)
