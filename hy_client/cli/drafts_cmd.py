"""`hy-client drafts`: drafts kept from before drafts had an owner (the quarantine).

They are never restored by themselves: the user sees which company, which form and when, and
assigns one to the logged-in account (it then opens like that account's own draft) or
discards it.
"""

from __future__ import annotations

import argparse

from .. import errors
from ..drafts import DraftStore
from ..records import RecordFlows
from . import EXIT_OK
from .platform_opts import (
    add_json_option,
    add_platform_option,
    already_registered,
    logged_in,
    print_json,
)


def register(sub: argparse._SubParsersAction) -> None:
    if already_registered(sub, "drafts"):
        return
    p = sub.add_parser("drafts", help="旧版本留下的未归属草稿：查看、认领到当前账号或放弃")
    ds = p.add_subparsers(dest="action", metavar="ACTION")
    lp = ds.add_parser("list", help="列出未归属的草稿（单位、表单、保存时间）")
    add_json_option(lp)
    lp.set_defaults(handler=cmd_list)
    ap = ds.add_parser("assign", help="把一份草稿认领到当前登录的账号")
    ap.add_argument("id", type=int)
    add_platform_option(ap)
    ap.set_defaults(handler=cmd_assign)
    xp = ds.add_parser("discard", help="放弃一份未归属的草稿")
    xp.add_argument("id", type=int)
    xp.set_defaults(handler=cmd_discard)
    p.set_defaults(handler=lambda a: (p.print_help(), 2)[1])


def cmd_list(args: argparse.Namespace) -> int:
    with DraftStore() as store:
        found = store.quarantined()
    if args.json:
        print_json([{"id": q.id, "form": q.form_key, "form_title": q.form_title,
                     "company": q.company, "updated_at": q.updated_at.isoformat()}
                    for q in found])
        return EXIT_OK
    for q in found:
        print(f"{q.id:>4}  {q.form_title}  {q.company or '（未注明单位）'}  "
              f"{q.updated_at.astimezone():%Y-%m-%d %H:%M} 保存")
    if not found:
        print("（没有未归属的草稿）")
    return EXIT_OK


def cmd_assign(args: argparse.Namespace) -> int:
    signin = logged_in(args)
    account = signin.known_account()
    with DraftStore() as store:
        draft = RecordFlows.for_account(signin.client, store, account).adopt(args.id)
    print(f"草稿已认领到账号 {account.username}（{account.display_name}），表单 {draft.form_key}。"
          "打开或提交前请核对内容。")
    return EXIT_OK


def cmd_discard(args: argparse.Namespace) -> int:
    with DraftStore() as store:
        if not any(q.id == args.id for q in store.quarantined()):
            raise errors.HyError(errors.NOT_FOUND, f"draft {args.id}")
        store.discard_quarantined(args.id)
    print("草稿已放弃。")
    return EXIT_OK
