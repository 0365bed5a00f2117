"""System probes: what support asks first (OS, bitness, versions, rights)."""

from __future__ import annotations

import ctypes
import locale
import os
import platform
import ssl
import struct
import sys
from importlib import metadata

from .. import __version__
from .model import Context, Finding, Probe

SECTION = "system"
_PACKAGES = {"qt": "PySide6-Essentials", "python_pkcs11": "python-pkcs11",
             "cryptography": "cryptography", "requests": "requests", "keyring": "keyring",
             "truststore": "truststore"}


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _openssl_of_cryptography() -> str:
    try:
        from cryptography.hazmat.backends.openssl import backend
        return str(backend.openssl_version_text())
    except Exception:  # an unusual build without the OpenSSL backend
        return ""


def is_admin() -> bool | None:
    """Administrator (Windows) or root (POSIX); None when it cannot be told."""
    if sys.platform.startswith("win"):
        try:
            shell32 = ctypes.WinDLL("shell32")  # type: ignore[attr-defined]  # private
            shell32.IsUserAnAdmin.argtypes = []
            shell32.IsUserAnAdmin.restype = ctypes.c_int  # BOOL
            return bool(shell32.IsUserAnAdmin())
        except (AttributeError, OSError):
            return None
    geteuid = getattr(os, "geteuid", None)
    return geteuid() == 0 if geteuid else None


WINDOWS_11_FIRST_BUILD = 22000
CHINESE_CODE_PAGES = {"936", "54936", "950", "cp936", "cp950", "gbk", "gb18030", "big5"}


def windows_release(release: str, version: str) -> str:
    """"11" for Windows 11, which still calls itself 10 (``platform.release()`` == "10",
    version "10.0.22631"): the build number tells them apart."""
    parts = version.split(".")
    if release == "10" and len(parts) >= 3 and parts[2].isdecimal() \
            and int(parts[2]) >= WINDOWS_11_FIRST_BUILD:
        return "11"
    return release


def is_chinese_locale(lang: str | None, encoding: str | None) -> bool:
    """Chinese in any of the shapes ``locale.getlocale()`` gives: "zh_CN" (POSIX, BCP 47
    "zh-CN"), "Chinese (Simplified)_China" with code page "936" (Windows)."""
    text = (lang or "").lower()
    return (text.startswith(("zh_", "zh-")) or text == "zh" or text.startswith("chinese")
            or (encoding or "").lower() in CHINESE_CODE_PAGES)


def probe_system(ctx: Context) -> list[Finding]:
    bits = struct.calcsize("P") * 8
    lang, encoding = locale.getlocale()
    release = platform.release()
    if sys.platform.startswith("win"):
        release = windows_release(release, platform.version())
    data = {
        "os": platform.system(), "os_release": release,
        "os_version": platform.version(), "platform": platform.platform(),
        "machine": platform.machine(), "process_bits": bits,
        "locale": lang or "", "encoding": encoding or locale.getpreferredencoding(False),
        "app_version": __version__, "python": platform.python_version(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "openssl": ssl.OPENSSL_VERSION, "openssl_cryptography": _openssl_of_cryptography(),
        **{key: _package_version(dist) for key, dist in _PACKAGES.items()},
    }
    name = (f"Windows {release}（{data['os_version']}）" if sys.platform.startswith("win")
            else data["platform"])
    detail = (f"{name}，{data['machine']}，本程序 {bits} 位；"
              f"hy-client {__version__}{'（安装版）' if data['frozen'] else ''}；"
              f"Python {data['python']}，python-pkcs11 {data['python_pkcs11'] or '未安装'}，"
              f"cryptography {data['cryptography']}，{data['openssl']}"
              + (f"，Qt（PySide6）{data['qt']}" if data["qt"] else ""))
    found = [Finding("system.info", SECTION, "info", "系统与程序版本", detail, "", data)]
    admin = is_admin()
    found.append(Finding(
        "system.admin", SECTION, "info",
        "以管理员身份运行" if admin else "以普通用户身份运行",
        "" if admin is not None else "无法判断是否有管理员权限",
        "安装CA驱动需要管理员权限，安装时系统会提示。" if not admin else "",
        {"admin": admin}))
    if sys.platform.startswith("win") and not is_chinese_locale(lang, encoding):
        found.append(Finding(
            "system.locale", SECTION, "info", "系统区域不是中文", f"当前区域：{lang or '未知'}",
            "部分CA驱动在非中文区域下证书名称可能显示为乱码。", {"locale": lang or ""}))
    return found


PROBES = [Probe("system.info", SECTION, "系统与程序版本", probe_system)]
