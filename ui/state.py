"""What the GUI remembers between runs (QSettings in an INI file beside the config).

Window geometry, the last token/certificate (per platform origin and account) and the
language — never a PIN or password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

from hy_client import dirs

if TYPE_CHECKING:  # read before the first window: nothing of the core at run time
    from hy_client.api import models

GUI_FILE = "gui.ini"


def settings() -> QSettings:
    return QSettings(str(dirs.config_dir() / GUI_FILE), QSettings.Format.IniFormat)


def save_geometry(widget: QWidget, key: str) -> None:
    settings().setValue(f"geometry/{key}", widget.saveGeometry())


def restore_geometry(widget: QWidget, key: str) -> bool:
    value = settings().value(f"geometry/{key}")
    return isinstance(value, QByteArray) and widget.restoreGeometry(value)


def last_certificate(origin: str, username: str) -> tuple[str, str]:
    """(token serial, certificate id) of the last CA login of this account on this platform
    (the account found by the username typed), or empty strings: one company's key is never
    preselected for another."""
    from hy_client.owner import origin_tag  # hashlib: not before the first window
    from hy_client.usernames import canonical

    s = settings()
    if "token" in s.childGroups():  # the unscoped choice of earlier releases: whose was it?
        s.remove("token")
    name = canonical(username)
    account_id = s.value(f"usernames/{origin_tag(origin)}/{name}", "") if name else ""
    if not account_id:
        return "", ""
    group = f"accounts/{origin_tag(origin)}-{account_id}"
    return (str(s.value(f"{group}/token_serial", "") or ""),
            str(s.value(f"{group}/token_cert_id", "") or ""))


def remember_certificate(origin: str, account: models.Account, serial: str,
                         cert_id: str) -> None:
    from hy_client.owner import origin_tag
    from hy_client.usernames import canonical

    s = settings()
    s.setValue(f"usernames/{origin_tag(origin)}/{canonical(account.username)}", str(account.id))
    group = f"accounts/{origin_tag(origin)}-{account.id}"
    s.setValue(f"{group}/token_serial", serial)
    s.setValue(f"{group}/token_cert_id", cert_id)


def language() -> str:
    return str(settings().value("ui/language", "") or "")


def set_language(value: str) -> None:
    settings().setValue("ui/language", value)
