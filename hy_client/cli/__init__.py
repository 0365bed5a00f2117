"""`hy-client …` commands: one module per command group, each with ``register(subparsers)``.

Exit codes: 0 ok, 1 a finding (no token, failed check, refused login), 2 usage error.
Errors print their catalogue code and Chinese message; tracebacks never reach the user.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Callable, Sequence

from .. import __version__, errors
from ..logs import setup_logging
from . import zh_argparse

EXIT_OK, EXIT_FINDING, EXIT_USAGE = 0, 1, 2

# Command groups, imported lazily so `hy-client token list` never pays for FastAPI.
GROUPS: dict[str, str] = {
    "token": "hy_client.cli.token_cmd",
    "sandbox": "hy_client.cli.sandbox_cmd",
    "drivers": "hy_client.cli.drivers_cmd",
    "doctor": "hy_client.cli.doctor_cmd",
    **{name: "hy_client.cli.account_cmd" for name in (
        "login", "whoami", "logout", "activate", "register", "app")},
    **{name: "hy_client.cli.records_cmd" for name in ("profile", "qualifications", "personnel")},
    **{name: "hy_client.cli.renewal_cmd" for name in ("renewal", "bids")},
    "renew": "hy_client.cli.renew_cmd",
    "repair": "hy_client.cli.repair_cmd",
    "readiness": "hy_client.cli.readiness_cmd",
    "drafts": "hy_client.cli.drafts_cmd",
    "webportal": "hy_client.cli.webportal_cmd",
    "config": "hy_client.cli.config_cmd",
    "help": "hy_client.cli.help_cmd",
}

Handler = Callable[[argparse.Namespace], int]


def build_parser(groups: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = zh_argparse.ChineseParser(
        prog="hy-client", description="衡阳市公共资源交易系统 客户端",
        epilog="各命令的用法：hy-client 命令 -h；联系方式与常见事项：hy-client help")
    parser.add_argument("--version", action="version", version=f"hy-client {__version__}",
                        help="显示版本号并退出")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="详细日志输出到标准错误（含错误的技术细节）")
    sub = parser.add_subparsers(dest="command", metavar="命令", title="命令")
    for name in groups or GROUPS:
        module = importlib.import_module(GROUPS[name])
        module.register(sub)
    return parser


def utf8_streams() -> None:
    """stdout/stderr in UTF-8 whatever the code page. Through a pipe or into a file Python uses
    the ANSI code page (cp1252 on English Windows cannot encode Chinese at all; cp936 would
    write GBK where scripts and the release smoke test read UTF-8). A Windows console is not
    affected: Python writes to it as UTF-16 either way."""
    for stream, errors_ in ((sys.stdout, "surrogateescape"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            stream.flush()
            reconfigure(encoding="utf-8", errors=errors_)


def main(argv: Sequence[str] | None = None) -> int:
    utf8_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    # Only import the group that is asked for (start-up time), all of them for --help.
    wanted = next((a for a in argv if not a.startswith("-")), None)
    if wanted == "sandbox" and importlib.util.find_spec("hy_client.sandbox") is None:
        print_error(errors.HyError(errors.SANDBOX_NOT_INCLUDED))  # a bidder's bundle has none
        return EXIT_FINDING
    parser = build_parser([wanted] if wanted in GROUPS else None)
    args = parser.parse_args(argv)
    setup_logging(verbose=args.verbose)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except errors.UserCancelled:
        return EXIT_FINDING
    except errors.HyError as exc:
        logging.getLogger(__name__).info("%s failed: %s", args.command, exc.full_text)
        print_error(exc, verbose=args.verbose)
        return EXIT_FINDING
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `| head` closed the pipe: nothing more to say
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (flushed at exit, not ours to close)
        return EXIT_OK
    except Exception as exc:  # the last guard: a code and a log entry, not a traceback
        logging.getLogger(__name__).exception("unexpected error")
        print_error(errors.HyError(errors.INTERNAL, type(exc).__name__), verbose=args.verbose)
        return EXIT_FINDING


def print_error(exc: errors.HyError, *, verbose: bool = False) -> None:
    print(f"错误 {exc.full_text if verbose else exc}", file=sys.stderr)
    if exc.info.advice_zh:
        print(f"建议：{exc.info.advice_zh}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
