"""``hy-client webportal check|set|undo``: the manual's chapter 1.1 browser settings (trusted
site, ActiveX, Edge IE mode) for the platform's host, current user only; ``undo`` (撤销) puts back
every value the program changed. Off Windows: "not applicable", exit 0."""

from __future__ import annotations

import argparse
import json
import sys
from urllib.parse import urlsplit

from .. import config, webportal
from ..registry import system_registry
from . import EXIT_FINDING, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("webportal", help="网页版所需的浏览器设置：检查、设置、撤销（仅 Windows）")
    p.add_argument("action", choices=["check", "set", "undo"],
                   help="check 检查；set 为当前用户设置；undo 撤销本程序所做的更改")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    reg = system_registry()
    if reg is None or not webportal.applicable():
        _out(args, {"applicable": False},
             "不适用：受信任站点、ActiveX 与 Edge IE 模式仅在 Windows 上设置")
        return EXIT_OK
    host = urlsplit(config.load().active_platform.url).hostname or ""
    if args.action == "undo":
        restored = webportal.undo(reg)
        _out(args, {"applicable": True, "restored": restored},
             f"已撤销 {len(restored)} 项更改" if restored else "没有可撤销的更改")
        return EXIT_OK
    if args.action == "set":
        result = webportal.apply(host, reg)
        _out(args, {"applicable": True, "changed": list(result.changed),
                    "denied": list(result.denied)},
             f"已设置 {len(result.changed)} 项" + (
                 f"；{len(result.denied)} 项被拒绝（需要管理员或单位 IT 设置 Edge 策略）"
                 if result.denied else ""))
        return EXIT_FINDING if result.denied else EXIT_OK
    states = webportal.check(host, reg)
    if args.json:
        print(json.dumps({"applicable": bool(states), "host": host, "settings": [
            {"id": s.setting.id, "title": s.setting.title_zh, "ok": s.ok,
             "current": s.current if not isinstance(s.current, bytes) else s.current.hex(),
             "wanted": s.setting.wanted} for s in states]}, ensure_ascii=False, indent=1))
    else:
        for s in states:
            print(f"{'正常' if s.ok else '未设置'}  {s.setting.title_zh}")
    return EXIT_OK if all(s.ok for s in states) else EXIT_FINDING


def _out(args: argparse.Namespace, data: dict[str, object], text: str) -> None:
    print(json.dumps(data, ensure_ascii=False) if args.json else text, file=sys.stdout)
