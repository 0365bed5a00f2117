"""Field validators: pure functions, shared by the client forms and the sandbox server.

Each check comes in two forms: ``<thing>_error(value) -> Reason | None`` gives the reason
(None when valid), so a form can show why; ``check_<thing>(value) -> bool`` is the yes/no.
Validators are strict about case and spaces: callers normalise first (``normalise_code``),
which is what the form layer does before it validates and builds the payload.
"""

from __future__ import annotations

import re
from datetime import date, timedelta, timezone


class Reason(str):
    """A refusal reason: the string is the Chinese (what every caller used), ``en`` its English.

    One literal per fact: a form shows ``en`` when the interface is English.
    """

    en: str

    def __new__(cls, zh: str, en: str) -> Reason:
        reason = super().__new__(cls, zh)
        reason.en = en
        return reason


# --- 统一社会信用代码, GB 32100-2015 ---------------------------------------------------------
# 31 characters: digits and capitals without I, O, S, V, Z. A character's value is its index.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
USCC_LENGTH = 18


def uscc_check_char(body: str) -> str:
    """The check character for the first 17 characters of a USCC (ValueError if not in charset)."""
    if len(body) != USCC_LENGTH - 1:
        raise ValueError("a USCC body has 17 characters")
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    except KeyError:
        raise ValueError("character outside the USCC charset") from None
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_error(code: str) -> Reason | None:
    if len(code) != USCC_LENGTH:
        return Reason("统一社会信用代码应为18位",
                      "The unified social credit code has 18 characters")
    if any(c not in _USCC_VALUE for c in code):
        return Reason("统一社会信用代码含有无效字符（不使用I、O、S、V、Z）",
                      "Invalid character in the credit code (I, O, S, V and Z are not used)")
    if uscc_check_char(code[:17]) != code[17]:
        return Reason("统一社会信用代码校验位错误", "Wrong check character in the credit code")
    return None


def check_uscc(code: str) -> bool:
    return uscc_error(code) is None


# --- 公民身份号码, GB 11643-1999 (ISO 7064 MOD 11-2) -----------------------------------------
ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, ...
_ID_CHECK = "10X98765432"  # indexed by the weighted sum mod 11
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def id_check_char(body: str) -> str:
    """The check character (0-9 or X) for the first 17 digits of a resident ID number."""
    if len(body) != 17 or not body.isascii() or not body.isdigit():
        raise ValueError("an ID number body has 17 digits")
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


_ID_BIRTH_DATE = Reason("身份证号中的出生日期无效", "Invalid birth date in the ID number")


def id_number_error(code: str, *, today: date | None = None) -> Reason | None:
    """Shape, birth date (a real day, 1900 or later, not in the future) and check character."""
    if len(code) != 18:
        return Reason("身份证号应为18位", "The ID number has 18 characters")
    if not _ID_SHAPE.fullmatch(code):
        return Reason("身份证号格式错误（前17位为数字，末位为数字或X）",
                      "Invalid ID number (17 digits, then a digit or X)")
    try:
        born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return _ID_BIRTH_DATE
    if born.year < 1900 or born > (today or date.today()):
        return _ID_BIRTH_DATE
    if id_check_char(code[:17]) != code[17]:
        return Reason("身份证号校验位错误", "Wrong check character in the ID number")
    return None


def check_id_number(code: str, *, today: date | None = None) -> bool:
    return id_number_error(code, today=today) is None


def normalise_code(code: str) -> str:
    """USCC and ID numbers as stored: no surrounding spaces, capitals (a typed 'x' becomes 'X')."""
    return code.strip().upper()


# --- phone numbers -------------------------------------------------------------------------
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area code 0xx/0xxx, a 7-8 digit number, optional extension: 0734-8846540, 07348846540,
# 0734-8846540-801; service numbers 400/800: 4007777016, 400-777-7016.
_LANDLINE = re.compile(r"0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(-[0-9]{1,6})?")
_SERVICE = re.compile(r"[48]00-?[0-9]{3}-?[0-9]{4}")


def mobile_error(number: str) -> Reason | None:
    if not _MOBILE.fullmatch(number):
        return Reason("手机号格式错误（应为11位，以1开头）",
                      "Invalid mobile number (11 digits starting with 1)")
    return None


def check_mobile(number: str) -> bool:
    return mobile_error(number) is None


def landline_error(number: str) -> Reason | None:
    if not (_LANDLINE.fullmatch(number) or _SERVICE.fullmatch(number)):
        return Reason("固定电话格式错误（如 0734-8846540）",
                      "Invalid landline number (such as 0734-8846540)")
    return None


def check_landline(number: str) -> bool:
    return landline_error(number) is None


def phone_error(number: str) -> Reason | None:
    """A mobile or a landline number: what a contact-phone field accepts."""
    if check_mobile(number) or check_landline(number):
        return None
    return Reason("电话号码格式错误（手机号11位，或固定电话如 0734-8846540）",
                  "Invalid phone number (11-digit mobile, or a landline such as 0734-8846540)")


def check_phone(number: str) -> bool:
    return phone_error(number) is None


# --- e-mail, dates, numbers, passwords ------------------------------------------------------
# Practical, not RFC 5322: what registration forms accept. ASCII only, a dot in the domain.
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def email_error(address: str) -> Reason | None:
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        return Reason("电子邮箱格式错误", "Invalid e-mail address")
    return None


def check_email(address: str) -> bool:
    return email_error(address) is None


CHINA_TZ = timezone(timedelta(hours=8), "CST")  # the platform's dates and times (no DST)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> date | None:
    """An ISO ``YYYY-MM-DD`` date, or None (Python's fromisoformat alone also takes 20240101)."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_error(text: str) -> Reason | None:
    if parse_date(text) is None:
        return Reason("日期格式错误（应为 YYYY-MM-DD，如 2024-06-30）",
                      "Invalid date (YYYY-MM-DD, such as 2024-06-30)")
    return None


def check_date(text: str) -> bool:
    return date_error(text) is None


_NUMBER = re.compile(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?")


def number_error(text: str) -> Reason | None:
    """A non-negative decimal such as a registered capital in 万元 (no sign, no separators)."""
    if not _NUMBER.fullmatch(text):
        return Reason("请输入数字（如 500 或 1200.5）", "Enter a number (such as 500 or 1200.5)")
    return None


def check_number(text: str) -> bool:
    return number_error(text) is None


PASSWORD_MIN_LENGTH = 8


def password_error(password: str) -> Reason | None:
    """The platform's rule (catalogue A114): at least 8 characters with letters and digits."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return Reason(f"密码至少{PASSWORD_MIN_LENGTH}位",
                      f"At least {PASSWORD_MIN_LENGTH} characters")
    if not (any(c.isascii() and c.isalpha() for c in password)
            and any(c.isascii() and c.isdigit() for c in password)):
        return Reason("密码需同时包含字母和数字", "Use both letters and digits")
    return None


def check_password(password: str) -> bool:
    return password_error(password) is None


def username_error(name: str) -> Reason | None:
    """A unit's or a person's name, or letters and digits (the manual: the username is the
    unit name or the person's name); the rule itself lives in ``hy_client.usernames``."""
    from .. import usernames

    zh = usernames.problem(name)
    if zh is None:
        return None
    return Reason(zh, "2-64 letters (any script), digits or _ - . ( ), starting with a letter")
