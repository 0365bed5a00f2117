"""帮助: the manual's other matters, the support numbers, and the About box.

The texts are translatable HTML with ``{placeholders}`` for the numbers, so a number lives in
one place (``PHONES``) and the English comes from the .ts like every other string.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from hy_client import __version__

from .i18n import app_title, translate

PHONES = (
    (str(QT_TRANSLATE_NOOP("Help", "建设工程交易科")), "0734-8846540"),
    (str(QT_TRANSLATE_NOOP("Help", "政府采购科")), "0734-8846512"),
    (str(QT_TRANSLATE_NOOP("Help", "技术支持")), "0734-8846545"),
)
PASSWORD_HELP_PHONES = ("4007777016", "4006682666")

FORGOT_PASSWORD_HTML = str(QT_TRANSLATE_NOOP(
    "Help",
    "<p>账号密码在湖南省统一注册平台管理。忘记密码时：</p>"
    "<ol><li>在统一注册平台登录页点“忘记密码”，按提示用注册手机号或邮箱找回；</li>"
    "<li>如已绑定标证通，也可以用“扫码登录”登录后在平台修改密码。</li></ol>"
    "<p>找回密码咨询电话：<b>{phone1}</b>、<b>{phone2}</b></p>"))

HELP_HTML = str(QT_TRANSLATE_NOOP("Help", """
<h2>其他事项</h2>
<h3>单位名称变更</h3>
<p>单位名称变更后，请将变更材料（新营业执照、变更核准通知书等）通过电子邮件发送至交易中心，
由中心工作人员处理。<b>正在参与投标的项目期间请勿办理名称变更</b>，以免投标文件与单位信息不一致。</p>
<h3>CA锁（数字证书）延期</h3>
<p>证书到期前请<b>提前</b>到CA机构办理延期。<b>投标期间（投标截止前至开标结束）不要办理延期</b>：
延期会更换证书密钥，开标时将无法解密用旧证书加密的投标文件。</p>
<p>本客户端会在证书需要处理时在窗口顶部提示，并结合您未开标的项目给出建议。</p>
<h3>忘记密码</h3>
{forgot}
<h3>联系电话</h3>
<table cellpadding="4">{phones}</table>
"""))


def forgot_password_html() -> str:
    return translate("Help", FORGOT_PASSWORD_HTML).format(
        phone1=PASSWORD_HELP_PHONES[0], phone2=PASSWORD_HELP_PHONES[1])


def help_html() -> str:
    rows = "".join(f"<tr><td>{translate('Help', name)}</td><td><b>{phone}</b></td></tr>"
                   for name, phone in PHONES)
    return translate("Help", HELP_HTML).format(forgot=forgot_password_html(), phones=rows)


class HelpPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpPage")
        self.text = QTextBrowser()
        self.text.setObjectName("helpText")
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(help_html())
        about = QPushButton(translate("Help", "关于本软件"))
        about.setObjectName("aboutButton")
        about.clicked.connect(lambda: show_about(self))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(about, 0, Qt.AlignmentFlag.AlignLeft)


def about_text() -> str:
    return translate(
        "Help", "<h3>{title}</h3><p>版本 {version}</p>"
        "<p>CA锁登录、基本信息、企业资质、职业人员与证书管理，替代浏览器控件。</p>"
        "<p>技术支持：{phone}</p>").format(title=app_title(), version=__version__,
                                         phone=PHONES[2][1])


def show_about(parent: QWidget | None) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, translate("Help", "关于"), about_text(),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("aboutBox")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
