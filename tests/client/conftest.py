"""Client tests: a raw loopback server for misbehaviour, the real sandbox and SoftHSM for flows."""

from __future__ import annotations

import pytest

from hy_client.api import models
from hy_client.api.client import PlatformClient, RetryPolicy
from hy_client.config import PlatformProfile
from hy_client.sandbox.demo import id_number, uscc
from hy_client.signin import SignIn
from hy_client.token.service import TokenService
from tests.sandbox_fixtures import SandboxProcess
from tests.softhsm_fixtures import *  # noqa: F403

from .rawserver import RawServer


@pytest.fixture
def raw_server():
    server = RawServer()
    yield server
    server.stop()


@pytest.fixture
def raw_client(raw_server):
    """A client of the raw server with instant backoff (retries are counted, not timed)."""
    client = PlatformClient(PlatformProfile("raw", raw_server.url), timeout=5.0,
                            retry=RetryPolicy(retries=2, backoff=0.0), sleep=lambda s: None)
    yield client
    client.close()


# --- the real sandbox and real SoftHSM tokens ---------------------------------------------------
_counter = iter(range(10_000))


@pytest.fixture(scope="module")
def platform(tmp_path_factory, provisioned):
    """The sandbox as a real subprocess, trusting the CA that issued the SoftHSM certificates."""
    base = tmp_path_factory.mktemp("platform")
    provisioned.ca.save(base / "data" / "ca")
    env = {f"HY_{n}_DIR": str(base / n.lower()) for n in ("CONFIG", "DATA", "LOG")}
    server = SandboxProcess(base / "data", env=env).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tokens(provisioned):
    service = TokenService([provisioned.module])
    yield service
    service.close()


def make_client(url: str, **kwargs) -> PlatformClient:
    kwargs.setdefault("timeout", 10.0)
    kwargs.setdefault("retry", RetryPolicy(retries=2, backoff=0.05))
    return PlatformClient(PlatformProfile("test", url), **kwargs)


@pytest.fixture
def client(platform):
    c = make_client(platform.url)
    yield c
    c.close()


def register_account(client: PlatformClient, kind: str = "unit",
                     password: str = "Secret2024x") -> tuple[str, str]:
    """A fresh account of its own, so tests sharing one sandbox do not disturb each other."""
    n = next(_counter)
    username = f"t{n}_{kind}_{id(client) % 100000}"
    if kind == "unit":
        data = {"name": f"衡阳测试单位{n}有限公司", "uscc": uscc(f"91430400MA4L{n:04d}K"),
                "legal_rep": "李四", "contact": "王五", "contact_phone": "0734-8123456",
                "email": "t@example.cn"}
    else:
        data = {"name": "张三", "id_number": id_number("43040219850612123"),
                "mobile": "13907340002", "email": "p@example.cn"}
    client.register(models.Registration(kind=kind, username=username, password=password,
                                        data=data))
    return username, password


def logged_in_signin(client: PlatformClient) -> SignIn:
    username, password = register_account(client)
    signin = SignIn(client)
    signin.password_login(username, password)
    return signin
