"""Redaction: what support receives must not identify the user's secrets or person.

Removed: known secret values (the PIN, the stored session token), anything after a
``password=``/``pin=``/``token=`` style key, bearer tokens, cookies, credentials inside URLs.
Masked (first 2 and last 2 kept): 18-character 身份证号 and 统一社会信用代码.
Paths: the home directory becomes ``~`` and the user name as a path component ``<user>``.
Over-redaction is accepted: a short PIN also disappears from unrelated text.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..forms.validators import USCC_CHARSET

HIDDEN = "<已隐去>"
USER = "<user>"

# 18 characters that could be a 统一社会信用代码 or a 身份证号 (digits, then a digit or X).
_CODE18 = re.compile(rf"(?<![0-9A-Za-z])(?:[{USCC_CHARSET}]{{18}}|\d{{17}}[\dXx])(?![0-9A-Za-z])")
_KEYED = re.compile(
    r"(?i)([\"']?\b(?:password|passwd|pwd|pin|so_pin|user_pin|session_token|access_token|token"
    r"|secret|api_key|authorization)\b[\"']?\s*[:=]\s*)(\"[^\"\n]*\"|'[^'\n]*'|[^\s\",;&'}]+)")
_KEYED_ZH = re.compile(r"((?:密码|口令|PIN码)\s*[:：=]\s*)(\S+)")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_COOKIE = re.compile(r"(?i)\b((?:set-)?cookie\s*[:=]\s*)[^\r\n]*")
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@:]+(?::[^/\s@]*)?@")


def mask(code: str) -> str:
    """``43**************1X``: enough for support to match a record, not to reuse it."""
    return code[:2] + "*" * (len(code) - 4) + code[-2:]


class Redactor:
    """Scrubs text and JSON-like data. Built per run; holds secrets only while the run lasts."""

    def __init__(self, secrets: Iterable[str | None] = (), *, home: str | None = None,
                 user: str | None = None) -> None:
        # Longest first, so a secret containing another is removed whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True)
        self._home = home if home is not None else _home()
        self._user = user if user is not None else _user()
        flags = re.IGNORECASE if sys.platform.startswith("win") else 0
        self._home_re = (re.compile(re.escape(self._home.rstrip("/\\")) + r"(?=[/\\]|\b|$)",
                                    flags) if len(self._home.rstrip("/\\")) > 1 else None)
        self._user_re = (re.compile(rf"(?<=[/\\]){re.escape(self._user)}(?=[/\\]|$|\s)", flags)
                         if self._user else None)

    def add_secret(self, value: str | None) -> None:
        if value and len(value) >= 3 and value not in self._secrets:
            self._secrets = sorted([*self._secrets, value], key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, HIDDEN)
        value = _URL_USERINFO.sub(rf"\1{HIDDEN}@", value)
        value = _BEARER.sub(rf"\1 {HIDDEN}", value)
        value = _COOKIE.sub(rf"\1{HIDDEN}", value)
        value = _KEYED.sub(rf"\1{HIDDEN}", value)
        value = _KEYED_ZH.sub(rf"\1{HIDDEN}", value)
        value = _CODE18.sub(lambda m: mask(m.group(0)), value)
        if self._home_re is not None:
            value = self._home_re.sub("~", value)
        if self._user_re is not None:
            value = self._user_re.sub(USER, value)
        return value

    def data(self, value: Any) -> Any:
        """The same for nested dicts/lists; keys that name a secret lose their value."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {str(k): HIDDEN if _secret_key(str(k)) and v else self.data(v)
                    for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value


def _secret_key(key: str) -> bool:
    k = key.lower()
    return k in {"pin", "password", "session_token", "token", "cookie", "authorization"}


def _home() -> str:
    try:
        return str(Path.home())
    except RuntimeError:
        return os.environ.get("HOME", "")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return ""
