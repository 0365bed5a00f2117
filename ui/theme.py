"""The one QSS theme and the fonts that render Chinese on every platform."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from hy_client.paths import resources_dir

# Microsoft YaHei on Windows, WenQuanYi Micro Hei / Noto CJK on Linux, PingFang on macOS.
CJK_FAMILIES = ("Microsoft YaHei", "Microsoft YaHei UI", "WenQuanYi Micro Hei",
                "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "SimHei")


def cjk_family() -> str | None:
    available = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in available), None)


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / "app.svg"))


def apply(app: QApplication) -> None:
    family = cjk_family()
    font = QFont(app.font())
    if family:
        font.setFamilies([family, *font.families()])
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
    app.setWindowIcon(app_icon())
    qss = resources_dir() / "theme.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
