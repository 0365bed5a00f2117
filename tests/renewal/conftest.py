"""Renewal tests: the real sandbox (a subprocess trusting the CA of the SoftHSM certificates),
a fresh SoftHSM token per test holding a key whose certificate expires in 20 days, bound to a
fresh account, and bids written into the sandbox's database ("bids adjusted")."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pkcs11 import Attribute, ObjectClass

from hy_client.api.client import PlatformClient
from hy_client.renewal_flow import Progress, RenewalFlow
from hy_client.renewal_journal import JournalStore
from hy_client.signin import KeyChoice, SignIn, login_candidates
from hy_client.token import softhsm
from hy_client.token.service import TokenService, load_name
from tests.platform_fixtures import make_client, platform, register_account  # noqa: F401
from tests.softhsm_fixtures import *  # noqa: F403
from tests.softhsm_fixtures import SO_PIN, VALID_USCC

from .faults import PullableLib

ORG = "衡阳市延期测试建设有限公司"
PIN = "246810"
_labels = count()


@dataclass
class Rig:
    platform: Any
    module: str
    label: str
    cert: x509.Certificate
    client: PlatformClient
    signin: SignIn
    account_id: int
    tokens: TokenService
    lib: PullableLib

    def key(self) -> KeyChoice:
        """The current (old) certificate's key choice, read afresh from the token."""
        found = login_candidates(self.tokens.scan().result(30))
        return next(c for c in found if c.token_label == self.label and c.cert_id == "01")

    def choices(self) -> list[KeyChoice]:
        return [c for c in login_candidates(self.tokens.scan().result(30))
                if c.token_label == self.label]

    def unlock(self) -> KeyChoice:
        key = self.key()
        self.signin.unlock(self.tokens, key, PIN)
        return key

    def flow(self, progress: Progress | None = None) -> RenewalFlow:
        return RenewalFlow(self.client, self.tokens, self.store(), progress=progress)

    def store(self) -> JournalStore:
        return JournalStore(self.client.origin, self.account_id)

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.platform.data_dir / "sandbox.sqlite3", timeout=10,
                               isolation_level=None)
        conn.row_factory = sqlite3.Row
        return conn

    def add_bid(self, code: str, opens_in: timedelta, *, cert_sha256: str | None = None) -> int:
        opening = datetime.now(UTC) + opens_in
        with self.db() as conn:
            cur = conn.execute(
                "INSERT INTO bids (account_id, project_code, project_name,"
                " documents_downloaded_at, bid_deadline, bid_opening, cert_sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self.account_id, code, f"测试项目{code}", opening.timestamp() - 86400 * 3,
                 opening.timestamp(), opening.timestamp(),
                 self.key().certificate.sha256 if cert_sha256 is None else cert_sha256))
            return int(cur.lastrowid or 0)

    def move_bid(self, bid_id: int, opens_in: timedelta) -> None:
        when = (datetime.now(UTC) + opens_in).timestamp()
        with self.db() as conn:
            conn.execute("UPDATE bids SET bid_opening = ?, bid_deadline = ? WHERE id = ?",
                         (when, when, bid_id))

    def renewals(self) -> list[sqlite3.Row]:
        with self.db() as conn:
            return conn.execute("SELECT * FROM renewals WHERE account_id = ?",
                                (self.account_id,)).fetchall()

    def count_private_keys(self, serial: str) -> int:
        return self.tokens.with_session(serial, lambda session, _m: len(list(
            session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})))).result(30)

    def activations(self) -> list[str]:
        return [a.cert_sha256 for a in self.client.activations()]


def make_token(provisioned: Any, *, key: str = "ec",
               days: int = 20) -> tuple[str, x509.Certificate]:
    """A token written with external tools only (as when a key is plugged in)."""
    label = f"renew-{next(_labels)}-{key}"
    provisioned.env.init_token(label, SO_PIN, PIN)
    private = (ec.generate_private_key(ec.SECP256R1()) if key == "ec"
               else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    now = datetime.now(UTC)
    cert = provisioned.ca.issue(private.public_key(), cn=ORG, organization=ORG, uscc=VALID_USCC,
                                not_before=now - timedelta(days=345),
                                not_after=now + timedelta(days=days))
    softhsm.pkcs11_tool_write(provisioned.env, provisioned.module, label, PIN, private, cert,
                              b"\x01", f"{ORG} 签名证书", decrypt=key != "ec")
    return label, cert


@pytest.fixture
def make_rig(platform, provisioned):  # noqa: F811
    made: list[Rig] = []

    def build(*, key: str = "ec", days: int = 20) -> Rig:
        label, cert = make_token(provisioned, key=key, days=days)
        lib = PullableLib(pkcs11.lib(load_name(provisioned.module)))
        tokens = TokenService([provisioned.module], loader=lambda _path: lib)
        tokens.scan(refresh=True).result(30)
        client = make_client(platform.url)
        username, password = register_account(client)
        signin = SignIn(client)
        signin.password_login(username, password)
        rig = Rig(platform, provisioned.module, label, cert, client, signin, 0, tokens, lib)
        key_choice = rig.key()
        signin.activate(tokens, key_choice, "bidder", PIN)
        rig.account_id = client.me().id
        made.append(rig)
        return rig

    yield build
    for rig in made:
        rig.lib.replug()
        rig.tokens.close()
        rig.client.close()
