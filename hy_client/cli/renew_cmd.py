"""`hy-client renew`: online certificate renewal (在线延期) that cannot break a bid.

Refuses outside the safe window with the bids that would become unreadable (exit 1), unless
``--override-bids``; then the old key and certificate stay on the key for those bids. An
interrupted renewal resumes on the next run; ``--abandon`` removes its half-made new key.
"""

from __future__ import annotations

import argparse
import sys

from .. import config, errors
from ..driver_probe import command_token_service
from ..renewal_flow import STAGE_ZH, STAGES, Progress, RenewalFlow, Stage, Status
from ..renewal_journal import JournalStore
from ..signin import KeyChoice, choose_key
from . import EXIT_FINDING, EXIT_OK
from .account_cmd import _pin
from .platform_opts import (
    add_json_option,
    add_key_options,
    add_platform_option,
    already_registered,
    logged_in,
    print_json,
)

_STATUS = {"running": "进行中…", "done": "完成", "skipped": "已完成（上次）", "waiting": "等待审核",
           "failed": "失败"}


def register(sub: argparse._SubParsersAction) -> None:
    if already_registered(sub, "renew"):
        return
    p = sub.add_parser("renew", help="证书在线延期（在CA锁内生成新密钥，保护未开标的投标）")
    add_key_options(p)
    p.add_argument("--override-bids", action="store_true",
                   help="在安全时段外仍然延期：旧密钥和旧证书保留在CA锁中，直到相关项目开标")
    p.add_argument("--abandon", action="store_true",
                   help="放弃未完成的延期（删除本次生成的新密钥，旧证书不受影响）")
    add_platform_option(p)
    add_json_option(p)
    p.set_defaults(handler=cmd_renew)


def _printer(quiet: bool) -> Progress:
    def progress(stage: Stage, status: Status) -> None:
        if quiet or status == "running":
            return
        n = STAGES.index(stage) + 1
        print(f"[{n}/{len(STAGES)}] {STAGE_ZH[stage]}：{_STATUS[status]}", file=sys.stderr,
              flush=True)
    return progress


def _key_for(candidates: list[KeyChoice], args: argparse.Namespace, serial: str | None,
             cert_id: str | None) -> KeyChoice:
    if serial is not None:  # an unfinished renewal: the key it started from
        found = [c for c in candidates if c.serial == serial and c.cert_id == cert_id]
        if not found:
            raise errors.HyError(errors.RENEWAL_OTHER_TOKEN, serial)
        return found[0]
    return choose_key(candidates, token=args.token, cert_id=args.cert)


def cmd_renew(args: argparse.Namespace) -> int:
    settings = config.load()
    signin = logged_in(args)
    client = signin.client
    account = client.me()
    store = JournalStore(client.origin, account.id)
    journal = store.current()
    with command_token_service(args.module) as tokens:
        flow = RenewalFlow(client, tokens, store, progress=_printer(args.json),
                           thresholds=settings.renewal_thresholds)
        candidates = signin.candidates(tokens)
        key = _key_for(candidates, args, journal.serial if journal else None,
                       journal.old_cert_id if journal else None)
        if args.abandon:
            if journal is None:
                print("没有未完成的延期")
                return EXIT_OK
            signin.unlock(tokens, key, _pin(key, args.pin_stdin))
            removed = flow.abandon()
            print(f"已放弃未完成的延期（删除新密钥对象 {removed} 个）；旧证书不受影响")
            return EXIT_OK
        if journal is None:
            verdict = flow.guard(key)  # before the PIN: a refusal costs no PIN entry
            if not verdict.allowed and not args.override_bids:
                if args.json:
                    print_json({"renewed": False, "reason": "unsafe",
                                "message": verdict.message_zh(), **verdict.to_json()})
                print(verdict.message_zh(), file=sys.stderr)
                print("如确需现在延期（旧密钥和旧证书将保留在CA锁中直到这些项目开标），"
                      "请加 --override-bids", file=sys.stderr)
                return EXIT_FINDING
        else:
            print(f"继续上次未完成的延期（已完成到：{journal.step}）", file=sys.stderr)
        signin.unlock(tokens, key, _pin(key, args.pin_stdin))
        outcome = flow.run(key, override=args.override_bids)
    if args.json:
        print_json({"renewed": True, **outcome.to_json()})
        return EXIT_OK
    cert = outcome.new_certificate
    until = f"{cert.not_after:%Y-%m-%d}" if cert and cert.not_after else "?"
    print(f"延期完成：新证书（ID {outcome.journal.new_key_id}）有效期至 {until}，"
          f"用时 {outcome.seconds:.1f} 秒；平台的证书激活已转到新证书")
    if outcome.journal.kept_for_bids:
        print(f"旧密钥和旧证书（ID {outcome.journal.old_cert_id}）保留在CA锁中，"
              f"供 {len(outcome.journal.kept_for_bids)} 个未开标项目开标解密，请勿删除")
    return EXIT_OK
