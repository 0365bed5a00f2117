"""`sandbox provision-token`: a SoftHSM2 demo key whose certificate the sandbox CA issued.

The key is generated on the token (it never exists outside it); the certificate carries the demo
company's Chinese name and 统一社会信用代码 and by default expires within 30 days, so renewal
warnings have something to show. Unless ``bind_to`` is None the certificate is bound to that
account as if remote activation were done, and the account's bids are marked as encrypted to it.

``key_type="sm2"``: a 国密 key on the SM2 test token (tests/sm2token, built by ``make sm2token``)
with a certificate from the sandbox's SM2 test CA. That token cannot generate keys, so the key
is made here and written into its directory. The sandbox's signed driver catalogue describes
the module's SM2 mechanisms; its key is pinned in the client's config and the catalogue cached,
so the client signs with it at once.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from .. import auth, config, errors, sm2
from . import db, service, sm2token, softhsm
from .ca import TestCA
from .demo import ACCOUNTS, BIDDER, DEMO_CERT_DAYS, REFERENCES
from .runtime import Runtime
from .settings import SandboxSettings
from .sm2ca import Sm2TestCA

KEY_ID = b"\x01"
KEY_TYPES: dict[str, softhsm.KeyKind] = {"ec": "ec-p256", "rsa": "rsa2048"}
SM2_KEY_ID = b"\x21"


@dataclass(frozen=True)
class ProvisionResult:
    label: str
    serial: str
    subject_cn: str
    not_after: datetime
    cert_sha256: str
    softhsm_conf: Path | None
    module: str
    bound_to: str | None
    environment: dict[str, str] = field(default_factory=dict)  # what the client process needs
    notes: tuple[str, ...] = ()


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
    if key_type == "sm2":
        return provision_sm2_token(data_dir, label=label, pin=pin, days=days, bind_to=bind_to)
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
    bound = _bind(rt, verified, bind_to)
    return ProvisionResult(label=label, serial=serial, subject_cn=verified.subject_cn,
                           not_after=verified.not_after, cert_sha256=verified.sha256,
                           softhsm_conf=env.conf, module=module, bound_to=bound,
                           environment={"SOFTHSM2_CONF": str(env.conf)})


def _bind(rt: Runtime, verified: auth.VerifiedCertificate, bind_to: str | None) -> str | None:
    """Bind as remote activation would, and mark the account's bids as encrypted to it."""
    try:
        if bind_to is None:
            return None
        with rt.pool.connection() as conn, db.write(conn):
            account = service.account_by_username(conn, bind_to)
            if account is None:
                raise errors.HyError(errors.NOT_FOUND, bind_to)
            service.bind_certificate(conn, rt.ctx, account, verified, account.user_type)
            conn.execute("UPDATE bids SET cert_sha256 = ? WHERE account_id = ?",
                         (verified.sha256, account.id))
        return bind_to
    finally:
        rt.pool.close()


def sm2_token_root(data_dir: Path) -> Path:
    """``SM2TOKEN_DIR`` when set (the module reads it), else ``sm2tokens`` in the data dir."""
    existing = os.environ.get(sm2token.ENV_DIR)
    return Path(existing) if existing else data_dir / "sm2tokens"


def provision_sm2_token(data_dir: Path, *, label: str = "HY-DEMO-SM2", pin: str = "123456",
                        days: int | None = None, bind_to: str | None = BIDDER.username
                        ) -> ProvisionResult:
    module = sm2token.module_path()
    if module is None:
        raise errors.HyError(errors.SANDBOX_SM2_TOKEN_MISSING)
    settings = SandboxSettings(data_dir=data_dir)
    rt = Runtime(settings, REFERENCES)
    rt.prepare(drivers=False)
    root = sm2_token_root(settings.data_dir)
    root.mkdir(parents=True, exist_ok=True)
    for conf in root.glob("*/token.conf"):
        if f"label={label}\n" in conf.read_text("utf-8"):
            rt.pool.close()
            raise errors.HyError(errors.SANDBOX_TOKEN_EXISTS, label)
    serial = "SM2" + secrets.token_hex(6).upper()

    demo = next((a for a in ACCOUNTS if a.username == bind_to), BIDDER)
    name = demo.data["name"]
    key = sm2.PrivateKey.generate()
    now = datetime.now(UTC)
    ca = Sm2TestCA.create(settings.ca_dir / "sm2")
    der = ca.issue(key.public, cn=name, organization=name if demo.kind == "unit" else "",
                   uscc=demo.data.get("uscc"), not_before=now - timedelta(hours=1),
                   not_after=now + timedelta(days=DEMO_CERT_DAYS if days is None else days))
    folder = sm2token.write_token(root, label, serial, pin)
    sm2token.write_key(folder, SM2_KEY_ID, key, f"{name} 国密签名密钥")
    sm2token.write_certificate(folder, SM2_KEY_ID, der, f"{name} 国密签名证书")
    verified = auth.describe_certificate(der, x509.load_der_x509_certificate(der))
    notes = _publish_sm2_description(settings)
    bound = _bind(rt, verified, bind_to)
    return ProvisionResult(label=label, serial=serial, subject_cn=verified.subject_cn,
                           not_after=verified.not_after, cert_sha256=verified.sha256,
                           softhsm_conf=None, module=module, bound_to=bound,
                           environment={sm2token.ENV_DIR: str(root)}, notes=notes)


def _publish_sm2_description(settings: SandboxSettings) -> tuple[str, ...]:
    """Sign the sandbox catalogue (with the SM2 entry), pin its key in the client's config and
    cache it there, as ``drivers refresh`` would after pinning the key."""
    from ..drivers.store import default_store
    from .driver_repo import CATALOGUE, PUBLIC_KEY, SIGNATURE, SM2_MARKER, ensure_driver_repo
    from .server import read_server_url

    module = sm2token.module_path()
    if module:
        (settings.data_dir / SM2_MARKER).write_text(module, "utf-8")

    try:  # a running sandbox serves this repo: keep its URL in the entries
        base_url = read_server_url(settings.data_dir)
    except errors.HyError:
        base_url = settings.origin
    try:
        repo = ensure_driver_repo(settings.data_dir, base_url)
    except OSError as exc:
        return (f"未能生成测试平台驱动目录（{type(exc).__name__}），客户端将不知道该CA锁的SM2算法",)
    key = (repo / PUBLIC_KEY).read_text("utf-8").strip()
    client = config.load()
    if key not in client.catalogue_keys:
        client = config.update(catalogue_keys=(*client.catalogue_keys, key))
    try:
        default_store(client.catalogue_keys).accept(
            (repo / CATALOGUE).read_bytes(), (repo / SIGNATURE).read_bytes(), "sandbox")
    except errors.HyError as exc:
        return (f"客户端未接受测试平台驱动目录：[{exc.info.code}] {exc.info.zh}",)
    return ("已在客户端配置中信任测试平台驱动目录，并缓存其中的SM2算法描述",)
