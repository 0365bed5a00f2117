"""`python -m hy_client.demo` (what `make demo` runs): a demo key, then the key listing.

Creates, once, a SoftHSM2 token under the user data dir holding an RSA-2048 key and a
certificate from the local test CA for 衡阳市某某建设工程有限公司 (with a valid 统一社会信用代码),
expiring in under 30 days so the renewal advice shows; then prints ``hy-client token list``.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from . import config
from .forms.validators import uscc_check_char
from .sandbox.ca import TestCA
from .token import softhsm

DEMO_LABEL = "衡阳演示CA锁"
DEMO_PIN = "314159"
DEMO_SO_PIN = "27182818"
DEMO_ORG = "衡阳市某某建设工程有限公司"
DEMO_USCC = "91430400MA4L8XXX0" + uscc_check_char("91430400MA4L8XXX0")


def provision_demo_token() -> tuple[softhsm.SoftHSMEnv, str]:
    """The demo token's environment (activated) and module; provisions it when missing."""
    module = softhsm.softhsm_module()
    if module is None:
        raise SystemExit("未安装 SoftHSM2：请先运行 make demo（会安装 softhsm2）。")
    base = config.data_dir() / "demo"
    env = softhsm.SoftHSMEnv.create(base / "softhsm")
    env.activate()
    try:
        env.serial_of(DEMO_LABEL)
        return env, module
    except LookupError:
        pass
    env.init_token(DEMO_LABEL, DEMO_SO_PIN, DEMO_PIN)
    ca = TestCA.create(base / "ca")
    public = softhsm.generate_key(module, DEMO_LABEL, DEMO_PIN, "rsa2048", b"\x01", "签名密钥")
    now = datetime.now(UTC)
    cert = ca.issue(public, cn="张三", organization=DEMO_ORG, uscc=DEMO_USCC,
                    not_before=now - timedelta(days=340), not_after=now + timedelta(days=25))
    softhsm.write_certificate(module, DEMO_LABEL, DEMO_PIN, cert, b"\x01", "张三 签名证书")
    return env, module


def main() -> int:
    _, module = provision_demo_token()
    print(f"演示CA锁「{DEMO_LABEL}」，演示PIN码 {DEMO_PIN}（仅用于本机演示）\n")
    from .cli import main as cli_main
    return cli_main(["token", "list", "--module", module])


if __name__ == "__main__":
    sys.exit(main())
