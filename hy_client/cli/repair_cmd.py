"""``hy-client repair``: one-click repair from the command line (support reads it out).

Runs the diagnostics, applies what the client can fix, checks again, and prints the advice for
the rest. ``--dry-run`` only shows the plan. Exit 1 when a repair failed or did not clear its
finding, or an error-level problem needs the user.
"""

from __future__ import annotations

import argparse
import json
import sys

from .. import repair
from ..diagnostics.model import SECTIONS, SEVERITY_ZH
from ..errors import SUPPORT_PHONE
from . import EXIT_FINDING, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("repair", help="一键修复：自动修复能处理的问题，其余给出处理建议",
                       description="运行诊断，自动修复本程序能处理的问题（设置文件损坏、驱动路径、"
                                   "失效的登录状态、驱动目录过期），再检查一次；其余问题给出建议。")
    p.add_argument("--dry-run", action="store_true", help="只列出将要进行的修复，不做任何修改")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--section", action="append", choices=list(SECTIONS), metavar="部分",
                   help="只检查和修复某一部分（可重复）：" + "、".join(SECTIONS))
    p.add_argument("--timeout", type=float, default=5.0, help="每项网络检查的超时秒数（默认 5）")
    p.set_defaults(handler=run)


def _progress(done: repair.RepairProgress) -> None:
    mark = "完成" if done.result.ok else "失败"
    print(f"[{done.index}/{done.total}] {done.result.repair.what_zh} … {mark}", file=sys.stderr)


def _print(run: repair.RepairRun, dry_run: bool) -> None:
    automatic = [r for r in run.plan if r.automatic]
    if not run.plan:
        print("未发现需要修复的问题。")
        return
    if dry_run:
        print("将进行以下修复：" if automatic else "没有可以自动修复的问题。")
        for r in automatic:
            print(f"  · {r.title_zh}：{r.what_zh}")
    for result in run.results:
        if result.ok and result.cleared is not False:
            print(f"✔ {result.message_zh}")
        elif result.ok:
            print(f"✘ {result.message_zh}，但问题仍然存在。请致电技术支持 {SUPPORT_PHONE}。")
        else:
            print(f"✘ {result.repair.title_zh}：{result.message_zh}")
        if result.backup:
            print(f"    备份：{result.backup}")
    if run.advice:
        print("以下问题需要您处理：")
        for r in run.advice:
            code = f"（{r.code}）" if r.code else ""
            print(f"  [{SEVERITY_ZH[r.severity]}] {r.title_zh}{code}\n      建议：{r.what_zh}")


def run(args: argparse.Namespace) -> int:
    result = repair.run_repair(dry_run=args.dry_run, timeout=args.timeout, sections=args.section,
                               progress=None if args.json or not sys.stderr.isatty()
                               else _progress)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print(result, args.dry_run)
    serious = any(r.severity == "error" for r in result.advice)
    if args.dry_run:
        return EXIT_FINDING if result.plan and any(r.severity == "error" for r in result.plan) \
            else EXIT_OK
    return EXIT_OK if result.fixed_all and not serious else EXIT_FINDING
