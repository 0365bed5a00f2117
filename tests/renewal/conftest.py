"""Renewal tests: the real sandbox (a subprocess trusting the CA of the SoftHSM certificates),
a fresh SoftHSM token per test holding a key whose certificate expires in 20 days, bound to a
fresh account, and bids written into the sandbox's database ("bids adjusted")."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pkcs11
import pytest
from cryptography import x509
from pkcs11 import Attribute, ObjectClass

from hy_client.api.client import PlatformClient
from hy_client.renewal_flow import Progress, RenewalFlow
from hy_client.renewal_journal import JournalStore
from hy_client.signin import KeyChoice, SignIn, login_candidates
from hy_client.token.service import TokenService, load_name
from tests.platform_fixtures import make_client, platform, register_account  # noqa: F401
from tests.renewal_fixtures import PIN, insert_bid, make_token, move_bid, unit_code
from tests.softhsm_fixtures import *  # noqa: F403

from .faults import PullableLib


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
        return insert_bid(self.platform.data_dir, self.account_id, code, opens_in,
                          self.key().certificate.sha256 if cert_sha256 is None else cert_sha256)

    def move_bid(self, bid_id: int, opens_in: timedelta) -> None:
        move_bid(self.platform.data_dir, bid_id, opens_in)

    def renewals(self) -> list[sqlite3.Row]:
        with self.db() as conn:
            return conn.execute("SELECT * FROM renewals WHERE account_id = ?",
                                (self.account_id,)).fetchall()

    def count_private_keys(self, serial: str) -> int:
        return self.tokens.with_session(serial, lambda session, _m: len(list(
            session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})))).result(30)

    def activations(self) -> list[str]:
        return [a.cert_sha256 for a in self.client.activations()]


@pytest.fixture
def make_rig(platform, provisioned):  # noqa: F811
    made: list[Rig] = []

    def build(*, key: str = "ec", days: int = 20) -> Rig:
        label, cert = make_token(provisioned, key=key, days=days)
        lib = PullableLib(pkcs11.lib(load_name(provisioned.module)))
        tokens = TokenService([provisioned.module], loader=lambda _path: lib)
        tokens.scan(refresh=True).result(30)
        client = make_client(platform.url)
        username, password = register_account(client, code=unit_code(cert))
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
