"""A form built from a core field spec: inputs, inline error marks, and autosave to drafts.

Validation is the core's (``hy_client.forms.validate``); this widget only shows its answers.
Every change is saved to the account's drafts on a worker, in order, newest text winning, so a crash
loses nothing; password fields are never saved (the store drops them too).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hy_client import forms
from hy_client.api.models import ReferenceLists
from hy_client.drafts import AccountDrafts, Draft
from hy_client.errors import FieldError, HyError
from hy_client.forms import Field, FormSpec

from .. import i18n
from ..dispatch import on_main
from ..i18n import translate
from ..jobs import show_error

FieldInput = QLineEdit | QPlainTextEdit | QComboBox

_drafts_executor: ThreadPoolExecutor | None = None


def drafts_executor() -> ThreadPoolExecutor:
    """One worker for draft writes: saves happen in the order they were typed."""
    global _drafts_executor
    if _drafts_executor is None:
        _drafts_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drafts")
    return _drafts_executor


class _Autosaver:
    """Coalesces saves: while one is on disk the newest text waits; older text is never written
    after newer. ``saved``/``failed`` are called on the drafts worker (made with ``on_main``)."""

    def __init__(self, store: AccountDrafts, form_key: str, spec_name: str,
                 saved: Callable[[Draft], None], failed: Callable[[HyError], None]) -> None:
        self._store, self._key, self._spec = store, form_key, spec_name
        self._saved, self._failed = saved, failed
        self._lock = threading.Lock()
        self._pending: dict[str, str] | None = None
        self._busy = False
        self.record_id: int | None = None
        self.last: Future[None] | None = None

    def save(self, data: dict[str, str]) -> None:
        with self._lock:
            self._pending = data
            if self._busy:
                return
            self._busy = True
        self.last = drafts_executor().submit(self._drain)

    def _drain(self) -> None:
        while True:
            with self._lock:
                data, self._pending = self._pending, None
                if data is None:
                    self._busy = False
                    return
            try:
                draft = self._store.save(self._key, self._spec, data, record_id=self.record_id)
            except HyError as exc:
                self._failed(exc)
            else:
                self._saved(draft)

    @property
    def idle(self) -> bool:
        with self._lock:
            return not self._busy


class FormWidget(QWidget):
    """Inputs for ``spec_name``; with ``store`` and ``form_key``, every change is autosaved."""

    changed = Signal()
    draft_saved = Signal(object)  # Draft

    def __init__(self, spec_name: str, *, store: AccountDrafts | None = None, form_key: str = "",
                 references: ReferenceLists | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec: FormSpec = forms.get_spec(spec_name)
        self.setObjectName(f"form_{spec_name}")
        self.references = references
        self.inputs: dict[str, FieldInput] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._loading = False
        self._autosaver: _Autosaver | None = None
        if store is not None and form_key:
            self._autosaver = _Autosaver(store, form_key, spec_name,
                                         on_main(self, self._on_saved),
                                         on_main(self, self._on_save_failed))
        self.store, self.form_key = store, form_key

        layout = QFormLayout()
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for field in self.spec.fields:
            widget = self._make_input(field)
            self.inputs[field.key] = widget
            error = QLabel()
            error.setObjectName(f"error_{field.key}")
            error.setProperty("role", "fieldError")  # short reasons: never wrapped, never cut
            error.hide()
            self.error_labels[field.key] = error
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(error)
            label = QLabel(i18n.field_label(field) + ("" if not field.required else " *"))
            label.setObjectName(f"label_{field.key}")
            label.setBuddy(widget)
            if field.help_zh:
                label.setToolTip(field.help_zh)
            layout.addRow(label, box)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(layout)
        hint = QLabel(translate("FormWidget", "带 * 的为必填项"))
        hint.setProperty("role", "hint")
        outer.addWidget(hint)

    # --- building -----------------------------------------------------------------------

    def _make_input(self, field: Field) -> FieldInput:
        widget: FieldInput
        if field.kind == "multiline":
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(widget.fontMetrics().lineSpacing() * 4 + 12)
            widget.textChanged.connect(self._on_change)
        elif field.kind == "choice":
            widget = QComboBox()
            self._fill_choices(widget, field)
            widget.currentIndexChanged.connect(self._on_change)
            widget.currentIndexChanged.connect(lambda _i, k=field.key: self._check_one(k))
        else:
            widget = QLineEdit()
            widget.setMaxLength(field.limit)
            widget.setPlaceholderText(i18n.placeholder(field))
            if field.secret:
                widget.setEchoMode(QLineEdit.EchoMode.Password)
            widget.textChanged.connect(self._on_change)
            widget.editingFinished.connect(lambda k=field.key: self._check_one(k))
        widget.setObjectName(f"input_{field.key}")
        widget.setAccessibleName(i18n.field_label(field))
        if field.help_zh:
            widget.setToolTip(field.help_zh)
        return widget

    def _fill_choices(self, combo: QComboBox, field: Field) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(translate("FormWidget", "请选择"), "")
        for code, name in field.options(self.references):
            combo.addItem(name, code)
        if current:
            combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def set_references(self, references: ReferenceLists) -> None:
        """Fill choice lists that come from the platform (qualification types, titles …)."""
        self.references = references
        for field in self.spec.fields:
            widget = self.inputs[field.key]
            if field.kind == "choice" and isinstance(widget, QComboBox):
                self._fill_choices(widget, field)

    # --- values -------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                out[key] = str(widget.currentData() or "")
            elif isinstance(widget, QPlainTextEdit):
                out[key] = widget.toPlainText()
            else:
                out[key] = widget.text()
        return out

    def set_values(self, data: Mapping[str, str]) -> None:
        """Show ``data`` without autosaving it (it came from the platform or a draft)."""
        self._loading = True
        try:
            for key, widget in self.inputs.items():
                value = data.get(key, "")
                if isinstance(widget, QComboBox):
                    index = widget.findData(value)
                    if index < 0 and value:  # a code the lists do not know yet: keep it
                        widget.addItem(value, value)
                        index = widget.count() - 1
                    widget.setCurrentIndex(max(index, 0))
                elif isinstance(widget, QPlainTextEdit):
                    widget.setPlainText(value)
                else:
                    widget.setText(value)
        finally:
            self._loading = False
        self.clear_errors()

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.inputs.values():
            if isinstance(widget, QComboBox):
                widget.setEnabled(not read_only)
            else:
                widget.setReadOnly(read_only)

    def clear_secrets(self) -> None:
        for field in self.spec.fields:
            widget = self.inputs[field.key]
            if field.secret and isinstance(widget, QLineEdit):
                widget.clear()

    # --- errors ---------------------------------------------------------------------------

    def validate(self, *, partial: bool = False) -> list[FieldError]:
        """Ask the core; mark every invalid field; focus the first one."""
        found = forms.validate(self.spec.name, self.values(), partial=partial,
                               references=self.references)
        self.show_errors(found)
        return found

    def show_errors(self, found: list[FieldError]) -> None:
        self.clear_errors()
        for error in found:
            if error.field in self.error_labels:
                self._mark(error.field, i18n.reason(error))
        if found and found[0].field in self.inputs:
            self.inputs[found[0].field].setFocus()

    def clear_errors(self) -> None:
        for key in self.error_labels:
            self._mark(key, "")

    def _mark(self, key: str, message: str) -> None:
        label, widget = self.error_labels[key], self.inputs[key]
        label.setText(message)
        label.setVisible(bool(message))
        widget.setProperty("invalid", bool(message))
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def error_for(self, key: str) -> str:
        label = self.error_labels[key]
        return label.text() if not label.isHidden() else ""

    @Slot()
    def _check_one(self, key: str) -> None:
        if self._loading:
            return
        found = forms.validate(self.spec.name, self.values(), partial=True,
                               references=self.references)
        self._mark(key, next((i18n.reason(e) for e in found if e.field == key), ""))

    # --- autosave -------------------------------------------------------------------------

    @Slot()
    def _on_change(self, *_args: object) -> None:
        if self._loading:
            return
        self.changed.emit()
        if self._autosaver is not None:
            self._autosaver.save(self.values())

    def set_record_id(self, record_id: int | None) -> None:
        if self._autosaver is not None:
            self._autosaver.record_id = record_id

    @property
    def autosave_idle(self) -> bool:
        return self._autosaver is None or self._autosaver.idle

    def _on_saved(self, draft: Draft) -> None:
        self.draft_saved.emit(draft)

    def _on_save_failed(self, error: HyError) -> None:
        show_error(self, error)

    def ask_restore(self, draft: Draft, shown: Mapping[str, str],
                    foreign: Sequence[str] = ()) -> bool:
        """Whether to bring back an autosaved draft that differs from what the platform has.

        False without asking when the two are the same (nothing was lost). ``foreign``: the
        identity fields where the draft names another unit or person than the account's own —
        said plainly, and "No" is then the default.
        """
        if forms.payload(self.spec.name, draft.data) == forms.payload(self.spec.name,
                                                                      dict(shown)):
            return False
        when = draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        text = translate("FormWidget", "发现 {when} 自动保存、尚未提交的“{form}”修改。\n是否恢复？"
                         ).format(when=when, form=i18n.form_title(self.spec))
        if foreign:
            labels = {f.key: i18n.field_label(f) for f in self.spec.fields}
            text = translate(
                "FormWidget", "注意：该草稿中的{fields}与当前账号的不一致（草稿：{theirs}；"
                "账号：{mine}），可能是其他单位的草稿。\n{question}").format(
                fields="、".join(labels.get(k, k) for k in foreign),
                theirs="，".join(draft.data.get(k, "") for k in foreign),
                mine="，".join(str(shown.get(k, "")) for k in foreign), question=text)
        answer = QMessageBox.question(
            self, translate("FormWidget", "恢复未保存的修改"), text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No if foreign else QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes
