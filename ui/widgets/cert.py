"""Certificate details as a bidder needs them: who, which company, which code, until when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from ..i18n import message, translate
from ..theme import set_role

if TYPE_CHECKING:
    from hy_client.token.models import CertificateInfo

STATUS_ZH = {
    "valid": str(QT_TRANSLATE_NOOP("CertificatePanel", "有效")),
    "expiring": str(QT_TRANSLATE_NOOP("CertificatePanel", "即将到期")),
    "expired": str(QT_TRANSLATE_NOOP("CertificatePanel", "已过期")),
    "not_yet_valid": str(QT_TRANSLATE_NOOP("CertificatePanel", "尚未生效")),
    "invalid": str(QT_TRANSLATE_NOOP("CertificatePanel", "无法解析")),
}
STATUS_ROLE = {"valid": "ok", "expiring": "warning", "expired": "critical",
               "not_yet_valid": "warning", "invalid": "critical"}


def rdn_value(name: str, attr: str = "CN") -> str:
    """One attribute of an RFC 4514 name (``CN=…,O=…``); the whole name when it is absent."""
    for part in name.replace("\\,", "\0").split(","):
        key, _, value = part.partition("=")
        if key.strip().upper() == attr:
            return value.replace("\0", ",").strip()
    return name


def validity_text(cert: CertificateInfo) -> str:
    if cert.not_before is None or cert.not_after is None:
        return "—"
    from hy_client.renewal import CHINA_TZ  # with the form specs: not needed at start-up

    start = cert.not_before.astimezone(CHINA_TZ).strftime("%Y-%m-%d")
    end = cert.not_after.astimezone(CHINA_TZ).strftime("%Y-%m-%d")
    days = cert.days_left
    if days is None:
        tail = ""
    elif days < 0:
        tail = translate("CertificatePanel", "（已过期 {n} 天）").format(n=-days)
    else:
        tail = translate("CertificatePanel", "（剩余 {n} 天）").format(n=days)
    return translate("CertificatePanel", "{start} 至 {end}").format(start=start, end=end) + tail


class CertificatePanel(QWidget):
    ROWS = (
        ("holder", str(QT_TRANSLATE_NOOP("CertificatePanel", "持有人"))),
        ("organization", str(QT_TRANSLATE_NOOP("CertificatePanel", "单位"))),
        ("uscc", str(QT_TRANSLATE_NOOP("CertificatePanel", "统一社会信用代码"))),
        ("issuer", str(QT_TRANSLATE_NOOP("CertificatePanel", "颁发者"))),
        ("validity", str(QT_TRANSLATE_NOOP("CertificatePanel", "有效期"))),
        ("status", str(QT_TRANSLATE_NOOP("CertificatePanel", "状态"))),
        ("algorithm", str(QT_TRANSLATE_NOOP("CertificatePanel", "密钥算法"))),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("certificatePanel")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.values: dict[str, QLabel] = {}
        for key, title in self.ROWS:
            value = QLabel("—")
            value.setObjectName(f"cert_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(value.textInteractionFlags()
                                          | value.textInteractionFlags().TextSelectableByMouse)
            self.values[key] = value
            layout.addRow(QLabel(translate("CertificatePanel", title)), value)

    def set_certificate(self, cert: CertificateInfo | None) -> None:
        if cert is None:
            for label in self.values.values():
                label.setText("—")
            self._role("")
            return
        uscc = cert.uscc or (translate("CertificatePanel", "{uscc}（校验位错误）").format(
            uscc=cert.uscc_invalid) if cert.uscc_invalid else "—")
        texts = {
            "holder": cert.subject_cn or "—", "organization": cert.organization or "—",
            "uscc": uscc, "issuer": rdn_value(cert.issuer) or "—",
            "validity": validity_text(cert),
            "status": translate("CertificatePanel", STATUS_ZH.get(cert.status, cert.status)),
            "algorithm": cert.key_algorithm or "—",
        }
        if cert.warning is not None:  # e.g. an SM2 key whose driver's mechanism is not known
            info, _ = cert.warning
            texts["algorithm"] = f"{texts['algorithm']} — {message(info)}（{info.code}）"
        if cert.error is not None:
            texts["status"] = f"{message(cert.error)}（{cert.error.code}）"
        for key, text in texts.items():
            self.values[key].setText(text)
        self._role(STATUS_ROLE.get(cert.status, ""))
        set_role(self.values["algorithm"], "warning" if cert.warning is not None else "")

    def _role(self, role: str) -> None:
        for key in ("status", "validity"):
            set_role(self.values[key], role)
