"""基本信息, 企业资质 and 职业人员: one editor (form + 电子件 + save/submit) over ``RecordFlows``.

The flows (draft first, idempotent submit) are the core's; the editor shows their state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hy_client import forms, records, renewal
from hy_client.api import models
from hy_client.api.upload import CancelToken
from hy_client.errors import HyError, ValidationError
from hy_client.records import FormState, Kind, RecordFlows, form_key, spec_name_for

from ..i18n import english, field_label, translate
from ..jobs import QueryOp, show_error
from ..theme import LEVEL_COLOR
from ..widgets.form import FormWidget
from ..widgets.renewal import text as renewal_text

# Shown through translate("Records", …); QT_TRANSLATE_NOOP lists them for the .ts.
STATUS_ZH = {
    "draft": str(QT_TRANSLATE_NOOP("Records", "草稿（未提交）")),
    "submitted": str(QT_TRANSLATE_NOOP("Records", "已提交，等待审核")),
    "approved": str(QT_TRANSLATE_NOOP("Records", "审核通过")),
    "rejected": str(QT_TRANSLATE_NOOP("Records", "已退回")),
}
KIND_TITLE = {
    "profile": str(QT_TRANSLATE_NOOP("Records", "基本信息")),
    "qualification": str(QT_TRANSLATE_NOOP("Records", "企业资质")),
    "personnel": str(QT_TRANSLATE_NOOP("Records", "职业人员")),
}


def _status(status: str) -> str:
    return translate("Records", STATUS_ZH[status])


def _kind(kind: str) -> str:
    return translate("Records", KIND_TITLE[kind])


class RecordEditor(QWidget):
    """Edits one record; ``submitted`` carries the platform's answer after 提交审核."""

    submitted = Signal(object)  # models.Record
    saved = Signal(object)  # models.Record
    loaded = Signal()
    opened = Signal(object)  # Path: a 电子件 handed to the system viewer

    def __init__(self, flows: RecordFlows, kind: Kind, account_kind: models.AccountKind,
                 record_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flows, self.kind, self.record_id = flows, kind, record_id
        self.key = form_key(kind, record_id)
        self.record: models.Record | None = None
        self.setObjectName(f"editor_{kind}")
        self.status = QLabel(translate("Records", "正在读取…"))
        self.status.setObjectName("statusBadge")
        self.reason = QLabel()
        self.reason.setObjectName("rejectReason")
        self.reason.setProperty("role", "critical")
        self.reason.setWordWrap(True)
        self.reason.hide()
        self.form = FormWidget(spec_name_for(kind, account_kind), store=flows.drafts,
                               form_key=self.key)
        self.attachments = QListWidget()
        self.attachments.setObjectName("attachments")
        self.attachments.setMaximumHeight(90)
        self.attachments.currentRowChanged.connect(lambda _r: self._update_actions())
        self.attachments.itemDoubleClicked.connect(lambda _i: self.open_attachment())
        self.attach_button = QPushButton(translate("Records", "添加电子件…"))
        self.attach_button.setObjectName("attach")
        self.attach_button.clicked.connect(self.choose_attachment)
        self.open_button = QPushButton(translate("Records", "打开"))
        self.open_button.setObjectName("openAttachment")
        self.open_button.clicked.connect(self.open_attachment)
        self.remove_button = QPushButton(translate("Records", "删除"))
        self.remove_button.setObjectName("removeAttachment")
        self.remove_button.clicked.connect(self.remove_attachment)
        self.modify_button = QPushButton(translate("Records", "修改"))
        self.modify_button.setObjectName("modify")
        self.modify_button.setToolTip(translate("Records", records.RESUBMIT_NOTE_ZH))
        self.modify_button.clicked.connect(self.modify)
        self.modify_button.hide()
        self.hint = QLabel()
        self.hint.setObjectName("actionHint")
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        self._unlocked = False  # an approved record the user chose to change
        self._busy = True
        self.save_button = QPushButton(translate("Records", "保存草稿"))
        self.save_button.setObjectName("saveDraft")
        self.save_button.clicked.connect(self.save)
        self.submit_button = QPushButton(translate("Records", "提交审核"))
        self.submit_button.setObjectName("submit")
        self.submit_button.clicked.connect(self.submit)
        top = QHBoxLayout()
        top.addWidget(QLabel(translate("Records", "状态：")))
        top.addWidget(self.status)
        top.addStretch(1)
        files = QHBoxLayout()
        files.addWidget(QLabel(translate("Records", "电子件（PDF、JPG、PNG，单个不超过20MB）")))
        files.addStretch(1)
        files.addWidget(self.open_button)
        files.addWidget(self.remove_button)
        files.addWidget(self.attach_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.modify_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.submit_button)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.form)
        inner.addLayout(files)
        inner.addWidget(self.attachments)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.reason)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self._set_busy(True)

    # --- loading ----------------------------------------------------------------------------
    def load(self) -> None:
        flows, kind, record_id = self.flows, self.kind, self.record_id

        def job() -> tuple[models.ReferenceLists, FormState | None]:
            refs = flows.references()
            if kind != "profile" and record_id is None:
                return refs, None
            return refs, flows.open(kind, record_id, key=self.key)

        QueryOp(self, job, self._loaded).failure(self._load_failed).run_in_background()

    def _loaded(self, result: tuple[models.ReferenceLists, FormState | None]) -> None:
        refs, state = result
        self.form.set_references(refs)
        if state is not None:
            self.record = state.record
            shown = state.record.data if state.record is not None else {}
            if state.draft is not None and state.record is not None and not self.form.ask_restore(
                    state.draft, shown, state.foreign_identity):
                key, flows = self.key, self.flows
                QueryOp(self, lambda: flows.discard(key)).run_in_background()
                self.form.set_values(shown)
            else:
                self.form.set_values(state.data)
            if state.draft is not None:
                self.form.set_record_id(state.draft.record_id)
            elif state.record is not None and self.kind != "profile":
                self.form.set_record_id(state.record.id)
        self._show_record(self.record)
        self._set_busy(False)
        self.loaded.emit()

    def _load_failed(self, error: HyError) -> None:
        self.status.setText(translate("Records", "读取失败"))
        self._set_busy(False)
        show_error(self, error)

    def _show_record(self, record: models.Record | None) -> None:
        status = record.status if record is not None else "draft"
        self.status.setText(_status(status))
        self.status.setProperty("status", status)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        reason = record.reject_reason if record is not None and status == "rejected" else ""
        self.reason.setText(translate("Records", "退回原因：{reason}").format(reason=reason)
                            if reason else "")
        self.reason.setVisible(bool(reason))
        self.attachments.clear()
        for a in record.attachments if record is not None else []:
            self.attachments.addItem(translate("Records", "{name}（{size}）").format(
                name=a.filename, size=records.human_size(a.size)))
        if status != "approved":
            self._unlocked = False
        self._update_actions()

    def refusals(self) -> dict[str, str]:
        """Why each action is off now (shown as its tooltip and under the form); the core's
        rule for the record's state, plus the explicit 修改 step for an approved record."""
        status = self.record.status if self.record is not None else None
        out: dict[str, str] = {}
        for action in ("edit", "submit"):
            refused = records.refusal(status, action)
            if refused is not None:
                out[action] = refused[1] if english() else refused[0]
        if records.needs_resubmit(status, "edit") and not self._unlocked:
            out["edit"] = translate(
                "Records", "已审核通过：如需修改，请先点“修改”（{note}）").format(
                note=translate("Records", records.RESUBMIT_NOTE_ZH))
        if status == "approved" and self._unlocked:
            out.pop("submit", None)  # the change goes back to review
        return out

    def _update_actions(self) -> None:
        off = self.refusals()
        edit, submit = off.get("edit"), off.get("submit")
        busy = self._busy
        for button, reason in ((self.save_button, edit), (self.attach_button, edit),
                               (self.submit_button, submit)):
            button.setEnabled(not busy and reason is None)
            button.setToolTip(reason or "")
        picked = self.attachments.currentRow() >= 0
        self.open_button.setEnabled(not busy and picked)
        self.remove_button.setEnabled(not busy and picked and edit is None)
        self.remove_button.setToolTip(edit or "")
        status = self.record.status if self.record is not None else None
        self.modify_button.setVisible(status == "approved" and not self._unlocked)
        self.modify_button.setEnabled(not busy)
        self.form.set_read_only(edit is not None)
        reason = edit or submit
        self.hint.setText(reason or "")
        self.hint.setVisible(bool(reason))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_actions()

    def modify(self) -> None:
        """Changing an approved record: an explicit step, confirmed ("修改后需重新提交审核")."""
        answer = QMessageBox.question(
            self, translate("Records", "修改已审核通过的记录"),
            translate("Records", "修改后需重新提交审核：保存修改或增删电子件后，平台上的这条记录"
                      "将变为草稿，重新审核通过前以审核结果为准。是否修改？"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self._unlocked = True
            self._update_actions()

    def current_attachment(self) -> models.Attachment | None:
        row = self.attachments.currentRow()
        listed = self.record.attachments if self.record is not None else []
        return listed[row] if 0 <= row < len(listed) else None

    def open_attachment(self) -> None:
        """Download to a temp file (on a worker), then the system viewer shows it."""
        attachment = self.current_attachment()
        if attachment is None:
            return
        flows = self.flows
        QueryOp(self, lambda: flows.open_attachment(attachment), self._downloaded).failure(
            lambda e: show_error(self, e)).with_progress(
            translate("Records", "正在下载电子件…")).run_in_background()

    def _downloaded(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        self.opened.emit(path)

    def remove_attachment(self) -> None:
        attachment = self.current_attachment()
        if attachment is None or "edit" in self.refusals():
            return
        answer = QMessageBox.question(
            self, translate("Records", "删除电子件"),
            translate("Records", "删除电子件“{name}”？").format(name=attachment.filename),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._run(lambda flows, key: flows.detach(key, attachment.id),
                  translate("Records", "正在删除电子件…"), self._saved)

    # --- actions ----------------------------------------------------------------------------
    def save(self) -> None:
        if self.form.validate(partial=True):
            return
        self._run(lambda flows, key: flows.save_remote(key), translate("Records", "正在保存…"),
                  self._saved)

    def submit(self) -> None:
        if self.form.validate():
            return
        self._run(lambda flows, key: flows.submit(key), translate("Records", "正在提交审核…"),
                  self._submitted)

    def _run(self, action: object, label: str, done: object) -> None:
        flows, key, spec = self.flows, self.key, self.form.spec.name
        data, record_id = self.form.values(), self._record_id()

        def job() -> models.Record:
            flows.edit(key, spec, data, record_id=record_id)  # the shown text is the draft
            return action(flows, key)  # type: ignore[operator]

        self._set_busy(True)
        QueryOp(self, job, done).failure(self._failed).with_progress(  # type: ignore[arg-type]
            label).run_in_background()

    def _record_id(self) -> int | None:
        if self.kind == "profile":
            return None
        return self.record.id if self.record is not None else self.record_id

    def _saved(self, record: models.Record) -> None:
        self._after(record)
        self.saved.emit(record)

    def _submitted(self, record: models.Record) -> None:
        self._after(record)
        self.submitted.emit(record)

    def _after(self, record: models.Record) -> None:
        self.record = record
        if self.kind != "profile":
            self.record_id = record.id
            self.form.set_record_id(record.id)
        self._show_record(record)
        self._set_busy(False)

    def _failed(self, error: HyError) -> None:
        self._set_busy(False)
        if isinstance(error, ValidationError):
            self.form.show_errors(error.errors)
        show_error(self, error)

    def choose_attachment(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, translate("Records", "选择电子件"), "",
            translate("Records", "电子件") + " (*.pdf *.jpg *.jpeg *.png)")
        if path:
            self.attach(path)

    def attach(self, path: str) -> None:
        flows, key, spec = self.flows, self.key, self.form.spec.name
        data, record_id = self.form.values(), self._record_id()
        cancel = CancelToken()

        def job() -> models.Record:
            flows.edit(key, spec, data, record_id=record_id)
            return flows.attach(key, path, progress=op.report, cancel=cancel)

        op = QueryOp(self, job, self._after)
        self._set_busy(True)
        op.failure(self._failed).with_progress(translate("Records", "正在上传电子件…"),
                                                    cancel).run_in_background()


class ProfilePage(QWidget):
    def __init__(self, flows: RecordFlows, account: models.Account,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profilePage")
        self.editor = RecordEditor(flows, "profile", account.kind)
        layout = QVBoxLayout(self)
        title = QLabel(translate("Records", "基本信息"))
        title.setProperty("role", "title")
        layout.addWidget(title)
        hint = QLabel(translate("Records", "投标人提交后即审核通过；代理机构需市场主体科审核。"))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.editor, 1)
        self.editor.load()


# Columns shown in the list: field keys of the kind's spec (its labels are the headings).
COLUMNS: dict[str, tuple[str, ...]] = {
    "qualification": ("qual_type", "grade", "cert_no", "expires_on"),
    "personnel": ("name", "title", "cert_kind", "expires_on"),
}


class RecordDialog(QDialog):
    def __init__(self, flows: RecordFlows, kind: Kind, account_kind: models.AccountKind,
                 record_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"dialog_{kind}")
        self.setWindowTitle((translate("Records", "编辑{kind}") if record_id
                             else translate("Records", "新增{kind}")).format(kind=_kind(kind)))
        self.editor = RecordEditor(flows, kind, account_kind, record_id)
        close = QPushButton(translate("Records", "关闭"))
        close.setObjectName("closeDialog")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(620, 620)
        self.editor.load()


EXPIRY_COLOR = LEVEL_COLOR


def _expiry_text(advice: renewal.RecordAdvice) -> str:
    if advice.reason_code == "expired":
        return translate("Records", "已过期")
    return translate("Records", "{days}天后到期").format(days=advice.days_left)


class RecordsPage(QWidget):
    """A table of qualifications or personnel with status; 新增 / 编辑 open the editor."""

    refreshed = Signal()

    def __init__(self, flows: RecordFlows, kind: Kind, account: models.Account,
                 parent: QWidget | None = None, *,
                 thresholds: Sequence[int] = renewal.DEFAULT_THRESHOLDS) -> None:
        super().__init__(parent)
        self.flows, self.kind, self.account = flows, kind, account
        self.thresholds = tuple(thresholds)
        self.setObjectName(f"{kind}Page")
        self.records: list[models.Record] = []
        self.expiry: dict[int, renewal.RecordAdvice] = {}  # the advisor's word per record
        self.columns = COLUMNS[kind]
        self.table = QTableWidget(0, len(self.columns) + 1)
        self.table.setObjectName("recordTable")
        spec = forms.get_spec(kind)
        self.table.setHorizontalHeaderLabels([field_label(spec.field(k)) for k in self.columns]
                                             + [translate("Records", "状态")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.add_button = QPushButton(translate("Records", "新增{kind}").format(kind=_kind(kind)))
        self.add_button.setObjectName("addRecord")
        self.add_button.clicked.connect(lambda: self.open_editor(None))
        self.edit_button = QPushButton(translate("Records", "查看/编辑"))
        self.edit_button.setObjectName("editRecord")
        self.edit_button.clicked.connect(self.edit_selected)
        self.refresh_button = QPushButton(translate("Records", "刷新"))
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        title = QLabel(_kind(kind))
        title.setProperty("role", "title")
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.dialog: RecordDialog | None = None
        self.refresh()

    def refresh(self) -> None:
        flows, kind = self.flows, self.kind

        def job() -> tuple[list[models.Record], models.ReferenceLists]:
            return flows.list_records(kind), flows.references()

        QueryOp(self, job, self._show).run_in_background()

    def _show(self, result: tuple[list[models.Record], models.ReferenceLists]) -> None:
        self.records, refs = result
        names = {o.code: o.name for lst in (refs.qualification_types, refs.qualification_grades,
                                            refs.personnel_titles, refs.personnel_cert_kinds)
                 for o in lst}
        self.expiry = {a.record_id: a for a in renewal.advise_records(
            self.records, now=datetime.now(UTC), thresholds=self.thresholds)}
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            flag = self.expiry.get(record.id)
            for col, key in enumerate(self.columns):
                value = record.data.get(key, "")
                item = QTableWidgetItem(names.get(value, value))
                if key == "expires_on" and flag is not None:  # colour and words, never colour alone
                    item.setText(f"{value}（{_expiry_text(flag)}）")
                    item.setForeground(EXPIRY_COLOR[flag.level])
                    item.setToolTip(renewal_text(flag))
                self.table.setItem(row, col, item)
            status = QTableWidgetItem(_status(record.status) + (
                f" · {_expiry_text(flag)}" if flag is not None else ""))
            if flag is not None:
                status.setForeground(EXPIRY_COLOR[flag.level])
                status.setToolTip(renewal_text(flag))
            self.table.setItem(row, len(self.columns), status)
        self.refreshed.emit()

    def edit_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_editor(self.records[rows[0].row()].id)

    def open_editor(self, record_id: int | None) -> RecordDialog:
        dialog = RecordDialog(self.flows, self.kind, self.account.kind, record_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.editor.saved.connect(lambda _r: self.refresh())
        dialog.editor.submitted.connect(lambda _r: self.refresh())
        dialog.finished.connect(lambda _r: self.refresh())
        self.dialog = dialog
        dialog.open()
        return dialog
