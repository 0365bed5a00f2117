"""`hy-client login | whoami | logout | activate | register | app`: accounts and sign-in.

The session token goes to the OS keyring (per platform) so the next command is logged in;
PINs and passwords come only from a hidden prompt or ``--pin-stdin`` / ``--password-stdin``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from .. import errors, usernames
from ..api import models
from ..driver_probe import command_token_service
from ..forms import ensure_valid
from ..qr import qr_terminal
from ..signin import KeyChoice, LoginResult, SignIn, choose_key, no_candidate_reason
from ..token.service import TokenService
from . import EXIT_OK
from .assignments import resolve_assignments
from .platform_opts import (
    add_json_option,
    add_key_options,
    add_platform_option,
    already_registered,
    check_platform,
    logged_in,
    open_signin,
    print_json,
    read_secret,
    warn,
)
from .zh_argparse import choice, choice_metavar

COMMANDS = ("login", "whoami", "logout", "activate", "register", "app")
USER_TYPES = (("bidder", "投标人"), ("agency", "代理机构"))
ACCOUNT_KINDS = (("unit", "单位"), ("person", "自然人"))


def register(sub: argparse._SubParsersAction) -> None:
    if already_registered(sub, "login"):
        return
    p = sub.add_parser("login", help="登录交易平台（密码、CA锁或标证通扫码）")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--password", action="store_true", help="用户名和密码登录")
    how.add_argument("--ca", action="store_true", help="CA锁登录")
    how.add_argument("--qr", action="store_true", help="标证通扫码登录（终端显示二维码）")
    p.add_argument("--username", help="用户名（默认上次登录的用户名）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    add_key_options(p)
    add_platform_option(p)
    add_json_option(p)
    p.set_defaults(handler=cmd_login)

    p = sub.add_parser("whoami", help="显示当前登录的账号")
    add_platform_option(p)
    add_json_option(p)
    p.set_defaults(handler=cmd_whoami)

    p = sub.add_parser("logout", help="退出登录（并从系统凭据存储中删除会话）")
    add_platform_option(p)
    p.set_defaults(handler=cmd_logout)

    p = sub.add_parser("activate", help="远程证书激活：把CA锁中的证书绑定到当前账号")
    p.add_argument("--user-type", type=choice(USER_TYPES, "用户类型"), required=True,
                   metavar=choice_metavar(USER_TYPES), help="用户类型（也可写 bidder、agency）")
    add_key_options(p)
    add_platform_option(p)
    add_json_option(p)
    p.set_defaults(handler=cmd_activate)

    p = sub.add_parser("register", help="在统一注册平台注册账号（单位或自然人）")
    p.add_argument("--kind", type=choice(ACCOUNT_KINDS, "注册类型"), required=True,
                   metavar=choice_metavar(ACCOUNT_KINDS), help="注册类型（也可写 unit、person）")
    p.add_argument("--username", required=True,
                   help="用户名：单位名称或本人姓名，也可为字母、数字组合")
    p.add_argument("--set", action="append", default=[], metavar="字段=值", dest="fields",
                   help="注册信息，字段可写中文名或字段名，如 --set 单位名称=某某公司 "
                        "--set 统一社会信用代码=…")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    add_platform_option(p)
    add_json_option(p)
    p.set_defaults(handler=cmd_register)

    p = sub.add_parser("app", help="标证通：绑定手机、查看已绑定的设备")
    app_sub = p.add_subparsers(dest="app_command", metavar="操作")
    bp = app_sub.add_parser("bind", help="显示绑定二维码，用标证通扫码绑定")
    add_platform_option(bp)
    bp.set_defaults(handler=cmd_app_bind)
    dp = app_sub.add_parser("devices", help="已绑定的设备")
    add_platform_option(dp)
    add_json_option(dp)
    dp.set_defaults(handler=cmd_app_devices)
    p.set_defaults(handler=lambda a: (p.print_help(), 2)[1])


# --- login --------------------------------------------------------------------------------
def cmd_login(args: argparse.Namespace) -> int:
    signin = open_signin(args)
    check_platform(signin.client)
    if args.password:
        result = _password_login(signin, args)
    elif args.ca:
        with command_token_service(args.module) as tokens:
            key = _choose(signin, tokens, args)
            result = signin.ca_login(tokens, key, _pin(key, args.pin_stdin))
    else:
        result = signin.qr_login(_show_qr, username=_username(signin, args, ask=True),
                                 on_state=_qr_state)
    return _report_login(result, args.json)


def _username(signin: SignIn, args: argparse.Namespace, *, ask: bool) -> str:
    username: str = args.username or signin.remembered_username() or ""
    if not username:
        if not ask:
            raise errors.HyError(errors.VALIDATION_FAILED, "--username")
        username = input("用户名：").strip()
        if not username:
            raise errors.UserCancelled()
    return username


def _password_login(signin: SignIn, args: argparse.Namespace) -> LoginResult:
    username = _username(signin, args, ask=not args.password_stdin)
    password = read_secret(f"{username} 的密码：", args.password_stdin)
    return signin.password_login(username, password)


def _choose(signin: SignIn, tokens: TokenService, args: argparse.Namespace) -> KeyChoice:
    candidates = signin.candidates(tokens)
    if not candidates:
        reason = no_candidate_reason(tokens.scan().result(signin.token_timeout))
        if reason is not None:
            raise reason
    try:
        return choose_key(candidates, token=args.token, cert_id=args.cert)
    except errors.HyError as exc:
        if exc.data.get("choices") or exc.info is errors.SEVERAL_TOKENS:
            print("可用的证书（用 --token 和 --cert 指定）：", file=sys.stderr)
            for c in candidates:
                print(f"  {c.describe()}", file=sys.stderr)
        raise


def _pin(key: KeyChoice, from_stdin: bool) -> str | None:
    """None for a PIN pad; else a hidden prompt, warning first if tries are running out."""
    if key.flags.protected_auth_path:
        print("请在密码键盘上输入PIN码……", file=sys.stderr)
        return None
    if key.flags.user_pin_locked:
        raise errors.HyError(errors.PIN_LOCKED)
    if key.flags.user_pin_final_try:
        warn(errors.HyError(errors.PIN_FINAL_TRY))
    elif key.flags.user_pin_count_low:
        print("注意：PIN码曾输错，多次输错将锁定CA锁", file=sys.stderr)
    return read_secret(f"CA锁「{key.token_label}」的PIN码：", from_stdin)


def _show_qr(code: models.QrCode) -> None:
    print(qr_terminal(code.payload))
    left = int((code.expires_at - datetime.now(UTC)).total_seconds())
    print(f"请用标证通扫描二维码登录（{max(left, 0)} 秒内有效，Ctrl+C 取消）", flush=True)


def _qr_state(status: models.QrStatus) -> None:
    if status.state == "scanned" and status.kind == "login":
        print(f"已扫码{'（' + status.device_name + '）' if status.device_name else ''}，"
              f"将登录账号「{status.account}」，请在手机上确认……", flush=True)
    elif status.state == "expired":
        print("二维码已过期，正在刷新……", flush=True)


def _report_login(result: LoginResult, as_json: bool) -> int:
    if result.warning is not None:
        warn(result.warning)
    account = result.account
    if as_json:
        print_json({"account": account, "expires_at": result.session.expires_at,
                    "remembered": result.remembered})
    else:
        print(f"已登录：{account.display_name}（{account.username}，"
              f"{_USER_TYPES[account.user_type]}）")
    return EXIT_OK


_USER_TYPES = dict(USER_TYPES)


# --- session ------------------------------------------------------------------------------
def cmd_whoami(args: argparse.Namespace) -> int:
    signin = open_signin(args)
    account = signin.whoami()
    if args.json:
        print_json({"platform": signin.client.origin, "account": account})
    else:
        print(f"{account.display_name}（{account.username}，{_USER_TYPES[account.user_type]}）"
              f" @ {signin.client.origin}")
    return EXIT_OK


def cmd_logout(args: argparse.Namespace) -> int:
    open_signin(args).logout()
    print("已退出登录")
    return EXIT_OK


def cmd_activate(args: argparse.Namespace) -> int:
    signin = logged_in(args)
    with command_token_service(args.module) as tokens:
        key = _choose(signin, tokens, args)
        activation = signin.activate(tokens, key, args.user_type, _pin(key, args.pin_stdin))
    if args.json:
        print_json(activation)
    else:
        print(f"证书已激活：{activation.subject_cn}（{activation.organization or '-'}），"
              f"用户类型 {_USER_TYPES[activation.user_type]}，有效期至 "
              f"{activation.not_after.date()}")
    return EXIT_OK


def cmd_register(args: argparse.Namespace) -> int:
    signin = open_signin(args)
    check_platform(signin.client)
    spec = f"registration_{args.kind}"
    data = resolve_assignments(None, spec, args.fields)
    payload = ensure_valid(spec, data, references=None)
    password = read_secret("设置密码：", args.password_stdin)
    if not args.password_stdin and read_secret("再次输入密码：", False) != password:
        raise errors.ValidationError([errors.FieldError(
            "password_confirm", "两次输入的密码不一致", "确认密码")])
    ensure_valid("account", {"username": args.username, "password": password,
                             "password_confirm": password})
    account = signin.register(models.Registration(kind=args.kind,
                                                  username=usernames.display(args.username),
                                                  password=password, data=payload))
    if args.json:
        print_json(account)
    else:
        print(f"注册成功：{account.display_name}（{account.username}）。"
              "请用 hy-client login --password 登录。")
    return EXIT_OK


# --- 标证通 ---------------------------------------------------------------------------------
def cmd_app_bind(args: argparse.Namespace) -> int:
    signin = logged_in(args)

    def show(code: models.QrCode) -> None:
        print(qr_terminal(code.payload))
        print("请用标证通扫描二维码完成绑定（Ctrl+C 取消）", flush=True)

    def confirm(status: models.QrStatus) -> bool:
        print(f"手机「{status.device_name}」（指纹 {status.device_fingerprint}）请求绑定到账号"
              f"「{status.account}」。", flush=True)
        print("请核对手机上显示的名称和指纹是否一致。", flush=True)
        return input("确认绑定这部手机？[y/N] ").strip().lower() in ("y", "yes", "是")

    status = signin.qr_bind(show, confirm=confirm, on_state=_qr_state)
    print(f"标证通已绑定{'：' + status.device_name if status.device_name else ''}")
    return EXIT_OK


def cmd_app_devices(args: argparse.Namespace) -> int:
    devices = logged_in(args).client.devices()
    if args.json:
        print_json(devices)
    elif not devices:
        print("尚未绑定标证通")
    else:
        for d in devices:
            print(f"{d.id}  {d.name}  绑定于 {d.created_at:%Y-%m-%d %H:%M}")
    return EXIT_OK
