"""What the platform commands share: ``--platform``, the client and stored session, secrets
read only from a hidden prompt or stdin, and JSON output."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from pydantic import BaseModel

from .. import config, errors
from ..api.client import PlatformClient, clock_skew_error
from ..signin import SignIn


def add_platform_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--platform", metavar="平台名|地址",
                        help="平台配置名（sandbox、hengyang）或地址；默认取 HY_PLATFORM_URL 或设置")


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="输出JSON")


def add_key_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--token", metavar="名称或序列号", help="CA锁名称或序列号")
    parser.add_argument("--cert", metavar="证书ID", help="证书ID（十六进制）")
    parser.add_argument("--pin-stdin", action="store_true", help="从标准输入读取PIN码")
    parser.add_argument("--module", action="append", metavar="驱动路径", help="只使用该PKCS#11驱动")


def open_signin(args: argparse.Namespace) -> SignIn:
    settings = config.load()
    client = PlatformClient.from_settings(settings, getattr(args, "platform", None))
    return SignIn(client)


def logged_in(args: argparse.Namespace) -> SignIn:
    """The stored session for this platform, or NOT_LOGGED_IN."""
    signin = open_signin(args)
    if not signin.restore():
        raise errors.HyError(errors.NOT_LOGGED_IN)
    return signin


def check_platform(client: PlatformClient) -> None:
    """The contract check before a login; a clock far off the platform's is worth a warning."""
    client.health()
    skew = clock_skew_error(client.clock_skew)
    if skew is not None:
        warn(skew)


def read_secret(prompt: str, from_stdin: bool) -> str:
    """One line from stdin or a hidden prompt; never an argument (it would sit in the shell
    history and the process list). Empty means the user gave up."""
    value = sys.stdin.readline().rstrip("\r\n") if from_stdin else getpass.getpass(prompt)
    if not value:
        raise errors.UserCancelled()
    return value


def warn(exc: errors.HyError) -> None:
    print(f"注意 {exc}", file=sys.stderr)
    if exc.info.advice_zh:
        print(f"建议：{exc.info.advice_zh}", file=sys.stderr)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def print_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2, default=str))


def already_registered(sub: argparse._SubParsersAction, name: str) -> bool:
    """One module registers several top-level commands; ``--help`` imports it once per name."""
    return name in sub.choices
