"""设置: platform, start at login (tray reminders only), renewal thresholds, bid reminder hours
and the interface language.

Saving runs on the pool: the autostart entry first (so a refusal, C105, leaves the config as it
was and the dialog open), then ``config.update``; the running ``AppContext`` then takes the new
settings. The platform and the language apply at the next start.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hy_client import autostart, config
from hy_client.errors import HyError

from . import i18n, state
from .i18n import translate
from .jobs import QueryOp, show_error

if TYPE_CHECKING:
    from .context import AppContext

MAX_REMINDER_HOURS = 30 * 24
MAX_REMINDERS = 4
MAX_DAYS = 365


def _tr(text: str) -> str:
    return translate("Settings", text)


def parse_hours(text: str) -> tuple[int, ...]:
    """"48, 2" → (48, 2): whole hours before a bid opening, distinct, largest first.
    ValueError with the reason (in the interface language) otherwise."""
    parts = [p for p in re.split(r"[\s,，、;；]+", text.strip()) if p]
    if not parts:
        raise ValueError(_tr("请至少填写一个提醒时间"))
    try:
        hours = {int(p) for p in parts}
    except ValueError:
        raise ValueError(_tr("提醒时间只能填写整数小时，用逗号分隔")) from None
    if any(not 1 <= h <= MAX_REMINDER_HOURS for h in hours):
        raise ValueError(_tr("提醒时间须在 1 到 {n} 小时之间").format(n=MAX_REMINDER_HOURS))
    if len(hours) > MAX_REMINDERS:
        raise ValueError(_tr("最多 {n} 个提醒时间").format(n=MAX_REMINDERS))
    return tuple(sorted(hours, reverse=True))


def check_thresholds(days: tuple[int, int, int]) -> tuple[int, int, int]:
    """The renewal thresholds (提醒 > 即将到期 > 紧急, in days); ValueError when not so."""
    info, warning, critical = days
    if not info > warning > critical >= 1:
        raise ValueError(_tr("到期提醒天数须依次递减：提前提醒 > 即将到期 > 紧急"))
    return days


def _stored_settings() -> config.Settings:
    """Before the core is ready (the login window): the file as it is; defaults if unreadable."""
    try:
        return config.load()
    except HyError:
        return config.Settings()


class SettingsDialog(QDialog):
    """Shows the current settings; 保存 writes them and emits ``saved`` with the new ones."""

    saved = Signal(object)  # config.Settings

    def __init__(self, ctx: AppContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        current = ctx.settings if ctx is not None else _stored_settings()
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_tr("设置"))
        self._busy = False

        self.platform = QComboBox()
        self.platform.setObjectName("platformChoice")
        for name, profile in current.platforms.items():
            self.platform.addItem(f"{profile.title or name}（{name}）", name)
        self.platform.setCurrentIndex(max(0, self.platform.findData(current.platform)))
        self.autostart = QCheckBox(_tr("开机自动启动（仅托盘提醒）"))
        self.autostart.setObjectName("autostart")
        self.autostart.setChecked(current.autostart)
        self.autostart.setToolTip(_tr("登录Windows后在系统托盘中运行，提醒证书到期和开标；"
                                      "不打开窗口"))
        self.days: list[QSpinBox] = []
        days_row = QHBoxLayout()
        names = (_tr("提前提醒"), _tr("即将到期"), _tr("紧急"))
        for name, value in zip(names, current.renewal_thresholds, strict=True):
            box = QSpinBox()
            box.setRange(1, MAX_DAYS)
            box.setValue(value)
            box.setSuffix(_tr(" 天"))
            box.setAccessibleName(name)
            days_row.addWidget(QLabel(name))
            days_row.addWidget(box)
            self.days.append(box)
        days_row.addStretch(1)
        self.hours = QLineEdit(", ".join(str(h) for h in current.bid_reminder_hours))
        self.hours.setObjectName("bidReminderHours")
        self.hours.setPlaceholderText("48, 2")
        self.language = QComboBox()
        self.language.setObjectName("languageChoice")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(
            max(0, self.language.findData(state.language() or i18n.DEFAULT_LANGUAGE)))

        form = QFormLayout()
        form.addRow(_tr("交易平台"), self.platform)
        form.addRow("", self.autostart)
        form.addRow(_tr("证书到期提醒"), days_row)
        form.addRow(_tr("开标前提醒（小时）"), self.hours)
        form.addRow(_tr("界面语言"), self.language)
        note = QLabel(_tr("交易平台和界面语言在重新启动后生效。"))
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("settingsProblem")
        self.problem.setProperty("role", "critical")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def changes(self) -> dict[str, Any]:
        """The settings as shown; ValueError with the reason when a field is not valid."""
        days = (self.days[0].value(), self.days[1].value(), self.days[2].value())
        return {"platform": str(self.platform.currentData()),
                "autostart": self.autostart.isChecked(),
                "renewal_thresholds": check_thresholds(days),
                "bid_reminder_hours": parse_hours(self.hours.text())}

    @Slot()
    def save(self) -> None:
        if self._busy:
            return
        try:
            changes = self.changes()
        except ValueError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        self.problem.hide()

        def job() -> config.Settings:
            # the system's start entry first: refused (C105), nothing is written
            autostart.apply(replace(config.load(), **changes))
            return config.update(**changes)

        self._busy = True
        self.buttons.setEnabled(False)
        QueryOp(self, job, self._saved).failure(self._failed).run_in_background()

    def _saved(self, settings: config.Settings) -> None:
        self._busy = False
        self.buttons.setEnabled(True)
        # the language is the GUI's own (state), read before the first frame; one place
        state.set_language(str(self.language.currentData()))
        if self.ctx is not None:
            self.ctx.reload_settings(settings)
        self.saved.emit(settings)
        self.accept()

    def _failed(self, error: HyError) -> None:
        self._busy = False
        self.buttons.setEnabled(True)
        show_error(self, error)


def open_settings(parent: QWidget | None, ctx: AppContext | None) -> SettingsDialog:
    """The dialog, window-modal over ``parent``; it deletes itself when closed."""
    dialog = SettingsDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
