"""Start with the user's session, tray only, so renewal and bid-opening reminders are not missed.

Off by default (``Settings.autostart``); ``apply(settings)`` makes the system match the setting.
Windows: a value ``hy-client`` under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``
(per user, no administrator rights). Linux: an XDG autostart entry
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

TRAY_ARG = "--tray"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
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


def _registry_value() -> str | None:
    if sys.platform != "win32":
        return None
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            value, _kind = winreg.QueryValueEx(key, VALUE_NAME)
    except FileNotFoundError:
        return None
    return str(value)


def _registry_set(command: str | None) -> None:
    """Write the Run value, or delete it when ``command`` is None."""
    if sys.platform != "win32":
        return
    import winreg

    with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        if command is None:
            winreg.DeleteValue(key, VALUE_NAME)
        else:
            winreg.SetValueEx(key, VALUE_NAME, 0, winreg.REG_SZ, command)


def is_enabled() -> bool:
    """Whether the system will start the app at login (whatever the setting says)."""
    try:
        if _windows():
            return _registry_value() is not None
        return desktop_file().is_file()
    except OSError:
        return False


def enable(command: Sequence[str] | None = None) -> None:
    command = list(command) if command else launch_command()
    try:
        if _windows():
            _registry_set(subprocess.list2cmdline(command))
            return
        path = desktop_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(desktop_entry(command), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise errors.HyError(errors.AUTOSTART_FAILED, type(exc).__name__) from None


def disable() -> None:
    try:
        if _windows():
            _registry_set(None)
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
