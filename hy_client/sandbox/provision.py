"""`sandbox provision-token`: a SoftHSM2 demo key whose certificate the sandbox CA issued.

The key is generated on the token (it never exists outside it); the certificate carries the demo
company's Chinese name and 统一社会信用代码 and by default expires within 30 days, so renewal
warnings have something to show. Unless ``bind_to`` is None the certificate is bound to that
account as if remote activation were done, and the account's bids are marked as encrypted to it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from .. import auth, errors
from . import db, service, softhsm
from .ca import TestCA
from .demo import ACCOUNTS, BIDDER, DEMO_CERT_DAYS, REFERENCES
from .runtime import Runtime
from .settings import SandboxSettings

KEY_ID = b"\x01"
KEY_TYPES: dict[str, softhsm.KeyKind] = {"ec": "ec-p256", "rsa": "rsa2048"}


@dataclass(frozen=True)
class ProvisionResult:
    label: str
    serial: str
    subject_cn: str
    not_after: datetime
    cert_sha256: str
    softhsm_conf: Path
    module: str
    bound_to: str | None


@dataclass(frozen=True)
class _ExistingConf(softhsm.SoftHSMEnv):
    """The SoftHSM2 config named by ``SOFTHSM2_CONF``, whatever its file name."""

    conf_path: Path = Path()

    @property
    def conf(self) -> Path:
        return self.conf_path


def softhsm_env(data_dir: Path) -> softhsm.SoftHSMEnv:
    """``SOFTHSM2_CONF`` when set, else a token directory kept under the sandbox data dir."""
    existing = os.environ.get("SOFTHSM2_CONF")
    if existing:
        return _ExistingConf(Path(existing).parent, Path(existing))
    return softhsm.SoftHSMEnv.create(data_dir / "softhsm")


def provision_token(data_dir: Path, *, label: str = "HY-DEMO", pin: str = "123456",
                    so_pin: str = "12345678", days: int | None = None, key_type: str = "ec",
                    bind_to: str | None = BIDDER.username) -> ProvisionResult:
    module = softhsm.softhsm_module()
    if module is None:
        raise errors.HyError(errors.SANDBOX_SOFTHSM_MISSING)
    settings = SandboxSettings(data_dir=data_dir)
    rt = Runtime(settings, REFERENCES)
    rt.prepare(drivers=False)  # the same CA and demo accounts ``serve`` would create
    env = softhsm_env(settings.data_dir)
    try:
        env.serial_of(label)
    except LookupError:
        pass
    else:
        raise errors.HyError(errors.SANDBOX_TOKEN_EXISTS, label)
    serial = env.init_token(label, so_pin, pin)
    env.activate()  # python-pkcs11 in this process reads the same config

    demo = next((a for a in ACCOUNTS if a.username == bind_to), BIDDER)
    name = demo.data["name"]
    public_key = softhsm.generate_key(module, label, pin, KEY_TYPES[key_type], KEY_ID,
                                      f"{name} 签名密钥")
    now = datetime.now(UTC)
    ca = TestCA.create(settings.ca_dir)
    cert = ca.issue(public_key, cn=name, organization=name if demo.kind == "unit" else "",
                    uscc=demo.data.get("uscc"), not_before=now - timedelta(hours=1),
                    not_after=now + timedelta(days=DEMO_CERT_DAYS if days is None else days))
    softhsm.write_certificate(module, label, pin, cert, KEY_ID, f"{name} 签名证书")
    verified = auth.describe_certificate(cert.public_bytes(Encoding.DER), cert)

    bound = None
    if bind_to is not None:
        with rt.pool.connection() as conn, db.write(conn):
            account = service.account_by_username(conn, bind_to)
            if account is None:
                raise errors.HyError(errors.NOT_FOUND, bind_to)
            service.bind_certificate(conn, rt.ctx, account, verified, account.user_type)
            conn.execute("UPDATE bids SET cert_sha256 = ? WHERE account_id = ?",
                         (verified.sha256, account.id))
        bound = bind_to
    rt.pool.close()
    return ProvisionResult(label=label, serial=serial, subject_cn=verified.subject_cn,
                           not_after=verified.not_after, cert_sha256=verified.sha256,
                           softhsm_conf=env.conf, module=module, bound_to=bound)
