"""``hy-client doctor``: the diagnostics, headless, for remote support over the phone.

Exit 1 when any finding is an error. Progress lines go to stderr (only on a terminal), the
report to stdout; ``--out`` writes the zip for support. The PIN for ``--self-test`` comes from
a hidden prompt or ``--pin-stdin``, never from the command line.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from .. import config, diagnostics
from ..diagnostics import report as render
from ..diagnostics.model import SECTIONS, SEVERITIES, SEVERITY_ZH, ProbeDone, Severity
from ..errors import HyError
from . import EXIT_FINDING, EXIT_OK
from .platform_opts import add_platform_option, read_secret


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="诊断：检查驱动、CA锁、证书、平台连接并生成报告",
                       description="检查驱动、CA锁、证书、平台连接和本机设置；"
                                   "发现错误时退出码为 1。报告中不含PIN码、密码和完整证件号。")
    p.add_argument("--json", action="store_true", help="以 JSON 输出报告（格式稳定，便于程序处理）")
    p.add_argument("--out", metavar="文件",
                   help="另存为 zip（报告文本、JSON 和最近的日志），交给技术支持")
    p.add_argument("--section", action="append", choices=list(SECTIONS), metavar="部分",
                   help="只检查某一部分（可重复）：" + "、".join(SECTIONS))
    p.add_argument("--self-test", action="store_true", help="输入PIN码，对CA锁进行签名和解密自检")
    p.add_argument("--pin-stdin", action="store_true", help="自检的PIN码从标准输入读取")
    p.add_argument("--token", metavar="序列号或名称", help="自检哪一把CA锁（插有多把时必须指定）")
    p.add_argument("--timeout", type=float, default=5.0, help="每项网络检查的超时秒数（默认 5）")
    add_platform_option(p)
    p.set_defaults(handler=run)


def _progress(done: ProbeDone) -> None:
    worst: Severity = max((f.severity for f in done.findings), key=SEVERITIES.index,
                          default="ok")
    print(f"[{done.index}/{done.total}] {done.title_zh} … {SEVERITY_ZH[worst]}", file=sys.stderr)


def _settings(platform: str | None) -> config.Settings | None:
    """The config (None when it is unreadable: the run reports that), with ``--platform``."""
    try:
        settings = config.load()
    except HyError:
        return None
    if not platform:
        return settings
    profile = settings.platform_named(platform)
    return replace(settings, platform=profile.name,
                   platforms={**settings.platforms, profile.name: profile})


def run(args: argparse.Namespace) -> int:
    pin = read_secret("CA锁PIN码：", args.pin_stdin) if args.self_test else None
    result = diagnostics.run_diagnostics(
        _settings(args.platform), sections=args.section, pin=pin, token=args.token,
        timeout=args.timeout,
        progress=_progress if sys.stderr.isatty() and not args.json else None)
    del pin
    if args.json:
        print(render.render_json(result))
    else:
        print(render.render_text(result), end="")
    if args.out:
        path = render.write_zip(result, args.out)
        print(f"报告已保存：{path}", file=sys.stderr)
    return EXIT_FINDING if result.exit_code else EXIT_OK
