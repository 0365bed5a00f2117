"""Driver and module probes: every known PKCS#11 module, whether it loads and why not, and the
driver picture (catalogue, plugged USB keys without a driver, conflicting or stale drivers).
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from .. import errors
from ..drivers.detect import candidate_paths, detect, tokens_from
from ..drivers.install import driver_root
from ..drivers.store import default_store
from ..token.models import ModuleInfo, all_tokens
from ..token.modules import diagnose_module_file, discover_modules, module_paths
from .model import Context, Finding, Probe, Severity
from .tokens import scan

SECTION = "modules"
_SOURCE_ZH = {"explicit": "命令行/环境变量指定", "config": "设置中填写", "catalogue": "驱动目录",
              "p11-kit": "系统登记", "default": "常见安装位置",
              "user": "本程序安装的驱动"}


def _sources(ctx: Context) -> dict[str, str]:
    return {c.path: c.source for c in discover_modules(ctx.settings)}


def _module_finding(m: ModuleInfo, source: str, index: int) -> Finding:
    fid = f"modules.module.{index}"
    where = f"{m.path}（{_SOURCE_ZH.get(source, source or '已加载')}）"
    data: dict[str, Any] = {**m.to_json(), "source": source}
    data["slots"] = len(m.slots)
    data["tokens"] = len(m.tokens)
    if m.error is not None:
        # A module the user named must work; one merely found on disk is a lesser problem.
        severity: Severity = "error" if source in ("explicit", "config", "") else "warning"
        return Finding.from_error(fid, SECTION, m.error, f"{where}：{m.error_detail}".rstrip("："),
                                  severity=severity, data=data)
    detail = (f"{where}；厂商 {m.manufacturer}，驱动版本 {m.library_version}，"
              f"Cryptoki {m.cryptoki_version}；槽位 {len(m.slots)} 个，CA锁 {len(m.tokens)} 把")
    return Finding(fid, SECTION, "ok", f"驱动已加载：{m.manufacturer or m.path}", detail, "", data)


def probe_modules(ctx: Context) -> list[Finding]:
    modules = scan(ctx)
    if modules is None:
        err = ctx.scan_error or errors.HyError(errors.MODULE_LOAD_FAILED)
        return [Finding.from_error("modules.scan", SECTION, err.info, err.detail)]
    if not modules:
        return [Finding.from_error("modules.none", SECTION, errors.NO_MODULE,
                                   "设置、驱动目录和常见安装位置中都没有找到PKCS#11驱动")]
    sources = _sources(ctx)
    found = [_module_finding(m, sources.get(m.path, ""), i) for i, m in enumerate(modules)]
    if all(m.error is not None for m in modules):
        found.append(Finding.from_error("modules.none_loaded", SECTION, errors.NO_MODULE,
                                        f"找到 {len(modules)} 个驱动文件，但都无法加载"))
    return found


def probe_drivers(ctx: Context) -> list[Finding]:
    """The catalogue's view: keys plugged in without their driver, conflicts, stale versions."""
    try:
        catalogue = default_store(ctx.settings.catalogue_keys).current()
    except errors.HyError as exc:
        return [Finding.from_error("modules.catalogue", SECTION, exc.info, exc.detail,
                                   severity="warning")]
    seen = tokens_from(all_tokens(ctx.modules or []))
    report = detect(catalogue, ctx.settings.pkcs11_modules, driver_root(), tokens=seen)
    detail = f"版本 {catalogue.version}（{catalogue.source}），收录 {len(catalogue.drivers)} 种驱动"
    found = [Finding("modules.catalogue", SECTION, "ok", "驱动目录", detail, "",
                     {"version": catalogue.version, "source": catalogue.source,
                      "out_of_date": report.out_of_date,
                      "usb": [u.__dict__ for u in report.usb]})]
    if report.out_of_date:
        found.append(Finding.from_error("modules.catalogue_expired", SECTION,
                                        errors.CATALOGUE_EXPIRED, severity="info"))
    for match in report.matches:
        if match.installed or not match.driver_ids:
            continue
        names = "、".join(catalogue.get(i).vendor.zh for i in match.driver_ids)
        found.append(Finding(
            f"modules.missing_driver.{match.key}", SECTION, "warning",
            "检测到CA锁，但未安装它的驱动", f"{match.key}：需要 {names} 的驱动",
            "请在\u201c驱动\u201d页面安装，或运行 hy-client drivers install "
            f"{match.driver_ids[0]}。", {"key": match.key, "driver_ids": list(match.driver_ids)}))
    for i, conflict in enumerate(report.conflicts):
        stale = conflict.kind == "stale"
        found.append(Finding(
            f"modules.conflict.{i}", SECTION, "warning",
            "驱动版本较旧" if stale else "多个驱动同时识别同一把CA锁",
            f"{'、'.join(conflict.driver_ids)}：{conflict.detail}",
            "请更新驱动。" if stale else "请卸载不再使用的CA驱动，只保留CA锁对应厂商的驱动。",
            {"kind": conflict.kind, "driver_ids": list(conflict.driver_ids)}))
    return found


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def probe_unregistered(ctx: Context) -> list[Finding]:
    """Driver modules on disk that the program never loads: a catalogue driver unpacked in the
    user's driver dir after the settings were reset, or a catalogue path discovery does not
    cover. The key behind them stays invisible until the path is in the settings."""
    try:
        catalogue = default_store(ctx.settings.catalogue_keys).current()
    except errors.HyError:
        return []  # the catalogue probe reports it
    loaded = {_real(p) for p in module_paths(ctx.settings)}
    if ctx.token_service is not None:
        loaded |= {_real(p) for p in ctx.token_service.module_paths}
    found = []
    for path, sources in candidate_paths(catalogue, ctx.settings.pkcs11_modules, driver_root()):
        if not {"user", "catalogue"} & set(sources) or "config" in sources:
            continue
        if _real(path) in loaded or not os.path.isfile(path):
            continue
        problem = diagnose_module_file(path)
        if problem is not None:
            continue  # nothing to register: a broken copy is the drivers page's business
        driver_id = next((e.id for e in catalogue.drivers
                          if path.startswith(str(driver_root() / e.id) + os.sep)), "")
        slug = driver_id or hashlib.sha256(path.encode()).hexdigest()[:8]
        where = "、".join(_SOURCE_ZH.get(s, s) for s in sources)
        found.append(Finding(
            f"modules.unregistered.{slug}", SECTION, "warning", "驱动已安装，但本程序未使用它",
            f"{path}（{where}）",
            "可使用一键修复将它登记到设置中；登记后即可识别该驱动对应的CA锁。",
            {"path": path, "sources": list(sources), "driver_id": driver_id}))
    return found


PROBES = [
    Probe("modules.list", SECTION, "PKCS#11驱动模块", probe_modules),
    Probe("modules.drivers", SECTION, "驱动目录与冲突", probe_drivers),
    Probe("modules.unregistered", SECTION, "已安装但未登记的驱动", probe_unregistered),
]
