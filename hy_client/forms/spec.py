"""Field and form specs: one declaration drives validation, the payload and the GUI widgets.

A spec is plain frozen data; ``validate`` and ``payload`` are pure and fast because the sandbox
server runs the very same functions on every write.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

from .. import usernames
from ..errors import FieldError
from . import validators as v

if TYPE_CHECKING:
    from ..api.models import ReferenceLists

FieldKind = Literal["text", "multiline", "date", "choice", "phone", "mobile", "email", "uscc",
                    "id_number", "password", "number", "username"]

# The longest value a kind accepts when the field does not say (characters, not bytes).
DEFAULT_MAX_LENGTH: dict[str, int] = {
    "text": 100, "multiline": 2000, "date": 10, "choice": 64, "phone": 20, "mobile": 11,
    "email": 254, "uscc": 18, "id_number": 18, "password": 128, "number": 20,
    "username": usernames.MAX_LENGTH,
}

# Shape checks per kind; "text" and "multiline" have none, choices are checked against their
# list, and a password must meet the platform's strength rule.
_KIND_CHECKS = {
    "date": v.date_error, "phone": v.phone_error, "mobile": v.mobile_error,
    "email": v.email_error, "uscc": v.uscc_error, "id_number": v.id_number_error,
    "number": v.number_error, "password": v.password_error, "username": v.username_error,
}

REQUIRED = v.Reason("不能为空", "Required")
_BAD_FORMAT = v.Reason("格式错误", "Invalid format")


@dataclass(frozen=True)
class Field:
    """One input. ``choices_from`` names a ReferenceLists list; ``choices`` are (code, 中文)."""

    key: str
    label_zh: str
    label_en: str
    kind: FieldKind = "text"
    required: bool = True
    max_length: int = 0  # 0: the kind's default
    choices_from: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""
    placeholder_en: str = ""  # needed only when ``placeholder`` is not already language-neutral
    help_zh: str = ""
    pattern: str = ""  # an extra full-match regex for text fields (e.g. the username)
    pattern_reason: str = ""
    pattern_reason_en: str = ""

    @property
    def limit(self) -> int:
        return self.max_length or DEFAULT_MAX_LENGTH[self.kind]

    @property
    def secret(self) -> bool:
        """Never autosaved, logged or echoed."""
        return self.kind == "password"

    def refused(self, reason: v.Reason) -> FieldError:
        """This field's FieldError for ``reason``, in Chinese and English."""
        return FieldError(self.key, reason, self.label_zh, reason.en, self.label_en)

    def options(self, references: ReferenceLists | None = None) -> list[tuple[str, str]]:
        """(code, name) pairs for a choice field; a reference list needs ``references``."""
        if self.choices:
            return list(self.choices)
        if self.choices_from and references is not None:
            return [(o.code, o.name) for o in getattr(references, self.choices_from)]
        return []

    def code_for(self, value: str, references: ReferenceLists | None = None) -> str:
        """A choice typed as its code or its Chinese name → the code; other kinds unchanged."""
        if self.kind != "choice":
            return value
        text = value.strip()
        for code, name in self.options(references):
            if text in (code, name):
                return code
        return value

    def name_for(self, value: str, references: ReferenceLists | None = None) -> str:
        """The Chinese name of a stored choice code (the code itself when unknown)."""
        return dict(self.options(references)).get(value, value) if self.kind == "choice" else value

    def normalise(self, value: str) -> str:
        """What is stored and sent: trimmed, codes in capitals, multiline with LF only."""
        if self.kind == "multiline":
            return value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if self.kind in ("uscc", "id_number"):
            return v.normalise_code(value)
        if self.kind == "password":
            return value  # a password is taken exactly as typed
        if self.kind == "username":
            return usernames.display(value)  # NFKC, trimmed: full-width letters are ASCII
        return value.strip()

    def error(self, value: str, references: ReferenceLists | None = None) -> v.Reason | None:
        """The reason a non-empty, normalised value is refused, or None."""
        allowed = "\n\t" if self.kind == "multiline" else ""
        if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
            return (v.Reason("含有不可见的控制字符", "Contains invisible control characters")
                    if self.kind == "multiline"
                    else v.Reason("不能包含换行或控制字符", "No line breaks or control characters"))
        check = _KIND_CHECKS.get(self.kind)
        if check is not None and (reason := check(value)):
            return reason
        if len(value) > self.limit:
            return v.Reason(f"不能超过{self.limit}个字符", f"At most {self.limit} characters")
        if self.pattern and not re.fullmatch(self.pattern, value):
            if self.pattern_reason:
                return v.Reason(self.pattern_reason, self.pattern_reason_en)
            return _BAD_FORMAT
        if self.kind == "choice":
            codes = [code for code, _ in self.options(references)]
            if (self.choices or references is not None) and value not in codes:
                return v.Reason("请从列表中选择", "Choose from the list")
        return None


