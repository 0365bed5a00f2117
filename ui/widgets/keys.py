"""The login-certificate picker shared by the login window and the first-run wizard, so both
label the keys alike and choose the one used last time again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox

if TYPE_CHECKING:  # the core stays off the import path of the first window
    from hy_client.signin import KeyChoice


def fill(picker: QComboBox, choices: Sequence[KeyChoice], wanted: tuple[str, str],
         fallback: int = 0) -> None:
    """Lists ``choices`` without signalling a pick and selects ``wanted`` (token serial,
    certificate id), else the row ``fallback``; the caller then handles the pick once."""
    picker.blockSignals(True)
    picker.clear()
    for choice in choices:
        cert = choice.certificate
        picker.addItem(f"{choice.token_label} · {cert.organization or cert.subject_cn}"
                       f"（{cert.subject_cn}）")
    if choices:
        picker.setCurrentIndex(next(
            (i for i, c in enumerate(choices) if (c.serial, c.cert_id) == wanted), fallback))
    picker.blockSignals(False)


def picked(picker: QComboBox, choices: Sequence[KeyChoice]) -> KeyChoice | None:
    """The choice the picker shows, or None when it is empty."""
    i = picker.currentIndex()
    return choices[i] if 0 <= i < len(choices) else None
