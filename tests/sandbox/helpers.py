"""Helpers for the sandbox tests: an HTTP client that keeps cookies, and software credentials
issued by a test CA that sign exactly as a token does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from requests.adapters import HTTPAdapter

from hy_client import auth, sm2
from hy_client.sandbox.ca import TestCA
from hy_client.sandbox.demo import AGENCY, BIDDER, PERSON
from hy_client.sandbox.sm2ca import Sm2TestCA
from tests.sandbox_fixtures import (
    ThreadedSandbox,
)

DEMO = {"bidder": BIDDER, "agency": AGENCY, "person": PERSON}


class _FromAddress(HTTPAdapter):
    """Connect from another loopback address: a second client machine, as the server sees it."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class Api:
    """A requests session against one sandbox (cookies kept: the nonce is bound to them);
    ``source`` (e.g. 127.0.0.2) makes it another client machine."""

    def __init__(self, base: str, source: str = "") -> None:
        self.base = base
        self.http = requests.Session()
        if source:
            self.http.mount("http://", _FromAddress(source))
        self.token = ""

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.http.request(method, self.base + path, headers=headers, timeout=30,
                                 **kwargs)

    def login(self, username: str, password: str) -> requests.Response:
        r = self.call("POST", "/auth/login", json={"username": username, "password": password})
        if r.status_code == 200:
            self.token = r.json()["token"]
        return r

    def login_demo(self, who: str = "bidder") -> Api:
        demo = DEMO[who]
        assert self.login(demo.username, demo.password).status_code == 200
        return self


def code_of(response: requests.Response) -> str:
    return str(response.json()["error"]["code"])


@dataclass
class Credential:
    """A software key with a certificate from some CA: what a token would hold."""

    key: Any
    cert: x509.Certificate
    algorithm: str

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(Encoding.DER)

    def auth_token(self, origin: str, nonce: str, **override: Any) -> dict[str, str]:
        signature = auth.sign_message(self.key, self.algorithm,
                                      auth.challenge_message(origin, nonce))
        token = auth.build_auth_token(self.der, self.algorithm, signature, "test")
        token.update(override)
        return token


def make_credential(ca: TestCA | Sm2TestCA, algorithm: str = "ES256", **issue: Any
                    ) -> Credential:
    issue.setdefault("cn", "衡阳市湘江建设工程有限公司")
    issue.setdefault("organization", "衡阳市湘江建设工程有限公司")
    if isinstance(ca, Sm2TestCA):
        sm2_key = sm2.PrivateKey.generate()
        der = ca.issue(sm2_key.public, **issue)
        return Credential(sm2_key, x509.load_der_x509_certificate(der), algorithm)
    if algorithm in ("RS256", "PS256"):
        key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        key = ec.generate_private_key(ec.SECP384R1() if algorithm == "ES384" else ec.SECP256R1())
    cert = ca.issue(key.public_key(), **issue)
    return Credential(key, cert, algorithm)


def sandbox_ca(sb: ThreadedSandbox) -> TestCA:
    return TestCA.load(sb.data_dir / "ca")


def sandbox_sm2_ca(sb: ThreadedSandbox) -> Sm2TestCA:
    return Sm2TestCA.load(sb.data_dir / "ca" / "sm2")


def activate(api: Api, origin: str, cred: Credential, user_type: str = "bidder",
             **headers: str) -> requests.Response:
    nonce = api.call("POST", "/auth/challenge").json()["nonce"]
    return api.call("POST", "/activations", headers=headers, json={
        "nonce": nonce, "auth_token": cred.auth_token(origin, nonce), "user_type": user_type})


def token_login(api: Api, origin: str, cred: Credential, **override: Any) -> requests.Response:
    nonce = api.call("POST", "/auth/challenge").json()["nonce"]
    return api.call("POST", "/auth/token-login",
                    json={"nonce": nonce, "auth_token": cred.auth_token(origin, nonce,
                                                                        **override)})


def assert_replay_refused(sb: ThreadedSandbox, cred: Credential) -> None:
    """A token-login body accepted once is refused when sent again: its nonce is spent (A105)."""
    api = Api(sb.api)
    nonce = api.call("POST", "/auth/challenge").json()["nonce"]
    body = {"nonce": nonce, "auth_token": cred.auth_token(sb.origin, nonce)}
    first = api.call("POST", "/auth/token-login", json=body)
    assert first.status_code == 200, first.text
    again = api.call("POST", "/auth/token-login", json=body)
    assert (again.status_code, code_of(again)) == (401, "A105"), again.text


