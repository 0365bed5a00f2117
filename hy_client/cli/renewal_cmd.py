"""`hy-client renewal | bids`: certificate-renewal advice that knows the open bids."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .. import config, errors, renewal
from ..driver_probe import command_token_service
from ..token.models import TokenInfo, all_tokens
from . import EXIT_FINDING, EXIT_OK
from .platform_opts import (
    add_json_option,
    add_platform_option,
    already_registered,
    logged_in,
    print_json,
    warn,
)

if TYPE_CHECKING:
    from ..api.client import PlatformClient

_LEVEL = {"ok": "正常", "info": "提示", "warning": "警告", "critical": "紧急"}


def render(advice: renewal.RenewalAdvice) -> str:
    """How the CLI shows one advice (``renewal`` and ``readiness`` alike)."""
    return f"[{_LEVEL[advice.level]}] 证书「{advice.subject_cn}」：{advice.message_zh}"


def register(sub: argparse._SubParsersAction) -> None:
    if already_registered(sub, "renewal"):
        return
    p = sub.add_parser("renewal", help="证书延期建议（结合在投项目的开标时间）与资质到期提醒")
    p.add_argument("--module", action="append", metavar="驱动路径", help="只使用该PKCS#11驱动")
    add_platform_option(p)
    add_json_option(p)
    p.set_defaults(handler=cmd_renewal)
    b = sub.add_parser("bids", help="在投项目（投标截止、开标时间）")
    add_platform_option(b)
    add_json_option(b)
    b.set_defaults(handler=cmd_bids)


def plugged_tokens(modules: list[str] | None, *, quiet: bool = False) -> list[TokenInfo]:
    """The plugged-in keys; none (with a note unless ``quiet``) when no key can be read."""
    try:
        with command_token_service(modules) as tokens:
            return all_tokens(tokens.scan().result(60))
    except errors.HyError as exc:
        if not quiet:
            warn(exc)
        return []


def account_advice(client: PlatformClient, modules: list[str] | None, *, records: bool = True,
                   quiet: bool = False) -> renewal.AccountAdvice:
    """The core's advice for this account and the keys plugged in (``renewal``, ``help``)."""
    return renewal.advise_account(plugged_tokens(modules, quiet=quiet), client,
                                  now=datetime.now(UTC),
                                  thresholds=config.load().renewal_thresholds, records=records)


def cmd_renewal(args: argparse.Namespace) -> int:
    client = logged_in(args).client
    found = account_advice(client, args.module)
    advice, record_advice = found.certificates, found.records
    if args.json:
        print_json({"certificates": [a.to_json() for a in advice],
                    "records": [a.to_json() for a in record_advice],
                    "bids": list(found.bids)})
    else:
        if not advice:
            print("未读取到CA锁中的证书（请插入CA锁后重试）", file=sys.stderr)
        for a in advice:
            print(render(a))
        for r in record_advice:
            print(f"[{_LEVEL[r.level]}] {r.message_zh}")
        if not advice and not record_advice:
            print("没有需要处理的事项")
    urgent = renewal.most_urgent([*advice, *record_advice])
    return EXIT_FINDING if urgent is not None and urgent.level == "critical" else EXIT_OK


def cmd_bids(args: argparse.Namespace) -> int:
    bids = logged_in(args).client.bids()
    if args.json:
        print_json(bids)
        return EXIT_OK
    for b in bids:
        deadline = b.bid_deadline.astimezone(renewal.CHINA_TZ)
        opening = b.bid_opening.astimezone(renewal.CHINA_TZ)
        print(f"{b.project_code}  {b.project_name}\n"
              f"    投标截止 {deadline:%Y-%m-%d %H:%M}  开标 {opening:%Y-%m-%d %H:%M}")
    if not bids:
        print("（无在投项目）")
    return EXIT_OK
