"""旧版本草稿: drafts kept from before drafts had an owner, listed for the user to decide.

They are never restored by themselves (they may be another company's): each shows which
company, which form and when; 认领到当前账号 gives it to the logged-in account (its editor then
asks before restoring it, and says so when it names another company), 放弃 deletes it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hy_client.drafts import Draft, DraftStore, QuarantinedDraft
from hy_client.errors import HyError
from hy_client.records import RecordFlows

from .i18n import translate
from .jobs import QueryOp, show_error


def describe(draft: QuarantinedDraft) -> str:
    when = draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    company = draft.company or translate("QuarantineDialog", "（未注明单位）")
    return translate("QuarantineDialog", "{form} · {company} · {when} 保存").format(
        form=draft.form_title, company=company, when=when)


class QuarantineDialog(QDialog):
    """Lists the quarantine; ``changed`` after each assign or discard (with the list left)."""

    changed = Signal(object)  # list[QuarantinedDraft]
    assigned = Signal(object)  # Draft

    def __init__(self, store: DraftStore, flows: RecordFlows, account_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quarantineDialog")
        self.setWindowTitle(translate("QuarantineDialog", "旧版本留下的草稿"))
        self.store, self.flows = store, flows
        self.drafts: list[QuarantinedDraft] = []
        intro = QLabel(translate(
            "QuarantineDialog", "以下草稿由旧版本保存，未记录属于哪个账号，因此不会自动恢复。"
            "请确认属于当前账号（{name}）后再认领，否则请放弃。").format(name=account_name))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("quarantineList")
        self.list.currentRowChanged.connect(lambda _r: self._enable())
        self.assign_button = QPushButton(translate("QuarantineDialog", "认领到当前账号"))
        self.assign_button.setObjectName("assignDraft")
        self.assign_button.clicked.connect(self.assign)
        self.discard_button = QPushButton(translate("QuarantineDialog", "放弃"))
        self.discard_button.setObjectName("discardDraft")
        self.discard_button.clicked.connect(self.discard)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.assign_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def refresh(self, drafts: list[QuarantinedDraft] | None = None) -> None:
        """List ``drafts`` (just read by the caller), else read the quarantine on a worker."""
        if drafts is not None:
            self._listed(drafts)
            return
        store = self.store
        QueryOp(self, store.quarantined, self._listed).run_in_background()

    def _listed(self, drafts: list[QuarantinedDraft]) -> None:
        self.drafts = drafts
        self.list.clear()
        for d in drafts:
            item = QListWidgetItem(describe(d))
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            self.list.addItem(item)
        if drafts:
            self.list.setCurrentRow(0)
        self._enable()
        self.changed.emit(drafts)

    def _enable(self) -> None:
        on = self.current() is not None
        self.assign_button.setEnabled(on)
        self.discard_button.setEnabled(on)

    def current(self) -> QuarantinedDraft | None:
        row = self.list.currentRow()
        return self.drafts[row] if 0 <= row < len(self.drafts) else None

    def assign(self) -> None:
        draft = self.current()
        if draft is None:
            return
        flows = self.flows
        self._busy()
        QueryOp(self, lambda: flows.adopt(draft.id), self._assigned).failure(
            self._failed).run_in_background()

    def _assigned(self, draft: Draft) -> None:
        self.assigned.emit(draft)
        self.refresh()

    def discard(self) -> None:
        draft = self.current()
        if draft is None:
            return
        answer = QMessageBox.question(
            self, translate("QuarantineDialog", "放弃草稿"),
            translate("QuarantineDialog", "放弃“{what}”？放弃后无法恢复。").format(
                what=describe(draft)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        store = self.store
        self._busy()
        QueryOp(self, lambda: store.discard_quarantined(draft.id),
                lambda _r: self.refresh()).failure(self._failed).run_in_background()

    def _busy(self) -> None:
        self.assign_button.setEnabled(False)
        self.discard_button.setEnabled(False)

    def _failed(self, error: HyError) -> None:
        show_error(self, error)
        self.refresh()
