"""`hy-client token list|test`: what keys and certificates are there, and does the key work.

The PIN comes from a hidden prompt or from stdin (``--pin-stdin``), never from an argument.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from .. import errors
from ..driver_probe import command_token_service
from ..token.models import CertificateInfo, ModuleInfo, TokenInfo, all_tokens, modules_json
from . import EXIT_FINDING, EXIT_OK, EXIT_USAGE, print_error

STATUS_ZH = {"valid": "有效", "expiring": "即将到期", "expired": "已过期",
             "not_yet_valid": "尚未生效", "invalid": "无法解析"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("token", help="CA锁与证书", description="CA锁（PKCS#11）与证书")
    tsub = parser.add_subparsers(dest="token_command", metavar="操作")

    def usage(_: argparse.Namespace) -> int:
        parser.print_help()
        return EXIT_USAGE
    parser.set_defaults(handler=usage)

    lp = tsub.add_parser("list", help="列出驱动、CA锁和证书")
    lp.add_argument("--module", action="append", metavar="驱动路径", help="只使用该PKCS#11驱动")
    lp.add_argument("--json", action="store_true", help="输出JSON")
    lp.set_defaults(handler=cmd_list)

    tp = tsub.add_parser("test", help="CA锁自检：签名、验签、解密")
    tp.add_argument("--token", metavar="名称或序列号", help="CA锁名称")
    tp.add_argument("--cert", metavar="证书ID", type=_hex_id, help="证书ID（十六进制）")
    tp.add_argument("--pin-stdin", action="store_true", help="从标准输入读取PIN码")
    tp.add_argument("--module", action="append", metavar="驱动路径", help="只使用该PKCS#11驱动")
    tp.set_defaults(handler=cmd_test)


def _hex_id(value: str) -> str:
    text = value.lower().removeprefix("0x").replace(":", "")
    try:
        bytes.fromhex(text)
    except ValueError:
        raise argparse.ArgumentTypeError("证书ID应为十六进制，例如 01") from None
    return text


def cmd_list(args: argparse.Namespace) -> int:
    with command_token_service(args.module) as service:
        modules = service.scan().result()
    if args.json:
        print(json.dumps(modules_json(modules), ensure_ascii=False, indent=2))
    else:
        print(render_table(modules))
    if not all_tokens(modules):
        if not args.json:
            print_error(errors.HyError(errors.NO_TOKEN))
        return EXIT_FINDING
    return EXIT_OK


def pin_state(token: TokenInfo) -> str:
    f = token.flags
    if f.user_pin_locked:
        return "已锁定"
    if f.user_pin_final_try:
        return "再错一次将锁定"
    if f.user_pin_count_low:
        return "曾输错"
    return "需更改" if f.user_pin_to_be_changed else "正常"


def _key_state(cert: CertificateInfo) -> str:
    return {True: "有", False: "无", None: "登录后可知"}[cert.has_private_key]


def render_table(modules: list[ModuleInfo]) -> str:
    """The human listing: one block per module, token and certificate."""
    lines: list[str] = []
    for m in modules:
        head = f"驱动 {m.path}"
        if m.error:
            lines.append(f"{head}  加载失败：[{m.error.code}] {m.error.zh}"
                         + (f"（{m.error_detail}）" if m.error_detail else ""))
            continue
        lines.append(f"{head}  {m.manufacturer} {m.library_version}")
        tokens = m.tokens
        if not tokens:
            lines.append("  （无CA锁）")
        for t in tokens:
            lines.append(f"  CA锁「{t.label}」 序列号 {t.serial}  厂商 {t.manufacturer}  "
                         f"型号 {t.model}  PIN {pin_state(t)}"
                         + ("  密码键盘" if t.flags.protected_auth_path else ""))
            if not t.certificates:
                lines.append("    （无证书）")
            for c in t.certificates:
                if c.error:
                    lines.append(f"    证书 ID {c.id or '-'} 「{c.label}」 [{c.error.code}] "
                                 f"{c.error.zh}")
                    continue
                expiry = c.not_after.strftime("%Y-%m-%d") if c.not_after else "-"
                lines.append(f"    证书 ID {c.id} 「{c.subject_cn}」 {STATUS_ZH[c.status]}  "
                             f"有效期至 {expiry}（剩余 {c.days_left} 天）  {c.key_algorithm}  "
                             f"私钥 {_key_state(c)}")
                if c.warning is not None:
                    lines.append(f"      [{c.warning[0].code}] {c.warning[0].zh}")
                if c.organization:
                    lines.append(f"      单位 {c.organization}"
                                 + (f"  统一社会信用代码 {c.uscc}" if c.uscc else ""))
                lines.append(f"      颁发者 {c.issuer}")
    return "\n".join(lines)


def read_pin(from_stdin: bool) -> str:
    """The PIN from stdin (one line) or a hidden prompt; empty means the user gave up."""
    pin = sys.stdin.readline().rstrip("\r\n") if from_stdin else getpass.getpass("请输入PIN码：")
    if not pin:
        raise errors.UserCancelled()
    return pin


def cmd_test(args: argparse.Namespace) -> int:
    with command_token_service(args.module) as service:
        tokens = all_tokens(service.scan().result())
        if args.token is not None:
            tokens = [t for t in tokens if t.label == args.token]
        if not tokens:
            raise errors.HyError(errors.NO_TOKEN, args.token or "")
        if len(tokens) > 1:
            raise errors.HyError(errors.SEVERAL_TOKENS, "、".join(t.label for t in tokens))
        token = tokens[0]
        certs = ([c for c in token.certificates if c.id == args.cert] if args.cert
                 else [c for c in token.certificates if c.usable_for_login])
        if not certs:
            warned = [c.warning for c in token.certificates if c.warning is not None]
            if warned and not args.cert:  # e.g. only an SM2 key whose mechanism is unknown
                raise errors.HyError(warned[0][0], token.label)
            raise errors.HyError(errors.CERT_NOT_FOUND, args.cert or token.label)
        print(f"CA锁「{token.label}」 序列号 {token.serial}")
        if token.flags.user_pin_final_try:
            print(f"注意：{errors.PIN_FINAL_TRY.zh}")
        elif token.flags.user_pin_count_low:
            print("注意：PIN码曾输错，多次输错将锁定CA锁")
        if token.flags.protected_auth_path:
            print("请在密码键盘上输入PIN码……")
            service.login(token.serial, None).result()
        else:
            service.login(token.serial, read_pin(args.pin_stdin)).result()
        failed = 0
        for cert in certs:
            result = service.self_test(token.serial, cert.id).result()
            decrypt = {True: "通过", False: "失败", None: "不适用"}[result.decrypt_ok]
            print(f"证书 ID {cert.id} 「{cert.subject_cn}」 {result.algorithm}  "
                  f"签名验签 {'通过' if result.signature_ok else '失败'}  解密 {decrypt}")
            if result.note is not None:
                print(f"  说明：[{result.note.code}] {result.note.zh}。{result.note.advice_zh}")
            if not result.ok:
                failed += 1
                print_error(errors.HyError(result.error or errors.SELF_TEST_FAILED,
                                           result.detail))
        service.logout(token.serial).result()
    if failed:
        return EXIT_FINDING
    print("自检通过")
    return EXIT_OK
