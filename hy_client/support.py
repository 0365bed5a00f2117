"""The manual's 其它事项 in one place: the centre's desks and phones, the name-change procedure,
the forgotten-password rule and the general rule for certificate extension. The 帮助 page and
``hy-client help`` both render these. What to do about this account's certificates and bids
(when to renew, which bids to wait for) is the renewal advisor's, never this module's.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from .errors import PASSWORD_HELP_PHONES as PASSWORD_HELP_PHONES  # the manual lists it here
from .errors import SUPPORT_PHONE


@dataclass(frozen=True)
class Desk:
    name_zh: str
    name_en: str
    phone: str
    handles_zh: str
    handles_en: str


DESKS: tuple[Desk, ...] = (
    Desk("建设工程交易科", "Construction works section", "0734-8846540",
         "房建、市政、交通、水利等建设工程项目的招标投标事务",
         "tenders for building, municipal, transport and water works"),
    Desk("政府采购科", "Government procurement section", "0734-8846512",
         "政府采购项目的采购与投标事务", "government procurement tenders"),
    Desk("技术支持", "Technical support", SUPPORT_PHONE,
         "CA锁、驱动、本客户端与系统登录等技术问题",
         "USB keys, drivers, this program and signing in"),
)

# The centre's own desks (not technical support), as a message names them when a bid is lost.
CENTRE_PHONES_ZH = "，".join(f"{d.name_zh} {d.phone}" for d in DESKS if d.phone != SUPPORT_PHONE)

NAME_CHANGE_EMAIL = "2939322251@qq.com"
NAME_CHANGE_SUBJECT = "单位名称变更申请"


@dataclass(frozen=True)
class NameChange:
    email: str
    subject: str
    attachments_zh: tuple[str, ...]
    attachments_en: tuple[str, ...]
    note_zh: str
    note_en: str

    def mailto(self, unit_name: str = "") -> str:
        """The mail client's link, subject filled in (with the unit's name when known)."""
        subject = f"{self.subject}（{unit_name}）" if unit_name else self.subject
        return f"mailto:{self.email}?subject={quote(subject)}"


NAME_CHANGE = NameChange(
    NAME_CHANGE_EMAIL, NAME_CHANGE_SUBJECT,
    ("自行撰写的名称变更说明（写明原名称、新名称和联系人，加盖公章）",
     "营业执照复印件（变更后，加盖公章）"),
    ("a change statement you write yourself (old and new name, contact person, company seal)",
     "a copy of the business licence after the change (with the company seal)"),
    "发送邮件后由交易中心工作人员处理。正在参与投标的项目期间请勿办理名称变更，"
    "以免投标文件与单位信息不一致。",
    "The centre's staff handle it after your e-mail. Do not change the name while a bid is "
    "under way: the bid documents would no longer match the organisation's details.")


@dataclass(frozen=True)
class PasswordRule:
    """Two branches, as the manual has them."""

    never_logged_in_zh: str
    never_logged_in_en: str
    logged_in_before_zh: str
    logged_in_before_en: str


PASSWORD_RULE = PasswordRule(
    "从未登录过衡阳市公共资源交易系统的账号：请致电统一注册平台 "
    f"{PASSWORD_HELP_PHONES[0]} 或 {PASSWORD_HELP_PHONES[1]} 找回密码。",
    "An account that has never signed in to the Hengyang system: call the registration "
    f"platform on {PASSWORD_HELP_PHONES[0]} or {PASSWORD_HELP_PHONES[1]}.",
    "曾经登录过的账号：在登录页点“忘记密码”，按提示用注册手机号或邮箱重置密码"
    "（已绑定标证通的，也可扫码登录后修改密码）。",
    "An account that has signed in before: use 'Forgot password' on the sign-in page and "
    "reset it with the registered mobile number or e-mail (with the app bound, you may also "
    "scan to sign in and change it).")

EXTENSION_RULE_ZH = ("证书到期前请提前到CA机构办理延期。"
                     "投标期间（投标截止前至开标结束）不要办理延期："
                     "延期会更换证书密钥，开标时将无法解密用旧证书加密的投标文件。")
EXTENSION_RULE_EN = ("Extend the certificate at the CA well before it expires, never while a bid "
                     "is open (from the deadline to the end of the opening): extension re-keys "
                     "the certificate and a bid encrypted to the old key cannot be opened.")
