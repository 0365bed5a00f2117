"""``hy-client config show [--json]``: the effective settings and where each came from (the
defaults, the settings file, or an ``HY_*`` environment variable) — what support asks first."""

from __future__ import annotations

import argparse
import json

from .. import config
from . import EXIT_OK

SOURCE_ZH = {"default": "默认值", "file": "设置文件", "default (no sandbox in this build)":
             "默认值（本安装包不含测试平台）", "platform_url": "由平台地址得出"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="查看当前生效的设置及其来源")
    p.add_argument("action", choices=["show"], help="show 显示设置")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=run)


def _source_zh(source: str) -> str:
    if source.startswith("env:"):
        return f"环境变量 {source[4:]}"
    if source.startswith("platforms."):
        return f"平台配置 {source.split('.', 1)[1]}"
    return SOURCE_ZH.get(source, source)


def run(args: argparse.Namespace) -> int:
    items = config.effective()
    if args.json:
        print(json.dumps({i.name: {"value": i.value, "source": i.source} for i in items},
                         ensure_ascii=False, indent=1))
        return EXIT_OK
    for item in items:
        value = item.value
        if item.name == "platforms":
            value = "、".join(f"{k}={v['url']}" for k, v in item.value.items())
        print(f"{item.name} = {value}  （{_source_zh(item.source)}）")
    return EXIT_OK
