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
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from hy_client import config, errors
from hy_client.api.client import PlatformClient
from hy_client.cli.drivers_cmd import SCAN_TIMEOUT, token_probe
from hy_client.drivers import install as inst
from hy_client.drivers.catalogue import Catalogue, DriverEntry, trusted_keys
from hy_client.drivers.detect import (
    DriverReport,
    InstalledModule,
    LoadProbe,
    ModuleLoad,
    candidate_paths,
    detect,
    suitable,
)
from hy_client.drivers.install import InstallResult
from hy_client.drivers.store import CatalogueStore, catalogue_url_for
from hy_client.errors import SUPPORT_PHONE, HyError, UserCancelled
from hy_client.token.modules import diagnose_module_file
from hy_client.token.service import TokenService

from ..context import AppContext
from ..jobs import QueryOp, show_error

ADMIN_HOW = ("系统弹出“是否允许此应用更改设备”的窗口时，请点“是”；如果您没有管理员账号，"
             f"请联系单位的电脑管理员安装，或致电技术支持 {SUPPORT_PHONE}。")
ADMIN_ADVICE = "安装此驱动需要管理员权限。" + ADMIN_HOW
SOURCE_ZH = {"config": "设置中登记", "catalogue": "驱动目录", "user": "本程序安装",
             "p11-kit": "系统登记", "system32": "系统目录"}


@dataclass(frozen=True)
class DriversView:
    """What the page shows: the catalogue in use and the detection report."""

    catalogue: Catalogue
    report: DriverReport


def probe_one(tokens: TokenService, path: str) -> ModuleLoad:
    """Does one module load, and which keys does it list (on the token thread)?"""
    return token_probe([path], tokens)(path)


def _settings_now(ctx: AppContext) -> config.Settings:
    """The config file as it is now (an install registers modules there), else the start's."""
    try:
        return config.load()
    except HyError:
        return ctx.settings


def catalogue_store(ctx: AppContext) -> CatalogueStore:
    keys = (*ctx.settings.catalogue_keys, *_settings_now(ctx).catalogue_keys)
    return CatalogueStore(inst.catalogue_dir(), trusted_keys(keys))


def download_session(client: PlatformClient) -> requests.Session:
    """A plain session (never the platform's: its login token must not go to a file host),
    verifying TLS with the platform's CA bundle when one is configured."""
    session = requests.Session()
    session.verify = client.platform.ca_bundle or True
    return session


def load_probe(tokens: TokenService, paths: Sequence[str]) -> LoadProbe:
    """Answers for ``paths`` from the program's TokenService, matched by file."""
    return token_probe(paths, tokens)


def add_modules(tokens: TokenService, result: InstallResult) -> None:
    """The running service takes the installed driver's modules now (no restart)."""
    if result.load is not None and result.modules:
        tokens.set_modules([*tokens.module_paths, *result.modules]).result(SCAN_TIMEOUT)


def read_drivers(ctx: AppContext) -> DriversView:
    """The whole picture, on a worker thread."""
    catalogue = catalogue_store(ctx).current()
    configured = tuple(dict.fromkeys((*ctx.settings.pkcs11_modules,
                                      *_settings_now(ctx).pkcs11_modules)))
    paths = [p for p, _ in candidate_paths(catalogue, configured, inst.driver_root())]
    report = detect(catalogue, configured, inst.driver_root(), static_check=diagnose_module_file,
                    load_probe=load_probe(ctx.tokens, paths))
    return DriversView(catalogue, report)


def module_status(module: InstalledModule) -> tuple[str, str]:
    """(text, role) of one module's state."""
    if module.problem is not None:
        detail = f"（{module.problem_detail}）" if module.problem_detail else ""
        return f"{module.problem.zh}{detail} [{module.problem.code}]", "critical"
    if module.loads:
        names = "、".join(t.label for t in module.load.tokens) if module.load else ""
        text = "正常" + (f"，识别到CA锁：{names}" if names else "，未插入CA锁")
        if module.stale:
            return text + "；版本较旧，建议更新", "warning"
        return text, "ok"
    return ("文件存在" if module.exists else "不存在"), "info"


class _Relay(QObject):
    """Download progress from the worker, delivered on the GUI thread."""

    progress = Signal(int, int)


