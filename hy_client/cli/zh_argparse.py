"""argparse in Chinese: usage, headers, built-in help and errors, and choices in Chinese.

argparse looks its strings up through ``gettext`` at call time; ``install`` points that lookup
at the table below for the CLI process, so every message argparse builds (usage lines, "options",
"the following arguments are required", "invalid choice") reads in Chinese without copying
argparse's formatting code. An unknown string falls back to English unchanged.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from ..ids import MAX_ROW_ID, valid_row_id

_ZH: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "subcommands": "子命令",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s":
        "选项 %(option)s 有歧义，可能是：%(matches)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "无效的选项值 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r",
    "ignored explicit argument %r": "该选项不接受值：%r",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "未知的命令 %(parser_name)r（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}


def translate(message: str) -> str:
    return _ZH.get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def install() -> None:
    """Route argparse's gettext lookups through the Chinese table (CLI process only)."""
    argparse._ = translate  # type: ignore[attr-defined]
    argparse.ngettext = ntranslate  # type: ignore[attr-defined]


_HEADING = re.compile(r"^(\S[^\n]*[\u4e00-\u9fff）])\s*:$", re.MULTILINE)


_NO_LINE_START = frozenset("）】」』》〉，。、；：！？")
# a Chinese character, or a run of anything else, each with the spaces before it
_WORDS = re.compile(r"\s*(?:[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+)")


def display_width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Shown(str):
    """An option's invocation whose len() is its width on screen (argparse aligns by len)."""

    def __len__(self) -> int:
        return display_width(self)


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Section headings end with a full-width colon, as Chinese text does; descriptions and
    epilogs (field tables) keep their lines; help columns align by screen width."""

    def format_help(self) -> str:
        return _HEADING.sub(r"\1：", super().format_help())

    def _format_action_invocation(self, action: argparse.Action) -> str:
        return _Shown(super()._format_action_invocation(action))

    def _split_lines(self, text: str, width: int) -> list[str]:
        """Wrap by screen columns: Chinese breaks between any two characters."""
        lines: list[str] = []
        line = ""
        for word in _WORDS.findall(" ".join(text.split())):
            # a closing mark never starts a line (it stays with what it closes)
            if line and display_width(line + word) > width and word not in _NO_LINE_START:
                lines.append(line)
                line = ""
            line += word.lstrip() if not line else word
        return [*lines, line.rstrip()] if line.strip() else lines or [""]

    def _format_action(self, action: argparse.Action) -> str:
        # argparse's own layout, with the padding counted in screen columns
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        if isinstance(action, argparse._SubParsersAction) and not action.help:
            # the commands themselves, not a line repeating the section's name above them
            return self._join_parts([self._format_action(sub)
                                     for sub in self._iter_indented_subactions(action)])
        header = str(self._format_action_invocation(action))
        indent = " " * self._current_indent
        indent_first = 0
        if not action.help:
            parts = [f"{indent}{header}\n"]
        elif display_width(header) <= action_width:
            parts = [f"{indent}{header}{' ' * (action_width - display_width(header))}  "]
        else:
            parts = [f"{indent}{header}\n"]
            indent_first = help_position
        if action.help and action.help.strip():
            help_text = self._expand_help(action)
            if help_text:
                lines = self._split_lines(help_text, help_width)
                parts.append(f"{' ' * indent_first}{lines[0]}\n")
                parts += [f"{' ' * help_position}{line}\n" for line in lines[1:]]
        elif not parts[0].endswith("\n"):
            parts.append("\n")
        for sub in self._iter_indented_subactions(action):
            parts.append(self._format_action(sub))
        return self._join_parts(parts)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser (and, through ``add_subparsers``, every sub-parser) in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        install()
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)


def choice(options: Sequence[tuple[str, str]], what: str = "值") -> Callable[[str], str]:
    """An argparse ``type`` taking a code or its Chinese name and returning the code.

    ``options`` are (code, 中文) pairs, as the field specs hold them; the error lists the
    Chinese names, which is what a bidder types.
    """
    by_name = {name: code for code, name in options}
    codes = {code for code, _ in options}

    def parse(value: str) -> str:
        text = value.strip()
        if text in codes:
            return text
        if text in by_name:
            return by_name[text]
        folded = {c.lower(): c for c in codes}
        if text.lower() in folded:
            return folded[text.lower()]
        raise argparse.ArgumentTypeError(
            f"{what}“{value}”无效，可选：{'、'.join(name for _, name in options)}")

    parse.__name__ = what
    return parse


def row_id(value: str) -> int:
    """An argparse ``type`` for a record, draft or renewal number (``ids``: in SQLite's range,
    so a huge number is refused here instead of overflowing later)."""
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if not valid_row_id(number):
        raise argparse.ArgumentTypeError(f"编号“{value}”无效：应为 1 到 {MAX_ROW_ID} 之间的整数")
    return number


row_id.__name__ = "编号"


def choice_metavar(options: Sequence[tuple[str, str]]) -> str:
    return "|".join(name for _, name in options)