class Rule(Protocol):
    """A cross-field rule: sees the normalised values of fields that passed on their own."""

    def check(self, values: Mapping[str, str], spec: FormSpec) -> FieldError | None: ...


@dataclass(frozen=True)
class DateAfter:
    """``later`` must be a date strictly after ``earlier`` (e.g. 有效期至 after 发证日期)."""

    later: str
    earlier: str
    reason_zh: str
    reason_en: str = ""

    def check(self, values: Mapping[str, str], spec: FormSpec) -> FieldError | None:
        late, early = v.parse_date(values.get(self.later, "")), v.parse_date(
            values.get(self.earlier, ""))
        if late is None or early is None or late > early:
            return None
        return spec.field(self.later).refused(v.Reason(self.reason_zh, self.reason_en))


@dataclass(frozen=True)
class NotPast:
    """``key`` must not be a date already past in China time: an expired certificate is renewed
    before it is filed, never filed expired (client and sandbox run this same rule)."""

    key: str
    reason_zh: str
    reason_en: str = ""

    def check(self, values: Mapping[str, str], spec: FormSpec) -> FieldError | None:
        when = v.parse_date(values.get(self.key, ""))
        today = datetime.now(v.CHINA_TZ).date()
        if when is None or when >= today:
            return None
        return spec.field(self.key).refused(v.Reason(self.reason_zh, self.reason_en))


@dataclass(frozen=True)
class SameAs:
    """``key`` must repeat ``other`` (password confirmation)."""

    key: str
    other: str
    reason_zh: str
    reason_en: str = ""

    def check(self, values: Mapping[str, str], spec: FormSpec) -> FieldError | None:
        if self.key not in values or values.get(self.key) == values.get(self.other):
            return None
        return spec.field(self.key).refused(v.Reason(self.reason_zh, self.reason_en))


@dataclass(frozen=True)
class FormSpec:
    name: str
    title_zh: str
    title_en: str
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    # non-empty: at least one 电子件 is required to submit, and this says which (zh, en)
    attachments_required: tuple[str, str] = ("", "")

    def __post_init__(self) -> None:
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate field key in spec {self.name}")

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"{self.name} has no field {key!r}")

    def key_for(self, name: str) -> str | None:
        """The field a user named: its key, Chinese label or English label (any case)."""
        wanted = unicodedata.normalize("NFKC", name).strip().casefold()
        for f in self.fields:
            if wanted in (f.key.casefold(), f.label_zh.casefold(), f.label_en.casefold()):
                return f.key
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def validate(self, data: Mapping[str, str], *, partial: bool = False,
                 references: ReferenceLists | None = None) -> list[FieldError]:
        """Every invalid field, in form order. ``partial``: only filled-in fields (draft saves).

        Choice fields are checked against ``references`` when given (the server passes its
        lists); without them only static choices are checked.
        """
        found: list[FieldError] = []
        good: dict[str, str] = {}
        for f in self.fields:
            raw = data.get(f.key, "")
            if not isinstance(raw, str):
                found.append(f.refused(_BAD_FORMAT))
                continue
            value = f.normalise(raw)
            if not value:
                if f.required and not partial:
                    found.append(f.refused(REQUIRED))
                continue
            reason = f.error(value, references)
            if reason:
                found.append(f.refused(reason))
            else:
                good[f.key] = value
        for rule in self.rules:
            error = rule.check(good, self)
            if error is not None:
                found.append(error)
        return found

    def attachments_error(self, count: int) -> FieldError | None:
        """The refusal to submit without the 电子件 this form needs (None: enough)."""
        zh, en = self.attachments_required
        if not zh or count > 0:
            return None
        return FieldError("attachments", zh, "电子件", en, "Electronic documents")

    def payload(self, data: Mapping[str, str]) -> dict[str, str]:
        """Known, non-empty fields only, normalised, in form order."""
        out: dict[str, str] = {}
        for f in self.fields:
            raw = data.get(f.key)
            if isinstance(raw, str) and (value := f.normalise(raw)):
                out[f.key] = value
        return out
