"""Usernames: one canonical form for comparison and uniqueness, the display form as entered.

The manual names the account after the unit or the person (衡阳市湘江建设工程有限公司, 张三), so
any script's letters are allowed. ``display`` is NFKC with surrounding whitespace removed (the
ideographic space U+3000 and the no-break space included); ``canonical`` also casefolds, so
``VICT``, ``vict　`` and ``\\u00a0vict`` are all the account ``vict``.
"""

from __future__ import annotations

import unicodedata

MIN_LENGTH, MAX_LENGTH = 2, 64
PUNCTUATION = "_-.·()"  # after NFKC: full-width brackets are ASCII ones


def display(name: str) -> str:
    """What is stored and shown: NFKC, trimmed."""
    return unicodedata.normalize("NFKC", name).strip()


def canonical(name: str) -> str:
    """What is compared: the display form, casefolded (NFKC again: casefolding can denormalise)."""
    return unicodedata.normalize("NFKC", display(name).casefold())


def _allowed(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN" or char in PUNCTUATION


def problem(name: str) -> str | None:
    """Why ``name`` cannot be a username (Chinese), or None."""
    shown = display(name)
    if len(shown) < MIN_LENGTH:
        return f"用户名至少{MIN_LENGTH}个字符"
    if len(shown) > MAX_LENGTH:
        return f"用户名不能超过{MAX_LENGTH}个字符"
    if not unicodedata.category(shown[0]).startswith("L"):
        return "用户名须以汉字或字母开头"
    if not all(_allowed(c) for c in shown):
        return "用户名只能包含汉字、字母、数字和 _ - . · ( )"
    return None
