"""The 驱动 page: the driver modules on this computer and their state, the driver a plugged-in
key needs, install or update from the signed catalogue with a progress bar and cancel.

Composition only: catalogue, detection and install are ``hy_client.drivers``. Whether a module
loads is the token layer's answer, always through the program's own TokenService (one per
process: its modules answer from its scan, others are probed on its thread), as
``hy-client drivers check`` does. A driver that installs is added to that service at once, so
the key can be used without a restart. All of it runs on the pool; results come back queued.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import requests
import shiboken6
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hy_client import errors
from hy_client.api.client import PlatformClient
from hy_client.driver_probe import SCAN_TIMEOUT, token_probe
from hy_client.driver_status import DriverStatus, current_report, driver_status, status_inputs
from hy_client.drivers import install as inst
from hy_client.drivers.catalogue import Catalogue, DriverEntry
from hy_client.drivers.detect import (
    DriverReport,
    InstalledModule,
    LoadProbe,
    ModuleLoad,
    suitable,
)
from hy_client.drivers.install import InstallResult
from hy_client.drivers.store import CatalogueStore, catalogue_url_for, default_store
from hy_client.errors import SUPPORT_PHONE, HyError, UserCancelled
from hy_client.token.modules import diagnose_module_file
from hy_client.token.service import TokenService

from ..context import AppContext
from ..dispatch import on_main
from ..i18n import advice, english, message, translate
from ..jobs import QueryOp, show_error
from ..theme import set_role

_ADMIN_HOW = str(QT_TRANSLATE_NOOP(
    "DriversPage", "系统弹出“是否允许此应用更改设备”的窗口时，请点“是”；如果您没有管理员账号，"
    "请联系单位的电脑管理员安装，或致电技术支持 {phone}。"))
_ADMIN_ADVICE = str(QT_TRANSLATE_NOOP("DriversPage", "安装此驱动需要管理员权限。{how}"))
ADMIN_HOW = _ADMIN_HOW.format(phone=SUPPORT_PHONE)  # the default language's text
ADMIN_ADVICE = _ADMIN_ADVICE.format(how=ADMIN_HOW)
SOURCE_ZH = {
    "config": str(QT_TRANSLATE_NOOP("DriversPage", "设置中登记")),
    "catalogue": str(QT_TRANSLATE_NOOP("DriversPage", "驱动目录")),
    "user": str(QT_TRANSLATE_NOOP("DriversPage", "本程序安装")),
    "p11-kit": str(QT_TRANSLATE_NOOP("DriversPage", "系统登记")),
    "system32": str(QT_TRANSLATE_NOOP("DriversPage", "系统目录")),
}


def admin_how() -> str:
    return translate("DriversPage", _ADMIN_HOW).format(phone=SUPPORT_PHONE)


def admin_advice() -> str:
    return translate("DriversPage", _ADMIN_ADVICE).format(how=admin_how())


@dataclass(frozen=True)
class DriversView:
    """What the page shows: the catalogue in use and the detection report."""

    catalogue: Catalogue
    report: DriverReport


def probe_one(tokens: TokenService, path: str) -> ModuleLoad:
    """Does one module load, and which keys does it list (on the token thread)?"""
    return token_probe([path], tokens)(path)


def catalogue_store(ctx: AppContext) -> CatalogueStore:
    return default_store(status_inputs(ctx.settings).keys)


def download_session(client: PlatformClient) -> requests.Session:
    """A plain session (never the platform's: its login token must not go to a file host),
    verifying TLS with the platform's CA bundle when one is configured."""
    from hy_client.net import VerifiedSession

    return VerifiedSession(client.platform.ca_bundle, client.timeout)


def load_probe(tokens: TokenService, paths: Sequence[str]) -> LoadProbe:
    """Answers for ``paths`` from the program's TokenService, matched by file."""
    return token_probe(paths, tokens)


def add_modules(tokens: TokenService, result: InstallResult) -> None:
    """The running service takes the installed driver's modules now (no restart)."""
    if result.load is not None and result.modules:
        tokens.set_modules([*tokens.module_paths, *result.modules]).result(SCAN_TIMEOUT)


def read_drivers(ctx: AppContext) -> DriversView:
    """The whole picture, on a worker thread (the one report every surface renders, over the
    inputs every driver status is decided over)."""
    keys, configured = status_inputs(ctx.settings)
    catalogue = default_store(keys).current()
    return DriversView(catalogue, current_report(catalogue, configured, ctx.tokens))


def open_drivers_dialog(parent: QWidget, ctx: AppContext) -> QDialog:
    """The 驱动 page on its own, for the login window (before any main window exists)."""
    dialog = QDialog(parent)
    dialog.setObjectName("driversDialog")
    dialog.setWindowTitle(translate("DriversPage", "驱动"))
    layout = QVBoxLayout(dialog)
    layout.addWidget(DriversPage(ctx, dialog))
    dialog.resize(900, 640)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def status_text(status: DriverStatus) -> str:
    """The core's driver status in the interface language."""
    return status.text(english())


def module_status(module: InstalledModule) -> tuple[str, str]:
    """(text, role) of one module's state."""
    if module.problem is not None:
        detail = f"（{module.problem_detail}）" if module.problem_detail else ""
        return f"{message(module.problem)}{detail} [{module.problem.code}]", "critical"
    if module.loads:
        names = (translate("DriversPage", "、").join(t.label for t in module.load.tokens)
                 if module.load else "")
        text = (translate("DriversPage", "正常，识别到CA锁：{names}").format(names=names) if names
                else translate("DriversPage", "正常，未插入CA锁"))
        if module.stale:
            return text + translate("DriversPage", "；版本较旧，建议更新"), "warning"
        return text, "ok"
    if module.exists:
        return translate("DriversPage", "文件存在"), "info"
    return translate("DriversPage", "不存在"), "info"


class DriversPage(QWidget):
    detected = Signal(object)  # DriversView
    installed = Signal(object)  # InstallResult
    progressed = Signal(int, int)  # download bytes done, total (on the GUI thread)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("driversPage")
        self.view: DriversView | None = None
        self._cancel: threading.Event | None = None
        self._updating = False
        self._detecting = self._again = False

        title = QLabel(translate("DriversPage", "驱动"))
        title.setProperty("role", "title")
        self.catalogue_label = QLabel(translate("DriversPage", "正在读取驱动目录…"))
        self.catalogue_label.setObjectName("catalogueStatus")
        self.catalogue_label.setWordWrap(True)
        self.update_button = QPushButton(translate("DriversPage", "更新驱动目录"))
        self.update_button.setObjectName("updateCatalogue")
        self.update_button.clicked.connect(self.update_catalogue)
        self.refresh_button = QPushButton(translate("DriversPage", "重新检测"))
        self.refresh_button.setObjectName("refreshDrivers")
        self.refresh_button.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(self.catalogue_label, 1)
        head.addWidget(self.refresh_button)
        head.addWidget(self.update_button)

        self.status_label = QLabel()
        self.status_label.setObjectName("driverStatus")
        self.status_label.setWordWrap(True)
        self.keys = QListWidget()
        self.keys.setObjectName("recommended")
        self.keys.setMaximumHeight(90)

        self.catalogue_table = QTableWidget(0, 4)
        self.catalogue_table.setObjectName("catalogueTable")
        self.catalogue_table.setHorizontalHeaderLabels(
            [translate("DriversPage", "驱动"), translate("DriversPage", "版本"),
             translate("DriversPage", "适用系统"), translate("DriversPage", "状态")])
        self._table_style(self.catalogue_table)
        self.catalogue_table.itemSelectionChanged.connect(self._on_select)
        self.install_button = QPushButton(translate("DriversPage", "安装"))
        self.install_button.setObjectName("installDriver")
        self.install_button.clicked.connect(self.install_selected)
        self.entry_note = QLabel()
        self.entry_note.setObjectName("entryNote")
        self.entry_note.setWordWrap(True)
        self.entry_note.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.install_button)
        actions.addStretch(1)

        self.progress = QProgressBar()
        self.progress.setObjectName("installProgress")
        self.progress.setFormat("%p%")
        self.cancel_button = QPushButton(translate("DriversPage", "取消"))
        self.cancel_button.setObjectName("cancelInstall")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.progress_row = QWidget()
        self.progress_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress_row.hide()
        self.result = QLabel()
        self.result.setObjectName("driverResult")
        self.result.setWordWrap(True)
        self.result.hide()

        self.modules_table = QTableWidget(0, 4)
        self.modules_table.setObjectName("modulesTable")
        self.modules_table.setHorizontalHeaderLabels(
            [translate("DriversPage", "驱动模块"), translate("DriversPage", "来源"),
             translate("DriversPage", "版本"), translate("DriversPage", "状态")])
        self._table_style(self.modules_table)
        self.conflicts = QLabel()
        self.conflicts.setObjectName("driverConflicts")
        self.conflicts.setWordWrap(True)
        self.conflicts.setProperty("role", "warning")
        self.conflicts.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(head)
        layout.addWidget(self.status_label)
        layout.addWidget(QLabel(translate("DriversPage", "已插入的CA锁与推荐驱动")))
        layout.addWidget(self.keys)
        layout.addWidget(QLabel(translate("DriversPage", "驱动目录")))
        layout.addWidget(self.catalogue_table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.entry_note)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.result)
        layout.addWidget(QLabel(translate("DriversPage", "本机的驱动模块")))
        layout.addWidget(self.modules_table, 1)
        layout.addWidget(self.conflicts)
        self.refreshes = 0  # finished detections (tests wait on it)
        self._on_select()
        self.refresh()

    @staticmethod
    def _table_style(table: QTableWidget) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long paths keep both ends
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    # --- detection --------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Detect again; a request during a detection runs once that one is shown."""
        if self._detecting:
            self._again = True
            return
        ctx = self.ctx
        self._detecting, self._again = True, False
        self.refresh_button.setEnabled(False)
        QueryOp(self, lambda: read_drivers(ctx), self._show).failure(
            self._refresh_failed).run_in_background()

    def _detection_over(self) -> None:
        self._detecting = False
        self.refreshes += 1
        self.refresh_button.setEnabled(True)
        if self._again:
            self.refresh()

    def _refresh_failed(self, error: HyError) -> None:
        self._detection_over()
        self.catalogue_label.setText(translate(
            "DriversPage", "{message}（{code}）。{advice}").format(
            message=message(error.info), code=error.code, advice=advice(error.info)))
        set_role(self.catalogue_label, "critical")

    def _show(self, view: DriversView) -> None:
        self.view = view
        catalogue, report = view.catalogue, view.report
        source = {"bundled": translate("DriversPage", "随程序附带"),
                  "cache": translate("DriversPage", "已下载"),
                  "network": translate("DriversPage", "刚更新")}.get(catalogue.source,
                                                                  catalogue.source)
        text = translate("DriversPage", "驱动目录 版本 {version}（{source}，有效期至 {expires}），"
                         "本机 {os}/{arch}").format(
            version=catalogue.version, source=source, expires=f"{catalogue.expires:%Y-%m-%d}",
            os=report.os, arch=report.arch)
        if report.out_of_date:
            info = errors.CATALOGUE_EXPIRED
            text += "\n" + translate("DriversPage", "{message}（{code}）：{advice}").format(
                message=message(info), code=info.code, advice=advice(info))
        self.catalogue_label.setText(text)
        set_role(self.catalogue_label, "warning" if report.out_of_date else "info")
        status = driver_status(report)
        self.status_label.setText(status_text(status))
        self.status_label.setProperty("state", status.state)
        set_role(self.status_label, "ok" if status.ok else "warning")
        self._fill_keys(catalogue, report)
        self._fill_catalogue(catalogue, report)
        self._fill_modules(report)
        if report.conflicts:
            lines = []
            for c in report.conflicts:
                what = (translate("DriversPage", "多个驱动同时识别同一把CA锁，请卸载不再使用的驱动")
                        if c.kind == "claimed-twice"
                        else translate("DriversPage", "驱动版本较旧，请更新"))
                lines.append(f"{what}：{'、'.join(c.driver_ids)}（{c.detail}）")
            self.conflicts.setText("\n".join(lines))
            self.conflicts.show()
        else:
            self.conflicts.hide()
        self._on_select()
        self.detected.emit(view)
        self._detection_over()

    def _fill_keys(self, catalogue: Catalogue, report: DriverReport) -> None:
        key_name = translate("DriversPage", "CA锁“{label}”（{model}）")
        labels = {f"token:{t.manufacturer}/{t.model}/{t.serial}":
                  key_name.format(label=t.label, model=t.model)
                  for m in report.modules if m.load for t in m.load.tokens}
        self.keys.clear()
        for match in report.matches:
            usb = translate("DriversPage", "USB设备 ")
            name = labels.get(match.key, match.key.replace("usb:", usb))
            if not match.driver_ids:
                self.keys.addItem(translate(
                    "DriversPage", "{name}：驱动目录中没有它的驱动，请咨询CA机构").format(
                    name=name))
                continue
            entry = catalogue.get(match.driver_ids[0])
            state = (translate("DriversPage", "已安装") if match.installed
                     else translate("DriversPage", "未安装，请在下方安装"))
            self.keys.addItem(translate(
                "DriversPage", "{name}：推荐驱动 {vendor} {version}（{state}）").format(
                name=name, vendor=entry.vendor.zh, version=entry.version, state=state))
        if not report.matches:
            self.keys.addItem(
                translate("DriversPage", "未检测到CA锁。请插入CA锁后点击“重新检测”。"))

    def _fill_catalogue(self, catalogue: Catalogue, report: DriverReport) -> None:
        working = {m.driver_id: m for m in report.modules
                   if m.driver_id and m.installed}
        self.catalogue_table.setRowCount(len(catalogue.drivers))
        for row, entry in enumerate(catalogue.drivers):
            fits = suitable(entry, report.os, report.arch)
            module = working.get(entry.id)
            if module is not None:
                state = (translate("DriversPage", "已安装，版本较旧") if module.stale
                         else translate("DriversPage", "已安装"))
            elif not fits:
                state = translate("DriversPage", "不适用于本机")
            elif entry.downloadable:
                state = translate("DriversPage", "未安装（可下载 {size} KB）").format(
                    size=max(entry.size // 1024, 1))
            else:
                state = translate("DriversPage", "未安装（请向CA机构索取安装程序）")
            systems = (translate("DriversPage", "、").join(entry.os)
                       or translate("DriversPage", "全部"))
            cells = (entry.vendor.zh, entry.version, systems, state)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.id)
                self.catalogue_table.setItem(row, col, item)

    def _fill_modules(self, report: DriverReport) -> None:
        self.modules_table.setRowCount(len(report.modules))
        for row, module in enumerate(report.modules):
            text, role = module_status(module)
            sources = translate("DriversPage", "、").join(
                translate("DriversPage", SOURCE_ZH[s]) if s in SOURCE_ZH else s
                for s in module.sources)
            for col, value in enumerate((module.path, sources, module.version or "—", text)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if col == 3 and role == "critical":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.modules_table.setItem(row, col, item)

    # --- install ----------------------------------------------------------------------------
    def selected_entry(self) -> DriverEntry | None:
        rows = self.catalogue_table.selectionModel().selectedRows()
        if self.view is None or not rows:
            return None
        item = self.catalogue_table.item(rows[0].row(), 0)
        return None if item is None else self.view.catalogue.get(
            item.data(Qt.ItemDataRole.UserRole))

    def select_driver(self, driver_id: str) -> None:
        for row in range(self.catalogue_table.rowCount()):
            item = self.catalogue_table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == driver_id:
                self.catalogue_table.selectRow(row)
                return

    @Slot()
    def _on_select(self) -> None:
        entry = self.selected_entry()
        busy = self._cancel is not None
        ok = (entry is not None and self.view is not None and entry.downloadable
              and suitable(entry, self.view.report.os, self.view.report.arch))
        installed = entry is not None and self.view is not None and any(
            m.driver_id == entry.id and m.exists for m in self.view.report.modules)
        self.install_button.setText(translate("DriversPage", "更新") if installed
                                    else translate("DriversPage", "安装"))
        self.install_button.setEnabled(ok and not busy)
        self.update_button.setEnabled(not busy and not self._updating)
        if entry is not None and entry.install == "windows-installer":
            self.entry_note.setText(admin_advice())
            self.entry_note.show()
        elif entry is not None and not entry.downloadable:
            self.entry_note.setText(
                translate("DriversPage", "该驱动不提供下载，请使用CA机构提供的安装程序。"))
            self.entry_note.show()
        else:
            self.entry_note.hide()

    @Slot()
    def install_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.install(entry)

    def install(self, entry: DriverEntry) -> None:
        client, tokens = self.ctx.client, self.ctx.tokens
        progress = on_main(self, self._on_progress)
        cancel = self._cancel = threading.Event()

        def job() -> InstallResult:
            with download_session(client) as session:
                # The module must load and list its tokens before it is registered.
                result = inst.install(entry, session, progress=progress,
                                      cancel=cancel, static_check=diagnose_module_file,
                                      load_probe=lambda path: probe_one(tokens, path))
            add_modules(tokens, result)
            return result

        self.progress.setRange(0, max(entry.size, 1))
        self.progress.setValue(0)
        self.progress_row.show()
        self.cancel_button.setEnabled(True)
        self._say(translate("DriversPage", "正在下载并校验 {name} {version}…").format(
            name=entry.vendor.zh, version=entry.version), "info")
        self._on_select()
        QueryOp(self, job, self._installed).failure(self._install_failed).run_in_background()

    @Slot()
    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _say(self, text: str, role: str) -> None:
        self.result.setText(text)
        set_role(self.result, role)
        self.result.show()

    def _finish(self) -> None:
        self._cancel = None
        if shiboken6.isValid(self.progress_row):
            self.progress_row.hide()
        self._on_select()

    def _installed(self, result: InstallResult) -> None:
        self.progress.setValue(self.progress.maximum())
        self._finish()
        tokens = "、".join(t.label for t in result.load.tokens) if result.load else ""
        text = (translate("DriversPage",
                          "驱动 {driver} {version} 已安装并通过检测，识别到CA锁：{tokens}。")
                if tokens
                else translate("DriversPage", "驱动 {driver} {version} 已安装并通过检测。")).format(
            driver=result.driver_id, version=result.version, tokens=tokens)
        if result.load is not None:
            text += translate("DriversPage", "现在即可用它登录，无需重新启动本程序。")
        if result.reboot_required:
            text += translate("DriversPage", "请重新启动计算机以完成安装。")
        self._say(text, "ok")
        self.installed.emit(result)
        self.refresh()

    def _install_failed(self, error: HyError) -> None:
        self._finish()
        if isinstance(error, UserCancelled):
            self._say(translate("DriversPage", "已取消下载。已下载的部分会保留，下次安装时继续。"),
                      "info")
            return
        if error.info is errors.INSTALL_NEEDS_ADMIN:
            self._say(translate("DriversPage", "{message}（{code}）。{advice}").format(
                message=message(error.info), code=error.code, advice=admin_how()), "critical")
        else:
            self._say(translate("DriversPage", "{message}（{code}）。{advice}").format(
                message=message(error.info), code=error.code, advice=advice(error.info)),
                "critical")
        show_error(self, error)

    # --- catalogue --------------------------------------------------------------------------
    @Slot()
    def update_catalogue(self) -> None:
        ctx = self.ctx
        url = ctx.settings.catalogue_url or catalogue_url_for(ctx.client.platform.url)
        timeout = ctx.settings.http_timeout

        def job() -> Catalogue:
            with download_session(ctx.client) as session:
                return catalogue_store(ctx).refresh(session, url, timeout=timeout)

        self._updating = True
        self.update_button.setEnabled(False)
        QueryOp(self, job, self._catalogue_updated).failure(
            self._update_failed).run_in_background()

    def _catalogue_updated(self, catalogue: Catalogue) -> None:
        self._updating = False
        self._on_select()
        self._say(translate(
            "DriversPage", "驱动目录已更新：版本 {version}，共 {count} 个驱动。").format(
            version=catalogue.version, count=len(catalogue.drivers)), "ok")
        self.refresh()

    def _update_failed(self, error: HyError) -> None:
        self._updating = False
        self._on_select()
        self._say(translate(
            "DriversPage", "驱动目录更新失败：{message}（{code}）。{advice}").format(
            message=message(error.info), code=error.code, advice=advice(error.info)), "critical")
