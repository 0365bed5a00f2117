"""Languages: Chinese is the source language; English comes from resources/translations/*.ts.

Strings go through ``translate(context, text)`` (or ``QT_TRANSLATE_NOOP`` for module constants,
translated where they are shown): ``pyside6-lupdate`` finds both. Catalogue errors carry their
own English (``message``/``advice``).

The .qm files are built, never committed: a build puts them next to the .ts sources; when they
are missing or older, they are compiled at start with PySide6's lrelease into the data dir.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLocale,
    QTranslator,
)
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from hy_client.errors import ErrorInfo, FieldError
    from hy_client.forms import Field, FormSpec
from hy_client import dirs
from hy_client.paths import resources_dir

log = logging.getLogger(__name__)
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"
# The application's display name: Qt appends it to every window title (" — name" on X11), so
# titles name only their window ("登录", "诊断").
APP_TITLE = str(QT_TRANSLATE_NOOP("App", "衡阳市公共资源交易系统 投标人客户端"))
# Shown by the login window and its tabs until the core is ready.
PREPARING = str(QT_TRANSLATE_NOOP("LoginWindow", "正在准备…"))
_installed: list[QTranslator] = []


def translate(context: str, text: str) -> str:
    """The tr helper: ``text`` (Chinese, the source language) in the installed language."""
    return QCoreApplication.translate(context, text)


def english() -> bool:
    return QLocale().language() == QLocale.Language.English


def message(info: ErrorInfo) -> str:
    """A catalogue entry's message in the interface language."""
    return info.en if english() and info.en else info.zh


def advice(info: ErrorInfo) -> str:
    return info.advice_en if english() and info.advice_en else info.advice_zh


def field_label(field: Field) -> str:
    """A form field's label from the core spec, in the interface language."""
    return field.label_en if english() and field.label_en else field.label_zh


def placeholder(field: Field) -> str:
    return field.placeholder_en if english() and field.placeholder_en else field.placeholder


def form_title(spec: FormSpec) -> str:
    return spec.title_en if english() and spec.title_en else spec.title_zh


def reason(error: FieldError) -> str:
    """Why a field was refused; the Chinese when no English is known (a platform's reason)."""
    return error.message_en if english() and error.message_en else error.message


def error_label(error: FieldError) -> str:
    if english() and error.label_en:
        return error.label_en
    return error.label or error.field


def ts_path(language: str) -> Path:
    return resources_dir() / "translations" / f"hy_client_{language}.ts"


def _lrelease() -> str | None:
    import PySide6

    base = Path(PySide6.__file__).parent
    for name in ("lrelease", "lrelease.exe"):
        if (base / name).exists():
            return str(base / name)
    candidate = Path(sys.executable).parent / "pyside6-lrelease"
    return str(candidate) if candidate.exists() else None


def qm_path(language: str) -> Path | None:
    """A current .qm for ``language``: the shipped one, else compiled now; None if impossible."""
    source = ts_path(language)
    shipped = source.with_suffix(".qm")
    if shipped.exists() and (not source.exists()
                             or shipped.stat().st_mtime >= source.stat().st_mtime):
        return shipped
    if not source.exists():
        return None
    built = dirs.data_dir() / "i18n" / shipped.name
    if built.exists() and built.stat().st_mtime >= source.stat().st_mtime:
        return built
    tool = _lrelease()
    if tool is None:
        log.warning("lrelease not found: %s stays untranslated", language)
        return None
    import subprocess  # rarely needed: not at start-up

    built.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([tool, "-silent", str(source), "-qm", str(built)],
                            capture_output=True, timeout=60, check=False)
    if result.returncode != 0 or not built.exists():
        log.warning("lrelease failed for %s (exit %s)", language, result.returncode)
        return None
    return built


def app_title() -> str:
    return translate("App", APP_TITLE)


# Strings Qt's own zh_CN catalogue misses in this Qt version (its .qm has "Look in:", the
# dialog asks for "&Look in:"): without these the file dialog shows English labels.
_QT_GAPS_ZH: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}


class _QtGaps(QTranslator):
    """Fills the few holes of qtbase_zh_CN (consulted after it)."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None is Qt's null string: "no translation here", so the other catalogues answer.
        return _QT_GAPS_ZH.get((context, source))

    def isEmpty(self) -> bool:
        return False


def install(app: QCoreApplication, language: str, *, qt_catalogue: bool = True) -> str:
    """Load the translators for ``language`` (replacing earlier ones); returns what was used.

    Ours, the locale and the display name; then, unless ``qt_catalogue`` is False, Qt's own
    (``install_qt_catalogue``). The application's start passes False and loads Qt's after the
    first frame, which shows none of Qt's strings; the tests get both at once.
    """
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    if language != DEFAULT_LANGUAGE:
        qm = qm_path(language)
        own = QTranslator(app)
        if qm is not None and own.load(str(qm)):
            app.installTranslator(own)
            _installed.append(own)
    QLocale.setDefault(QLocale(language))
    if isinstance(app, QGuiApplication):
        app.setApplicationDisplayName(app_title())
    if qt_catalogue:
        install_qt_catalogue(app, language)
    return language


def install_qt_catalogue(app: QCoreApplication, language: str) -> None:
    """Qt's own strings (qtbase: the OK/Cancel of standard buttons, the file dialog)."""
    from PySide6.QtCore import QLibraryInfo

    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator(app)
    if qt.load(QLocale(language), "qtbase", "_", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    else:
        log.warning("Qt's own %s translations not found in %s", language, qt_dir)
    if language == "zh_CN":
        gaps = _QtGaps(app)
        app.installTranslator(gaps)
        _installed.append(gaps)