class DriversPage(QWidget):
    detected = Signal(object)  # DriversView
    installed = Signal(object)  # InstallResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("driversPage")
        self.view: DriversView | None = None
        self._cancel: threading.Event | None = None
        self._updating = False
        self._detecting = self._again = False
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)

        title = QLabel("驱动")
        title.setProperty("role", "title")
        self.catalogue_label = QLabel("正在读取驱动目录…")
        self.catalogue_label.setObjectName("catalogueStatus")
        self.catalogue_label.setWordWrap(True)
        self.update_button = QPushButton("更新驱动目录")
        self.update_button.setObjectName("updateCatalogue")
        self.update_button.clicked.connect(self.update_catalogue)
        self.refresh_button = QPushButton("重新检测")
        self.refresh_button.setObjectName("refreshDrivers")
        self.refresh_button.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(self.catalogue_label, 1)
        head.addWidget(self.refresh_button)
        head.addWidget(self.update_button)

        self.keys = QListWidget()
        self.keys.setObjectName("recommended")
        self.keys.setMaximumHeight(90)

        self.catalogue_table = QTableWidget(0, 4)
        self.catalogue_table.setObjectName("catalogueTable")
        self.catalogue_table.setHorizontalHeaderLabels(["驱动", "版本", "适用系统", "状态"])
        self._table_style(self.catalogue_table)
        self.catalogue_table.itemSelectionChanged.connect(self._on_select)
        self.install_button = QPushButton("安装")
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
        self.cancel_button = QPushButton("取消")
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
        self.modules_table.setHorizontalHeaderLabels(["驱动模块", "来源", "版本", "状态"])
        self._table_style(self.modules_table)
        self.conflicts = QLabel()
        self.conflicts.setObjectName("driverConflicts")
        self.conflicts.setWordWrap(True)
        self.conflicts.setProperty("role", "warning")
        self.conflicts.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(head)
        layout.addWidget(QLabel("已插入的CA锁与推荐驱动"))
        layout.addWidget(self.keys)
        layout.addWidget(QLabel("驱动目录"))
        layout.addWidget(self.catalogue_table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.entry_note)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.result)
        layout.addWidget(QLabel("本机的驱动模块"))
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

    @staticmethod
    def _set_role(label: QLabel, role: str) -> None:
        label.setProperty("role", role)
        label.style().unpolish(label)
        label.style().polish(label)

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
        self.catalogue_label.setText(f"{error.info.zh}（{error.code}）。{error.info.advice_zh}")
        self._set_role(self.catalogue_label, "critical")

    def _show(self, view: DriversView) -> None:
        self.view = view
        catalogue, report = view.catalogue, view.report
        source = {"bundled": "随程序附带", "cache": "已下载", "network": "刚更新"}.get(
            catalogue.source, catalogue.source)
        text = (f"驱动目录 版本 {catalogue.version}（{source}，有效期至 "
                f"{catalogue.expires:%Y-%m-%d}），本机 {report.os}/{report.arch}")
        if report.out_of_date:
            info = errors.CATALOGUE_EXPIRED
            text += f"\n{info.zh}（{info.code}）：{info.advice_zh}"
        self.catalogue_label.setText(text)
        self._set_role(self.catalogue_label, "warning" if report.out_of_date else "info")
        self._fill_keys(catalogue, report)
        self._fill_catalogue(catalogue, report)
        self._fill_modules(report)
        if report.conflicts:
            lines = []
            for c in report.conflicts:
                what = ("多个驱动同时识别同一把CA锁，请卸载不再使用的驱动"
                        if c.kind == "claimed-twice" else "驱动版本较旧，请更新")
                lines.append(f"{what}：{'、'.join(c.driver_ids)}（{c.detail}）")
            self.conflicts.setText("\n".join(lines))
            self.conflicts.show()
        else:
            self.conflicts.hide()
        self._on_select()
        self.detected.emit(view)
        self._detection_over()

    def _fill_keys(self, catalogue: Catalogue, report: DriverReport) -> None:
        labels = {f"token:{t.manufacturer}/{t.model}/{t.serial}": f"CA锁“{t.label}”（{t.model}）"
                  for m in report.modules if m.load for t in m.load.tokens}
        self.keys.clear()
        for match in report.matches:
            name = labels.get(match.key, match.key.replace("usb:", "USB设备 "))
            if not match.driver_ids:
                self.keys.addItem(f"{name}：驱动目录中没有它的驱动，请咨询CA机构")
                continue
            entry = catalogue.get(match.driver_ids[0])
            state = "已安装" if match.installed else "未安装，请在下方安装"
            self.keys.addItem(f"{name}：推荐驱动 {entry.vendor.zh} {entry.version}（{state}）")
        if not report.matches:
            self.keys.addItem("未检测到CA锁。请插入CA锁后点击“重新检测”。")

    def _fill_catalogue(self, catalogue: Catalogue, report: DriverReport) -> None:
        working = {m.driver_id: m for m in report.modules
                   if m.driver_id and m.exists and m.loads is not False}
        self.catalogue_table.setRowCount(len(catalogue.drivers))
        for row, entry in enumerate(catalogue.drivers):
            fits = suitable(entry, report.os, report.arch)
            module = working.get(entry.id)
            if module is not None:
                state = "已安装，版本较旧" if module.stale else "已安装"
            elif not fits:
                state = "不适用于本机"
            elif entry.downloadable:
                state = f"未安装（可下载 {max(entry.size // 1024, 1)} KB）"
            else:
                state = "未安装（请向CA机构索取安装程序）"
            cells = (entry.vendor.zh, entry.version, "、".join(entry.os) or "全部", state)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.id)
                self.catalogue_table.setItem(row, col, item)

    def _fill_modules(self, report: DriverReport) -> None:
        self.modules_table.setRowCount(len(report.modules))
        for row, module in enumerate(report.modules):
            text, role = module_status(module)
            sources = "、".join(SOURCE_ZH.get(s, s) for s in module.sources)
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
        self.install_button.setText("更新" if installed else "安装")
        self.install_button.setEnabled(ok and not busy)
        self.update_button.setEnabled(not busy and not self._updating)
        if entry is not None and entry.install == "windows-installer":
            self.entry_note.setText(ADMIN_ADVICE)
            self.entry_note.show()
        elif entry is not None and not entry.downloadable:
            self.entry_note.setText("该驱动不提供下载，请使用CA机构提供的安装程序。")
            self.entry_note.show()
        else:
            self.entry_note.hide()

    @Slot()
    def install_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.install(entry)

    def install(self, entry: DriverEntry) -> None:
        client, relay, tokens = self.ctx.client, self._relay, self.ctx.tokens
        cancel = self._cancel = threading.Event()

        def job() -> InstallResult:
            with download_session(client) as session:
                # The module must load and list its tokens before it is registered.
                result = inst.install(entry, session, progress=relay.progress.emit,
                                      cancel=cancel, static_check=diagnose_module_file,
                                      load_probe=lambda path: probe_one(tokens, path))
            add_modules(tokens, result)
            return result

        self.progress.setRange(0, max(entry.size, 1))
        self.progress.setValue(0)
        self.progress_row.show()
        self.cancel_button.setEnabled(True)
        self._say(f"正在下载并校验 {entry.vendor.zh} {entry.version}…", "info")
        self._on_select()
        QueryOp(self, job, self._installed).failure(self._install_failed).run_in_background()

    @Slot()
    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _say(self, text: str, role: str) -> None:
        self.result.setText(text)
        self._set_role(self.result, role)
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
        text = (f"驱动 {result.driver_id} {result.version} 已安装并通过检测"
                + (f"，识别到CA锁：{tokens}" if tokens else "") + "。")
        if result.load is not None:
            text += "现在即可用它登录，无需重新启动本程序。"
        if result.reboot_required:
            text += "请重新启动计算机以完成安装。"
        self._say(text, "ok")
        self.installed.emit(result)
        self.refresh()

    def _install_failed(self, error: HyError) -> None:
        self._finish()
        if isinstance(error, UserCancelled):
            self._say("已取消下载。已下载的部分会保留，下次安装时继续。", "info")
            return
        if error.info is errors.INSTALL_NEEDS_ADMIN:
            self._say(f"{error.info.zh}（{error.code}）。{ADMIN_HOW}", "critical")
        else:
            self._say(f"{error.info.zh}（{error.code}）。{error.info.advice_zh}", "critical")
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
        self._say(f"驱动目录已更新：版本 {catalogue.version}，共 {len(catalogue.drivers)} 个驱动。",
                  "ok")
        self.refresh()

    def _update_failed(self, error: HyError) -> None:
        self._updating = False
        self._on_select()
        self._say(f"驱动目录更新失败：{error.info.zh}（{error.code}）。{error.info.advice_zh}",
                  "critical")
