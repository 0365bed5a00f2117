"""The one QSS theme and the fonts that render Chinese on every platform."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QWidget

from hy_client.paths import resources_dir

if TYPE_CHECKING:  # QIcon: imported when the icon is set, after the first frame
    from PySide6.QtGui import QIcon

# Microsoft YaHei on Windows, WenQuanYi Micro Hei / Noto CJK on Linux, PingFang on macOS.
CJK_FAMILIES = ("Microsoft YaHei", "Microsoft YaHei UI", "WenQuanYi Micro Hei",
                "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "SimHei")
# Table text per advice or readiness level, in theme.qss's palette: QSS can't style table items.
LEVEL_COLOR = {"ok": QColor("#2e7d32"), "info": QColor("#1565c0"), "warning": QColor("#b26a00"),
               "critical": QColor("#c62828")}


def set_role(widget: QWidget, role: str) -> None:
    """Restyle ``widget`` for theme.qss's ``[role=...]`` rules (Qt re-reads a changed dynamic
    property only on a fresh polish)."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def cjk_family() -> str | None:
    from PySide6.QtGui import QFontDatabase  # lists the system's fonts: not at start-up

    available = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in available), None)


def apply_icon(app: QApplication) -> None:
    """The window icon (SVG: loads an image plugin), set after the first frame; Qt passes it
    on to the windows already shown."""
    app.setWindowIcon(app_icon())


def app_icon() -> QIcon:
    from PySide6.QtGui import QIcon

    return QIcon(str(resources_dir() / "icons" / "app.svg"))


def apply(app: QApplication) -> None:
    """Fonts and the style sheet: what the first frame needs. The icon: ``apply_icon``."""
    font = QFont(app.font())
    # Qt takes the first family installed: no need to list the system's fonts first.
    font.setFamilies([*CJK_FAMILIES, *font.families()])
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
    qss = resources_dir() / "theme.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
