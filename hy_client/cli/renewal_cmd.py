"""`hy-client renewal | bids`: certificate-renewal advice that knows the open bids."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from .. import config, errors, renewal
from ..token.models import CertificateInfo, all_tokens
from ..token.service import token_service
from . import EXIT_FINDING, EXIT_OK
from .platform_opts import (
    add_json_option,
    add_platform_option,
    already_registered,
    logged_in,
    print_json,
    warn,
)

_LEVEL = {"ok": "正常", "info": "提示", "warning": "警告", "critical": "紧急"}


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


def _certificates(modules: list[str] | None) -> list[CertificateInfo]:
    """Certificates on the plugged-in keys; none (with a note) when no key can be read."""
    try:
        with token_service(modules) as tokens:
            found = all_tokens(tokens.scan().result(60))
    except errors.HyError as exc:
        warn(exc)
        return []
    return [c for t in found for c in t.certificates if c.error is None]


def cmd_renewal(args: argparse.Namespace) -> int:
    settings = config.load()
    client = logged_in(args).client
    bids = client.bids()
    records = client.records("qualifications") + client.records("personnel")
    now = datetime.now(UTC)
    certs = _certificates(args.module)
    advice = renewal.advise(certs, bids, now=now, thresholds=settings.renewal_thresholds)
    record_advice = renewal.advise_records(records, now=now,
                                           thresholds=settings.renewal_thresholds)
    if args.json:
        print_json({"certificates": [vars(a) | {"bid_ids": list(a.bid_ids)} for a in advice],
                    "records": [vars(a) | {"expires_on": a.expires_on.isoformat()}
                                for a in record_advice],
                    "bids": bids})
    else:
        if not certs:
            print("未读取到CA锁中的证书（请插入CA锁后重试）", file=sys.stderr)
        for a in advice:
            print(f"[{_LEVEL[a.level]}] 证书「{a.subject_cn}」：{a.message_zh}")
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
