"""`hy-client drafts`: the logged-in account's unsent drafts, and drafts kept from before drafts
had an owner (the quarantine).

An account's own drafts can be listed (``--mine``) and discarded by their key, e.g. the stale
``qualification:new-…`` left by an add that never reached the platform (``--unsent`` discards
all of those at once). Unowned drafts are never restored by themselves: the user sees which
company, which form and when, and assigns one to the logged-in account (it then opens like
that account's own draft) or discards it by its number.
"""

from __future__ import annotations

import argparse

from .. import errors
from ..drafts import Draft, DraftStore
from ..forms import get_spec
from ..records import RecordFlows
from . import EXIT_OK
from .platform_opts import (
    add_json_option,
    add_platform_option,
    already_registered,
    logged_in,
    print_json,
)
from .zh_argparse import row_id


def register(sub: argparse._SubParsersAction) -> None:
    if already_registered(sub, "drafts"):
        return
    p = sub.add_parser("drafts", help="本地草稿：查看、丢弃；旧版本留下的未归属草稿：认领或放弃")
    ds = p.add_subparsers(dest="action", metavar="操作")
    lp = ds.add_parser("list", help="列出本账号未提交的草稿和未归属的草稿")
    lp.add_argument("--mine", action="store_true",
                    help="只列出当前登录账号的草稿（--json 时输出这些草稿）")
    add_platform_option(lp)
    add_json_option(lp)
    lp.set_defaults(handler=cmd_list)
    ap = ds.add_parser("assign", help="把一份未归属的草稿认领到当前登录的账号")
    ap.add_argument("id", type=row_id, metavar="编号")
    add_platform_option(ap)
    ap.set_defaults(handler=cmd_assign)
    xp = ds.add_parser("discard", help="丢弃草稿：本账号草稿的标识，或未归属草稿的编号")
    xp.add_argument("targets", nargs="*", metavar="草稿",
                    help="如 qualification:new-… 或 3（见 drafts list）")
    xp.add_argument("--unsent", action="store_true",
                    help="丢弃本账号所有从未保存到平台的新增草稿")
    add_platform_option(xp)
    xp.set_defaults(handler=cmd_discard)
    p.set_defaults(handler=lambda a: (p.print_help(), 2)[1])


def _mine(args: argparse.Namespace, store: DraftStore) -> RecordFlows:
    signin = logged_in(args)
    return RecordFlows.for_account(signin.client, store, signin.known_account())


def cmd_list(args: argparse.Namespace) -> int:
    with DraftStore() as store:
        if args.mine:
            own = _mine(args, store).drafts.list()
            if args.json:
                print_json([{"draft": d.form_key, "spec": d.spec_name, "record_id": d.record_id,
                             "data": d.data, "updated_at": d.updated_at.isoformat()}
                            for d in own])
                return EXIT_OK
            _print_own(own)
            return EXIT_OK
        found = store.quarantined()
        if args.json:
            print_json([{"id": q.id, "form": q.form_key, "form_title": q.form_title,
                         "company": q.company, "updated_at": q.updated_at.isoformat()}
                        for q in found])
            return EXIT_OK
        try:
            _print_own(_mine(args, store).drafts.list())
        except errors.HyError:
            print("本账号的草稿：登录后可查看")
    print("未归属的草稿（旧版本留下）：")
    for q in found:
        print(f"  {q.id:>4}  {q.form_title}  {q.company or '（未注明单位）'}  "
              f"{q.updated_at.astimezone():%Y-%m-%d %H:%M} 保存")
    if not found:
        print("  （无）")
    return EXIT_OK


def _print_own(own: list[Draft]) -> None:
    print("本账号未提交的草稿：")
    for d in own:
        title = get_spec(d.spec_name).title_zh
        what = d.data.get("cert_no") or d.data.get("name") or ""
        record = ("" if d.form_key == "profile" else
                  f"记录 {d.record_id}" if d.record_id else "尚未保存到平台")
        print(f"  {d.form_key}  {title}  {what}  {record}  "
              f"{d.updated_at.astimezone():%Y-%m-%d %H:%M} 保存")
    if not own:
        print("  （无）")


def cmd_assign(args: argparse.Namespace) -> int:
    signin = logged_in(args)
    account = signin.known_account()
    with DraftStore() as store:
        draft = RecordFlows.for_account(signin.client, store, account).adopt(args.id)
    print(f"草稿已认领到账号 {account.username}（{account.display_name}），表单 {draft.form_key}。"
          "打开或提交前请核对内容。")
    return EXIT_OK


def cmd_discard(args: argparse.Namespace) -> int:
    if not args.targets and not args.unsent:
        raise errors.ValidationError([errors.FieldError("草稿", "请给出草稿标识、编号或 --unsent")])
    numbers = [t for t in args.targets if t.isdecimal()]  # what int() takes, unlike isdigit
    keys = [t for t in args.targets if not t.isdecimal()]
    done = 0
    with DraftStore() as store:
        if numbers:
            unowned = {q.id for q in store.quarantined()}
            missing = [n for n in numbers if int(n) not in unowned]
            if missing:
                raise errors.HyError(errors.NOT_FOUND, f"草稿编号 {'、'.join(missing)}")
            for n in numbers:
                store.discard_quarantined(int(n))
                done += 1
        if keys or args.unsent:
            own = _mine(args, store).drafts
            known = {d.form_key: d for d in own.list()}
            missing = [k for k in keys if k not in known]
            if missing:
                raise errors.HyError(errors.NOT_FOUND, f"草稿 {'、'.join(missing)[:80]}")
            if args.unsent:
                keys += [k for k, d in known.items()
                         if d.record_id is None and k != "profile" and k not in keys]
            for key in keys:
                own.discard(key)
                done += 1
    print(f"已丢弃 {done} 份草稿" if done else "没有可丢弃的草稿")
    return EXIT_OK
