"""Local probes: the keyring, the config file and where the log is."""

from __future__ import annotations

import os
from pathlib import Path

import keyring

from .. import config, errors
from ..credentials import CredentialStore, refusal
from ..errors import HyError
from ..logs import log_path
from .model import Context, Finding, Probe

SECTION = "local"


def probe_keyring(ctx: Context) -> list[Finding]:
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    reason = refusal(backend)
    store = CredentialStore(ctx.platform.origin)
    if reason:
        # The class name is for support (the report's data); the bidder reads what it means.
        if store.uses_file:
            return [Finding.from_error(
                "local.keyring", SECTION, errors.SESSION_IN_FILE,
                "本机没有可用的系统凭据存储；登录状态保存在仅本用户可读的文件中，退出登录时删除。",
                severity="info", data={"backend": name, "refused": reason,
                                       "session_file": store.file_path.exists()})]
        return [Finding.from_error("local.keyring", SECTION, errors.KEYRING_UNAVAILABLE,
                                   "本机没有可用的系统凭据存储，登录状态不会被记住。",
                                   severity="warning",
                                   data={"backend": name, "refused": reason})]
    try:
        remembered = store.username() is not None
        has_session = store.session_token() is not None  # whether, never what
    except HyError as exc:
        return [Finding.from_error("local.keyring", SECTION, exc.info, exc.detail,
                                   severity="warning", data={"backend": name})]
    return [Finding("local.keyring", SECTION, "ok", "系统凭据存储可用",
                    f"已记住用户名：{'是' if remembered else '否'}；"
                    f"已保存登录状态：{'是' if has_session else '否'}", "",
                    {"backend": name, "username_saved": remembered,
                     "session_saved": has_session})]


def probe_config(ctx: Context) -> list[Finding]:
    path = config.config_path()
    data = {"path": str(path), "exists": path.exists(),
            "platform": ctx.settings.platform, "platform_url": _platform_url(ctx),
            "pkcs11_modules": list(ctx.settings.pkcs11_modules),
            "env": {k: v for k, v in os.environ.items()
                    if k in ("HY_PLATFORM_URL", "HY_PKCS11_MODULE", "HY_CONFIG_DIR",
                             "HY_DATA_DIR", "HY_LOG_DIR")}}
    try:
        config.load()
    except HyError as exc:
        return [Finding.from_error("local.config", SECTION, exc.info, f"{path}：{exc.detail}",
                                   data=data)]
    if not data["exists"]:
        return [Finding("local.config", SECTION, "ok", "使用默认设置",
                        f"尚未保存设置文件（{path}）", "", data)]
    return [Finding("local.config", SECTION, "ok", "设置文件可读取", str(path), "", data)]


def _platform_url(ctx: Context) -> str:
    try:
        return ctx.platform.url
    except HyError:
        return ""


def probe_log(ctx: Context) -> list[Finding]:
    path = Path(log_path())
    size = path.stat().st_size if path.is_file() else 0
    folder = path.parent
    writable = os.access(folder, os.W_OK) if folder.exists() else os.access(
        next((p for p in folder.parents if p.exists()), folder), os.W_OK)
    data = {"path": str(path), "exists": path.is_file(), "size": size, "writable": writable}
    if not writable:
        return [Finding("local.log", SECTION, "warning", "日志目录不可写", str(folder),
                        "程序无法记录日志，技术支持将难以分析问题。请检查该目录的权限。", data)]
    return [Finding("local.log", SECTION, "info", "日志位置",
                    f"{path}（{size // 1024} KB）" if size else f"{path}（尚无日志）", "", data)]


def probe_web_portal(ctx: Context) -> list[Finding]:
    """The manual's chapter 1.1 browser settings for the platform's host (Windows only)."""
    from urllib.parse import urlsplit

    from .. import webportal
    from ..registry import system_registry

    fid = "local.web_portal"
    if not webportal.applicable(ctx.plat):
        return [Finding(fid, SECTION, "info", "网页版浏览器设置：不适用",
                        "受信任站点、ActiveX 与 Edge IE 模式仅在 Windows 上设置", "",
                        {"applicable": False})]
    host = urlsplit(_platform_url(ctx)).hostname or ""
    reg = ctx.registry if ctx.registry is not None else system_registry()
    states = webportal.check(host, reg) if reg is not None and host else []
    if not states:
        return [Finding(fid, SECTION, "info", "网页版浏览器设置：不适用",
                        f"平台地址 {host or '未知'} 不能设为受信任站点", "",
                        {"applicable": False, "host": host})]
    missing = [s for s in states if not s.ok]
    data = {"applicable": True, "host": host, "missing": [s.setting.id for s in missing],
            "can_undo": webportal.can_undo()}
    undo = "（可在一键修复中撤销本程序所做的更改）" if data["can_undo"] else ""
    if not missing:
        return [Finding(fid, SECTION, "ok", "网页版浏览器设置正确",
                        f"{host}：受信任站点、ActiveX、Edge IE 模式均已设置{undo}", "", data)]
    return [Finding(fid, SECTION, "info", "网页版浏览器设置不完整（仅使用网页版办理业务时需要）",
                    "；".join(s.setting.title_zh for s in missing),
                    "可使用一键修复为当前用户设置（可撤销）。", data)]


PROBES = [
    Probe("local.keyring", SECTION, "凭据存储", probe_keyring),
    Probe("local.config", SECTION, "设置文件", probe_config),
    Probe("local.log", SECTION, "日志", probe_log),
    Probe("local.web_portal", SECTION, "网页版浏览器设置", probe_web_portal),
]
