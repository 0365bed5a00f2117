"""What the GUI remembers between runs (QSettings in an INI file beside the config).

Window geometry, the last token/certificate and the language — never a PIN or password.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

from hy_client import dirs

GUI_FILE = "gui.ini"


def settings() -> QSettings:
    return QSettings(str(dirs.config_dir() / GUI_FILE), QSettings.Format.IniFormat)


def save_geometry(widget: QWidget, key: str) -> None:
    settings().setValue(f"geometry/{key}", widget.saveGeometry())


def restore_geometry(widget: QWidget, key: str) -> bool:
    value = settings().value(f"geometry/{key}")
    return isinstance(value, QByteArray) and widget.restoreGeometry(value)


def last_certificate() -> tuple[str, str]:
    """(token serial, certificate id) chosen at the last CA login, or empty strings."""
    s = settings()
    return str(s.value("token/serial", "") or ""), str(s.value("token/cert_id", "") or "")


def remember_certificate(serial: str, cert_id: str) -> None:
    s = settings()
    s.setValue("token/serial", serial)
    s.setValue("token/cert_id", cert_id)


def language() -> str:
    return str(settings().value("ui/language", "") or "")


def set_language(value: str) -> None:
    settings().setValue("ui/language", value)
