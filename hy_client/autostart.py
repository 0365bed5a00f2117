"""Start with the user's session, tray only, so renewal and bid-opening reminders are not missed.

Off by default (``Settings.autostart``); ``apply(settings)`` makes the system match the setting.
Windows: a value ``hy-client`` under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``
(per user, no administrator rights), unless the user switched it off in Task Manager
(``Explorer\\StartupApproved\\Run``). Linux: an XDG autostart entry
``~/.config/autostart/hy-client.desktop`` (``$XDG_CONFIG_HOME`` respected). The command is the
GUI program with ``--tray``: it starts hidden in the system tray.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from . import config, errors
from .registry import REG_BINARY, REG_SZ, Registry, system_registry

TRAY_ARG = "--tray"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
APPROVED_ON = bytes([2]) + bytes(11)
VALUE_NAME = "hy-client"
DESKTOP_FILE = "hy-client.desktop"
GUI_PROGRAM = "hy-client-gui"


def _windows() -> bool:
    return sys.platform.startswith("win")


def gui_program() -> list[str]:
    """How to start the GUI from here: the bundle's sibling program, the venv's script, or
    ``python -m ui.app``."""
    exe = GUI_PROGRAM + (".exe" if _windows() else "")
    here = Path(sys.executable).resolve().parent
    if getattr(sys, "frozen", False) or (here / exe).exists():
        return [str(here / exe)]
    python = here / "pythonw.exe" if _windows() and (here / "pythonw.exe").exists() \
        else Path(sys.executable)
    return [str(python), "-m", "ui.app"]


def launch_command() -> list[str]:
    return [*gui_program(), TRAY_ARG]


def desktop_file() -> Path:
    return platformdirs.user_config_path() / "autostart" / DESKTOP_FILE


def _desktop_quote(arg: str) -> str:
    """Quote one Exec argument per the Desktop Entry spec (and double ``%`` for field codes)."""
    arg = arg.replace("%", "%%")
    if not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def desktop_entry(command: Sequence[str]) -> str:
    from .paths import resources_dir

    icon = resources_dir() / "icons" / "app.png"
    exec_line = " ".join(_desktop_quote(a) for a in command)
    # Exec is an escaped string value: each backslash of the quoting is itself escaped
    exec_value = exec_line.replace("\\", "\\\\")
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=hy-client",
        "Name[zh_CN]=衡阳市公共资源交易系统客户端",
        "Comment=Certificate renewal and bid-opening reminders",
        "Comment[zh_CN]=证书到期与开标提醒",
        f"Exec={exec_value}",
        f"Icon={icon}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def _registry(reg: Registry | None) -> Registry | None:
    return reg if reg is not None else system_registry()


def startup_approved(reg: Registry | None = None) -> bool | None:
    """Task Manager's / Settings' switch for our Run entry: True on, False switched off by the
    user, None never touched. The value is 12 bytes: the first is 0x02 when enabled and 0x03
    when disabled (an odd first byte: disabled), the last 8 the FILETIME of the change."""
    reg = _registry(reg)
    value = reg.get("HKCU", APPROVED_KEY, VALUE_NAME) if reg is not None else None
    if value is None or not isinstance(value[0], bytes | bytearray) or not value[0]:
        return None
    return not value[0][0] & 1


def is_enabled(reg: Registry | None = None) -> bool:
    """Whether the system will start the app at login (whatever the setting says): on Windows
    the Run value exists and the user has not switched it off in Task Manager."""
    try:
        if _windows() or reg is not None:
            reg = _registry(reg)
            if reg is None or reg.get("HKCU", RUN_KEY, VALUE_NAME) is None:
                return False
            return startup_approved(reg) is not False
        return desktop_file().is_file()
    except OSError:
        return False


def enable(command: Sequence[str] | None = None, reg: Registry | None = None) -> None:
    """Start at login. Turning it on here is the user's latest word: a Task Manager "disabled"
    mark on our entry is set back to enabled."""
    command = list(command) if command else launch_command()
    try:
        if _windows() or reg is not None:
            reg = _registry(reg)
            if reg is None:
                return
            reg.set("HKCU", RUN_KEY, VALUE_NAME, subprocess.list2cmdline(command), REG_SZ)
            if startup_approved(reg) is False:
                reg.set("HKCU", APPROVED_KEY, VALUE_NAME, APPROVED_ON, REG_BINARY)
            return
        path = desktop_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(desktop_entry(command), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise errors.HyError(errors.AUTOSTART_FAILED, type(exc).__name__) from None


def disable(reg: Registry | None = None) -> None:
    try:
        if _windows() or reg is not None:
            reg = _registry(reg)
            if reg is not None:
                reg.delete("HKCU", RUN_KEY, VALUE_NAME)
        else:
            desktop_file().unlink()
    except FileNotFoundError:
        pass  # already off
    except OSError as exc:
        raise errors.HyError(errors.AUTOSTART_FAILED, type(exc).__name__) from None


def apply(settings: config.Settings) -> bool:
    """Make the system match ``settings.autostart``; returns the resulting state. An entry that
    exists is rewritten, so a moved installation starts from its new place."""
    if settings.autostart:
        enable()
    else:
        disable()
    return settings.autostart
