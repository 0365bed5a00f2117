"""`hy-client drivers …`: the catalogue, installed drivers, install and update.

This is where the drivers package meets the token layer: the token layer's static module check
and TokenService are handed to detection and install as callables.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from .. import config, errors
from ..driver_probe import token_probe
from ..driver_status import current_report, driver_status, key_name_zh
from ..drivers import install as inst
from ..drivers.catalogue import Catalogue, public_key_hex, sign_catalogue
from ..drivers.detect import (
    DriverReport,
    suitable,
)
from ..drivers.store import CatalogueStore, catalogue_url_for, default_store
from ..net import VerifiedSession

if TYPE_CHECKING:
    pass

EXIT_OK, EXIT_FINDING = 0, 1
CATALOGUE_SOURCES = {"bundled": "随程序附带", "cache": "已下载", "network": "刚从平台更新"}
# Where a module path came from, as a support engineer reads it.
SOURCE_NAMES = {"config": "本程序设置", "catalogue": "驱动目录", "p11-kit": "系统登记（p11-kit）",
                "user": "本程序安装", "system32": "系统目录", "registry": "注册表"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("drivers", help="CA锁驱动：目录、检测、下载安装")
    cmds = parser.add_subparsers(dest="drivers_command", metavar="操作")
    p = cmds.add_parser("list", help="驱动目录与已安装的驱动")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(handler=cmd_list)
    p = cmds.add_parser("check", help="加载每个驱动，匹配已插入的CA锁，检查冲突")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(handler=cmd_check)
    p = cmds.add_parser("install", help="下载（校验）并安装目录中的驱动")
    p.add_argument("driver_id", metavar="驱动编号", help="见 hy-client drivers list")
    p.set_defaults(handler=cmd_install)
    p = cmds.add_parser("update", help="从平台更新驱动目录")
    p.set_defaults(handler=cmd_update)
    # Release signing is for the catalogue's maintainers: runnable, never listed.
    p = cmds.add_parser("sign", description="（开发）为驱动目录签名，写出 .sig 文件")
    p.add_argument("catalogue", type=Path)
    p.add_argument("--key", type=Path, required=True, help="Ed25519 私钥（PEM）")
    p.set_defaults(handler=cmd_sign)

    def usage(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2
    parser.set_defaults(handler=usage)


# --- composition ----------------------------------------------------------------------------

def _store(settings: config.Settings) -> CatalogueStore:
    return default_store(settings.catalogue_keys)


def _session(settings: config.Settings) -> requests.Session:
    return VerifiedSession(settings.active_platform.ca_bundle, settings.http_timeouts)


def _warn_out_of_date(catalogue: Catalogue) -> None:
    if catalogue.out_of_date():
        info = errors.CATALOGUE_EXPIRED
        print(f"警告 [{info.code}] {info.zh}（{catalogue.expires:%Y-%m-%d}）：{info.advice_zh}",
              file=sys.stderr)


def _static_check(path: str) -> errors.ErrorInfo | None:
    from ..token.modules import diagnose_module_file
    return diagnose_module_file(path)


def _report(settings: config.Settings, catalogue: Catalogue, *, load: bool) -> DriverReport:
    return current_report(catalogue, settings.pkcs11_modules, load=load)


# --- commands -------------------------------------------------------------------------------

def _status(module: Any) -> str:
    if module.problem is not None:
        return f"[{module.problem.code}] {module.problem.zh}"
    if module.loads:
        names = "、".join(t.label for t in module.load.tokens) if module.load else ""
        return f"可用{'，CA锁：' + names if names else ''}"
    return "文件正常" if module.exists else "不存在"


def _print_report(catalogue: Catalogue, report: DriverReport) -> None:
    state = "（已过期）" if report.out_of_date else ""
    source = CATALOGUE_SOURCES.get(catalogue.source, catalogue.source)
    print(f"驱动目录 版本 {catalogue.version}（{source}）{state}  "
          f"本机 {report.os}/{report.arch}")
    installed = {m.driver_id for m in report.modules if m.driver_id and m.installed}
    for entry in catalogue.drivers:
        marks = ["已安装" if entry.id in installed else "未安装"]
        if not suitable(entry, report.os, report.arch):
            marks.append("不适用于本机")
        if entry.downloadable:
            marks.append(f"可下载 {entry.size // 1024} KB")
        version = f" {entry.version}" if entry.version else ""
        print(f"  {entry.id:<20} {entry.vendor.zh}{version}  {'，'.join(marks)}")
    print("驱动模块：")
    for module in report.modules:
        stale = "（版本过旧）" if module.stale else ""
        print(f"  {module.path}  {_status(module)}{stale}  来源："
              f"{'、'.join(SOURCE_NAMES.get(s, s) for s in module.sources)}")
    for match in report.matches:
        ids = "、".join(match.driver_ids) or "目录中没有对应驱动"
        print(f"CA锁 {key_name_zh(match.key)}：推荐驱动 {ids}"
              f"{'' if match.installed else '（未安装）'}")
    for conflict in report.conflicts:
        what = "多个驱动同时声明同一把CA锁" if conflict.kind == "claimed-twice" else "驱动版本过旧"
        print(f"冲突：{what}：{'、'.join(conflict.driver_ids)}（{conflict.detail}）")


def _show_report(args: argparse.Namespace, *, load: bool) -> DriverReport:
    """Builds the report and prints it as JSON or text: `list` and `check` differ only in
    whether the modules are loaded and in the exit code."""
    settings = config.load()
    catalogue = _store(settings).current()
    _warn_out_of_date(catalogue)
    report = _report(settings, catalogue, load=load)
    status = driver_status(report)
    if args.json:
        print(json.dumps({**report.to_json(), "status": status.to_json()}, ensure_ascii=False,
                         indent=1))
    else:
        _print_report(catalogue, report)
        print(f"结论：{status.summary_zh}" + (f"。{status.advice_zh}" if status.advice_zh else ""))
    return report


def cmd_list(args: argparse.Namespace) -> int:
    _show_report(args, load=False)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    report = _show_report(args, load=True)
    # A configured module or a catalogue driver's module that is refused (32-bit, missing
    # dependency) or fails to load is a finding; unrelated p11-kit modules are not.
    broken = any(m.loads is False for m in report.modules if "config" in m.sources or m.driver_id)
    unserved = any(not m.installed for m in report.matches)
    return EXIT_FINDING if broken or unserved or report.conflicts else EXIT_OK


def _progress(got: int, total: int) -> None:
    print(f"\r下载中 {got * 100 // max(total, 1):3d}%  {got // 1024}/{total // 1024} KB",
          end="", file=sys.stderr, flush=True)


def cmd_install(args: argparse.Namespace) -> int:
    settings = config.load()
    catalogue = _store(settings).current()
    _warn_out_of_date(catalogue)
    entry = catalogue.get(args.driver_id)
    with _session(settings) as session:
        try:
            # The module must load and list its tokens before it is registered.
            result = inst.install(entry, session, progress=_progress,
                                  static_check=_static_check,
                                  load_probe=lambda path: token_probe([path])(path))
        finally:
            print(file=sys.stderr)
    tokens = result.load.tokens if result.load else ()
    print(f"已安装 {entry.id} {entry.version}")
    for path in result.modules:
        print(f"  模块 {path}{'（已登记到配置）' if result.registered else ''}")
    if result.reboot_required:
        print("请重新启动计算机以完成安装。")
    print(f"  检测到CA锁：{'、'.join(t.label for t in tokens) if tokens else '无'}")
    return EXIT_OK


def cmd_update(args: argparse.Namespace) -> int:
    settings = config.load()
    url = settings.catalogue_url or catalogue_url_for(settings.active_platform.url)
    with _session(settings) as session:
        catalogue = _store(settings).refresh(session, url, timeout=settings.http_timeout)
    _warn_out_of_date(catalogue)
    print(f"驱动目录已更新：版本 {catalogue.version}，共 {len(catalogue.drivers)} 个驱动")
    return EXIT_OK


def cmd_sign(args: argparse.Namespace) -> int:
    """Sign a catalogue file's exact bytes; the private key stays wherever it is kept."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = serialization.load_pem_private_key(args.key.read_bytes(), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise errors.HyError(errors.CATALOGUE_SIGNATURE, "not an Ed25519 key")
    _, signature = sign_catalogue(args.catalogue.read_bytes(), key)
    out = args.catalogue.with_name(args.catalogue.name + ".sig")
    out.write_bytes(signature)
    print(f"{out}  公钥 {public_key_hex(key)}")
    return EXIT_OK

