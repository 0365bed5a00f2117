"""`hy-client help`: the manual's other matters — phones and desks, name change, forgotten
password, certificate extension (with this bidder's advice from the renewal advisor)."""

from __future__ import annotations

import argparse

from .. import errors, support
from . import EXIT_OK
from .platform_opts import add_platform_option, logged_in


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("help", help="联系电话、单位名称变更、忘记密码、证书延期等常见事项")
    p.add_argument("--no-advice", action="store_true",
                   help="不读取CA锁和在投项目（只显示通用说明）")
    add_platform_option(p)
    p.set_defaults(handler=cmd_help)


def cmd_help(args: argparse.Namespace) -> int:
    print("联系电话")
    for desk in support.DESKS:
        print(f"  {desk.name_zh}  {desk.phone}  {desk.handles_zh}")
    print()
    change = support.NAME_CHANGE
    print("单位名称变更")
    print(f"  发送电子邮件至 {change.email}，邮件主题“{change.subject}”，附件：")
    for item in change.attachments_zh:
        print(f"    · {item}")
    print(f"  {change.note_zh}")
    print()
    print("忘记密码")
    print(f"  · {support.PASSWORD_RULE.never_logged_in_zh}")
    print(f"  · {support.PASSWORD_RULE.logged_in_before_zh}")
    print()
    print("证书（CA锁）延期")
    print(f"  {support.EXTENSION_RULE_ZH}")
    if not args.no_advice:
        for line in _advice_lines(args):
            print(f"  {line}")
    return EXIT_OK


def _advice_lines(args: argparse.Namespace) -> list[str]:
    """This bidder's advice when a session and a key are at hand (the same as ``renewal``'s:
    only the account's own certificates); else where to get it."""
    from .renewal_cmd import account_advice, render

    try:
        advice = account_advice(logged_in(args).client, None, records=False,
                                quiet=True).certificates  # no key: said below, once
    except errors.HyError:
        return ["登录后运行 hy-client renewal，可查看结合您在投项目的延期建议。"]
    if not advice:
        return ["未读取到CA锁中的证书；插入CA锁后运行 hy-client renewal 查看延期建议。"]
    return [render(a) for a in advice]
