"""``hy-client readiness``: bid-opening readiness (投标准备) and the decryption self-check.

Lists the open bids with deadline, opening, the certificate each needs and its state.
``--self-test`` signs (and for RSA decrypts) with the key of each bid's certificate, asking the
PIN once per key. ``--remind`` prints the reminders now due and remembers them as shown
(for a scheduled task). Exit 1 when any bid is not ready.
"""

from __future__ import annotations

import argparse
import sys

from .. import config, readiness
from ..driver_probe import command_token_service
from ..errors import HyError
from ..token.models import all_tokens
from ..token.service import TokenService
from . import EXIT_FINDING, EXIT_OK
from .platform_opts import (
    add_json_option,
    add_platform_option,
    logged_in,
    print_json,
    read_secret,
    warn,
)
from .renewal_cmd import render

_MARK = {"ok": "✔", "warning": "!", "critical": "✘"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("readiness", help="投标准备：开标前CA锁、证书与解密自检是否就绪",
                       description="列出未开标的项目、所需证书和就绪状态；可进行签名和解密自检。")
    p.add_argument("--self-test", action="store_true",
                   help="对投标所用证书进行签名和解密自检（需输入PIN码）")
    p.add_argument("--pin-stdin", action="store_true", help="PIN码从标准输入读取")
    p.add_argument("--remind", action="store_true", help="输出到期的开标提醒，并记为已提醒")
    p.add_argument("--module", action="append", metavar="驱动路径", help="只使用该PKCS#11驱动")
    add_platform_option(p)
    add_json_option(p)
    p.set_defaults(handler=run)


def _self_tests(service: TokenService, report: readiness.ReadinessReport,
                pin_stdin: bool, store: readiness.ReadinessStore) -> None:
    """One PIN per key, one login, every bid certificate on that key tested, one logout."""
    tokens = all_tokens(service.scan().result(60))
    wanted: dict[str, list[str]] = {}
    for row in report.rows:
        if row.token_serial and row.cert_id and row.state != "cert_renewed":
            sha = row.cert_sha256 or next(
                (c.sha256 for t in tokens for c in t.certificates
                 if t.serial == row.token_serial and c.id == row.cert_id), "")
            if sha and sha not in wanted.setdefault(row.token_serial, []):
                wanted[row.token_serial].append(sha)
    for serial, shas in wanted.items():
        pin = read_secret(f"CA锁 {serial} 的PIN码：", pin_stdin)
        try:
            service.login(serial, pin).result(60)
        except HyError as exc:
            warn(exc)
            continue
        finally:
            del pin
        try:
            for sha in shas:
                outcome = readiness.run_self_test(service, tokens, sha, None, store=store)
                if outcome.error is not None:
                    warn(outcome.error)
                    continue
                state = "通过" if outcome.ok else "未通过"
                print(f"自检{state}：证书指纹 {sha[:16]}…", file=sys.stderr)
        finally:
            service.logout(serial).result(60)


def run(args: argparse.Namespace) -> int:
    settings = config.load()
    signin = logged_in(args)
    client = signin.client
    store = readiness.ReadinessStore.for_account(client.origin, signin.known_account().id)
    try:
        service = command_token_service(args.module)
    except HyError as exc:
        warn(exc)
        service = None
    try:
        report = readiness.check(client, service, settings=settings, store=store)
        if args.self_test and service is not None:
            _self_tests(service, report, args.pin_stdin, store)
            report = readiness.check(client, service, settings=settings, store=store)
    finally:
        if service is not None:
            service.close()
        client.close()
    if args.remind:
        store.mark_shown(report.reminders)
    if args.json:
        print_json(report.to_json())
    else:
        if args.remind:
            for reminder in report.reminders:
                print(f"【开标提醒】{reminder.message_zh}")
        for advice in report.renewal:
            print(render(advice))
        if not report.rows:
            print("（无未开标的项目）")
        for row in report.rows:
            print(f"{_MARK[row.level]} {row.project_code}  {row.project_name}\n"
                  f"    投标截止 {row.deadline_zh}  开标 {row.opening_zh}\n"
                  f"    所需证书：{row.certificate_zh}\n"
                  f"    状态：{row.state_zh}。{row.advice_zh}")
    return EXIT_OK if report.worst == "ok" else EXIT_FINDING
