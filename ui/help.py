"""帮助: the manual's other matters, the support numbers, and the About box.

The matters come from ``hy_client.support`` (the CLI's ``help`` prints the same), in the
interface language; the certificate-extension advice is the renewal advisor's, as the banner
shows it. Only headings and buttons are translated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hy_client import __version__, support
from hy_client.renewal import RenewalAdvice

from .i18n import app_title, english, translate

# Headings: translatable; the matters themselves come from hy_client.support in both languages.
_HEADINGS = (
    str(QT_TRANSLATE_NOOP("Help", "其他事项")),
    str(QT_TRANSLATE_NOOP("Help", "单位名称变更")),
    str(QT_TRANSLATE_NOOP("Help", "CA锁（数字证书）延期")),
    str(QT_TRANSLATE_NOOP("Help", "忘记密码")),
    str(QT_TRANSLATE_NOOP("Help", "联系电话")),
)


def _t(zh: str, en: str) -> str:
    return en if english() else zh


def forgot_password_html() -> str:
    rule = support.PASSWORD_RULE
    return (f"<ul><li>{escape(_t(rule.never_logged_in_zh, rule.never_logged_in_en))}</li>"
            f"<li>{escape(_t(rule.logged_in_before_zh, rule.logged_in_before_en))}</li></ul>")


def name_change_html() -> str:
    change = support.NAME_CHANGE
    attachments = change.attachments_en if english() else change.attachments_zh
    items = "".join(f"<li>{escape(a)}</li>" for a in attachments)
    send = translate("Help", "发送电子邮件至 <b>{email}</b>（邮件主题“{subject}”），附上：").format(
        email=escape(change.email), subject=escape(change.subject))
    return f"<p>{send}</p><ol>{items}</ol><p>{escape(_t(change.note_zh, change.note_en))}</p>"


def advice_html(advice: Sequence[RenewalAdvice]) -> str:
    """The renewal advisor's words for the bidder's own certificates (none decided here)."""
    if not advice:
        return translate("Help", "插入CA锁后，这里会结合您未开标的项目给出延期建议。")
    due = [a for a in advice if a.level != "ok"]
    if not due:
        return translate("Help", "CA锁中的证书目前都无需延期。")
    return "<br>".join(
        f"<b>{escape(a.subject_cn)}</b>：{escape(_t(a.message_zh, a.message_en))}" for a in due)


def help_html() -> str:
    h = [translate("Help", x) for x in _HEADINGS]
    desks = "".join(
        f"<tr><td>{escape(_t(d.name_zh, d.name_en))}</td><td><b>{d.phone}</b></td>"
        f"<td>{escape(_t(d.handles_zh, d.handles_en))}</td></tr>" for d in support.DESKS)
    return (f"<h2>{h[0]}</h2>"
            f"<h3>{h[1]}</h3>{name_change_html()}"
            f"<h3>{h[2]}</h3><p>{escape(_t(support.EXTENSION_RULE_ZH, support.EXTENSION_RULE_EN))}"
            "</p>"
            f"<h3>{h[3]}</h3>{forgot_password_html()}"
            f"<h3>{h[4]}</h3><table cellpadding=\"4\">{desks}</table>")


class HelpPage(QWidget):
    def __init__(self, parent: QWidget | None = None,
                 advice: Sequence[RenewalAdvice] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("helpPage")
        self.text = QTextBrowser()
        self.text.setObjectName("helpText")
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(help_html())
        # The advisor's answer for the keys plugged in: names certificates, so it is data.
        self.advice = QLabel()
        self.advice.setObjectName("renewalAdviceText")
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.RichText)
        self.set_advice(advice)
        self.mail_button = QPushButton(translate("Help", "写邮件（单位名称变更）"))
        self.mail_button.setObjectName("mailButton")
        self.mail_button.clicked.connect(self.write_mail)
        about = QPushButton(translate("Help", "关于本软件"))
        about.setObjectName("aboutButton")
        about.clicked.connect(lambda: show_about(self))
        buttons = QHBoxLayout()
        buttons.addWidget(self.mail_button)
        buttons.addWidget(about)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        heading = QLabel(translate("Help", "您的证书"))
        heading.setObjectName("adviceHeading")
        layout.addWidget(self.text, 1)
        layout.addWidget(heading)
        layout.addWidget(self.advice)
        layout.addLayout(buttons)

    def set_advice(self, advice: Sequence[RenewalAdvice]) -> None:
        self.advice.setText(advice_html(advice))

    def mail_url(self) -> QUrl:
        return QUrl(support.NAME_CHANGE.mailto())

    def write_mail(self) -> None:
        """The bidder's own mail client, addressed and with the subject filled in."""
        if not QDesktopServices.openUrl(self.mail_url()):
            QMessageBox.information(
                self, translate("Help", "写邮件"),
                translate("Help", "未找到邮件程序。请将材料发送至 {email}，邮件主题“{subject}”。")
                .format(email=support.NAME_CHANGE.email, subject=support.NAME_CHANGE.subject))


def about_text() -> str:
    return translate(
        "Help", "<h3>{title}</h3><p>版本 {version}</p>"
        "<p>CA锁登录、基本信息、企业资质、职业人员与证书管理，替代浏览器控件。</p>"
        "<p>技术支持：{phone}</p>").format(title=app_title(), version=__version__,
                                         phone=support.DESKS[2].phone)


def show_about(parent: QWidget | None) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, translate("Help", "关于"), about_text(),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("aboutBox")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
