"""`hy-client sandbox …`: run the local stand-in platform and play its other parties.

serve, provision-token (a SoftHSM2 demo key with a certificate from the sandbox CA),
app bind/scan (the 标证通 simulator), review list/approve/reject (the market-entity section),
reset-password (the support desk's reset), openapi (write the API contract). FastAPI is
imported only inside these handlers.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .. import config, errors
from .zh_argparse import row_id

if TYPE_CHECKING:
    from ..sandbox.appsim import AppSimulator
    from ..sandbox.runtime import Runtime

EXIT_OK, EXIT_FINDING = 0, 1


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data) if args.data else config.data_dir() / "sandbox"


def _add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR",
                        help="测试平台数据目录（默认：用户数据目录下 sandbox）")


def _help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def show(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2
    return show


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Developer and training tooling: runnable, but not listed in `hy-client --help`.
    parser = subparsers.add_parser("sandbox", description="本机测试平台（演示、培训与集成测试）")
    sub = parser.add_subparsers(dest="sandbox_command", metavar="ACTION")
    parser.set_defaults(handler=_help(parser))

    serve = sub.add_parser("serve", help="启动测试平台")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=config.SANDBOX_PORT)
    serve.add_argument("--public", action="store_true", help="允许监听非本机地址")
    serve.add_argument("--origin", default="", help="对外的 scheme://host:port（默认按监听地址）")
    serve.add_argument("--clock-offset", type=float, default=0.0, metavar="SECONDS",
                       help="平台时钟偏移（用于演示电脑时间不准的诊断）")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-demo", action="store_true", help="首次启动时不创建演示数据")
    serve.add_argument("--renewal-review", action="store_true",
                       help="证书延期申请需人工审核（sandbox review approve-renewal）")
    _add_data(serve)
    serve.set_defaults(handler=_serve)

    prov = sub.add_parser("provision-token", help="创建SoftHSM2演示CA锁并签发证书")
    prov.add_argument("--label", default=None, help="CA锁名称（默认 HY-DEMO，sm2 为 HY-DEMO-SM2）")
    prov.add_argument("--pin", default="123456", help="演示CA锁的PIN码（默认 123456）")
    prov.add_argument("--so-pin", default="12345678")
    prov.add_argument("--days", type=int, default=None,
                      help="证书有效天数（默认20天，便于演示延期提醒）")
    prov.add_argument("--key", choices=("ec", "rsa", "sm2"), default="ec",
                      help="密钥类型：ec、rsa，或 sm2（国密测试CA锁，需先 make sm2token）")
    prov.add_argument("--unbound", action="store_true", help="不绑定到演示投标人账号")
    prov.add_argument("--account", default="demo_bidder")
    _add_data(prov)
    prov.set_defaults(handler=_provision)

    app = sub.add_parser("app", help="标证通手机应用模拟器")
    app_sub = app.add_subparsers(dest="app_command", metavar="ACTION")
    app.set_defaults(handler=_help(app))
    bind = app_sub.add_parser("bind", help="扫描绑定二维码")
    bind.add_argument("payload")
    scan = app_sub.add_parser("scan", help="扫描登录二维码并确认或拒绝")
    scan.add_argument("payload")
    choice = scan.add_mutually_exclusive_group()
    choice.add_argument("--approve", dest="approve", action="store_const", const=True,
                        default=True, help="确认登录（默认）")
    choice.add_argument("--deny", dest="approve", action="store_const", const=False,
                        help="拒绝登录")
    for p in (bind, scan):
        p.add_argument("--url", default="", help="测试平台地址（默认读取数据目录中的 server.json）")
        _add_data(p)
    bind.set_defaults(handler=_app_bind)
    scan.set_defaults(handler=_app_scan)

    review = sub.add_parser("review", help="审核（市场主体科）")
    review_sub = review.add_subparsers(dest="review_command", metavar="ACTION")
    review.set_defaults(handler=_help(review))
    listing = review_sub.add_parser("list", help="待审核列表")
    listing.add_argument("--all", action="store_true", help="包括已审核的记录")
    approve = review_sub.add_parser("approve", help="审核通过")
    approve.add_argument("id", type=row_id)
    reject = review_sub.add_parser("reject", help="退回")
    reject.add_argument("id", type=row_id)
    reject.add_argument("--reason", required=True)
    renewal_list = review_sub.add_parser("renewals", help="证书延期申请列表")
    renewal_list.add_argument("--all", action="store_true", help="包括已处理的申请")
    renewal_ok = review_sub.add_parser("approve-renewal", help="通过证书延期申请（签发新证书）")
    renewal_ok.add_argument("id", type=row_id)
    renewal_no = review_sub.add_parser("reject-renewal", help="退回证书延期申请")
    renewal_no.add_argument("id", type=row_id)
    renewal_no.add_argument("--reason", required=True)
    for p in (listing, approve, reject, renewal_list, renewal_ok, renewal_no):
        _add_data(p)
    renewal_list.set_defaults(handler=_review_renewals)
    renewal_ok.set_defaults(handler=lambda a: _review_renewal(a, True))
    renewal_no.set_defaults(handler=lambda a: _review_renewal(a, False))
    listing.set_defaults(handler=_review_list)
    approve.set_defaults(handler=lambda a: _review_decide(a, True))
    reject.set_defaults(handler=lambda a: _review_decide(a, False))

    reset = sub.add_parser("reset-password",
                           help="重置账号密码（客服找回密码；该账号所有登录随之失效）")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="从标准输入读取新密码")
    _add_data(reset)
    reset.set_defaults(handler=_reset_password)

    spec = sub.add_parser("openapi", help="输出平台接口的 OpenAPI 文档")
    spec.add_argument("--out", default="-", help="输出文件（默认标准输出）")
    spec.set_defaults(handler=_openapi)


def _serve(args: argparse.Namespace) -> int:
    from ..sandbox.server import check_host, serve
    from ..sandbox.settings import SandboxSettings

    check_host(args.host, args.public)
    settings = SandboxSettings(data_dir=_data_dir(args), host=args.host, port=args.port,
                               origin=args.origin,
                               clock_offset=timedelta(seconds=args.clock_offset),
                               demo_data=not args.no_demo,
                               renewal_review=args.renewal_review)
    print(f"测试平台：{settings.url}  数据目录：{settings.data_dir}", flush=True)
    serve(settings, public=args.public, workers=max(1, args.workers))
    return EXIT_OK


def _provision(args: argparse.Namespace) -> int:
    from ..sandbox.provision import provision_token

    label = args.label or ("HY-DEMO-SM2" if args.key == "sm2" else "HY-DEMO")
    result = provision_token(_data_dir(args), label=label, pin=args.pin,
                             so_pin=args.so_pin, days=args.days, key_type=args.key,
                             bind_to=None if args.unbound else args.account)
    print(f"CA锁：{result.label}  证书：{result.subject_cn}  有效期至：{result.not_after:%Y-%m-%d}")
    for name, value in result.environment.items():
        print(f"{name}={value}")
    if args.key == "sm2":
        print(f"HY_PKCS11_MODULE={result.module}")
    for note in result.notes:
        print(note)
    if result.bound_to:
        print(f"已绑定账号：{result.bound_to}")
    return EXIT_OK


def _simulator(args: argparse.Namespace) -> AppSimulator:
    from ..sandbox.appsim import AppSimulator
    from ..sandbox.server import read_server_url

    data_dir = _data_dir(args)
    return AppSimulator(data_dir, args.url or read_server_url(data_dir))


def _app_bind(args: argparse.Namespace) -> int:
    app = _simulator(args)
    device = app.bind(args.payload)
    print(f"已提交绑定：{device.name}（指纹 {app.fingerprint()}），请在电脑上核对后确认")
    return EXIT_OK


def _app_scan(args: argparse.Namespace) -> int:
    status = _simulator(args).scan(args.payload, args.approve)
    print({"confirmed": "已确认登录", "denied": "已拒绝登录"}.get(status.state, status.state))
    return EXIT_OK


def _runtime(args: argparse.Namespace) -> Runtime:
    from ..sandbox import db
    from ..sandbox.demo import REFERENCES
    from ..sandbox.runtime import Runtime
    from ..sandbox.settings import SandboxSettings

    settings = SandboxSettings(data_dir=_data_dir(args))
    if not settings.db_path.exists():
        raise errors.HyError(errors.SANDBOX_NOT_RUNNING, str(settings.data_dir))
    db.init_db(settings.db_path)
    return Runtime(settings, REFERENCES)


def _review_list(args: argparse.Namespace) -> int:
    from ..sandbox import records

    rt = _runtime(args)
    names = {"profile": "基本信息", "qualification": "企业资质", "personnel": "职业人员"}
    with rt.pool.connection() as conn:
        items = records.review_queue(conn, all_states=args.all)
    if not items:
        print("没有待审核的记录")
    for item in items:
        when = f"{item.submitted_at:%Y-%m-%d %H:%M}" if item.submitted_at else "-"
        print(f"{item.id:>5}  {names[item.kind]:<6} {item.account:<20} {item.status:<10} {when}")
    return EXIT_OK


def _review_decide(args: argparse.Namespace, approve: bool) -> int:
    from ..sandbox import db, records

    rt = _runtime(args)
    with rt.pool.connection() as conn, db.write(conn):
        item = records.decide(conn, rt.ctx, args.id, approve=approve,
                              reason=getattr(args, "reason", "") or "")
    print(f"{item.id} {'已审核通过' if approve else '已退回'}")
    return EXIT_OK


def _review_renewals(args: argparse.Namespace) -> int:
    from ..sandbox import renewals

    rt = _runtime(args)
    with rt.pool.connection() as conn:
        rows = renewals.pending(conn, all_states=args.all)
    if not rows:
        print("没有待审核的延期申请")
    names = {"pending": "待审核", "issued": "已签发", "rejected": "已退回", "activated": "已启用"}
    for row in rows:
        print(f"{row['id']:>5}  {row['username']:<20} {names.get(row['state'], row['state']):<6}"
              f" 原证书 {row['old_cert_sha256'][:16]}…")
    return EXIT_OK


def _review_renewal(args: argparse.Namespace, approve: bool) -> int:
    from ..sandbox import db, renewals

    rt = _runtime(args)
    with rt.pool.connection() as conn, db.write(conn):
        renewal = renewals.decide(conn, rt.ctx, rt.ca(), args.id, approve=approve,
                                  reason=getattr(args, "reason", "") or "")
    print(f"{renewal.id} {'已签发新证书' if approve else '已退回'}")
    return EXIT_OK


def _reset_password(args: argparse.Namespace) -> int:
    from ..sandbox import service
    from .platform_opts import read_secret

    rt = _runtime(args)
    password = read_secret(f"{args.username} 的新密码：", args.password_stdin)
    with rt.pool.connection() as conn:
        account = service.reset_password(conn, args.username, password)
    print(f"已重置 {account.username} 的密码，该账号的所有登录已失效")
    return EXIT_OK


def _openapi(args: argparse.Namespace) -> int:
    from ..sandbox.contract import openapi_document

    text = json.dumps(openapi_document(), ensure_ascii=False, indent=2) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, "utf-8")
    return EXIT_OK
