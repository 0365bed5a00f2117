"""``hy-client readiness``: bid-opening readiness (投标准备)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("readiness", help="投标准备：开标前CA锁与证书是否就绪")
    p.set_defaults(handler=lambda _args: 0)
