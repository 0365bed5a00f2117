"""The platform as client and GUI tests meet it: the real sandbox process trusting the test CA
that issued the SoftHSM certificates, a token service over those tokens, and fresh accounts.

Load next to ``tests.softhsm_fixtures`` (whose ``provisioned`` these fixtures use)::

    from tests.platform_fixtures import platform, tokens  # noqa: F401  (fixtures)
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest

from hy_client.api import models
from hy_client.api.client import PlatformClient, RetryPolicy
from hy_client.config import PlatformProfile
from hy_client.sandbox.demo import id_number, uscc
from hy_client.signin import SignIn
from hy_client.token.service import TokenService
from tests.sandbox_fixtures import SandboxProcess

_counter = count()


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory,
             provisioned: Any) -> Iterator[SandboxProcess]:
    """The sandbox as a real subprocess, trusting the CA that issued the SoftHSM certificates."""
    base = tmp_path_factory.mktemp("platform")
    provisioned.ca.save(base / "data" / "ca")
    env = {f"HY_{n}_DIR": str(base / n.lower()) for n in ("CONFIG", "DATA", "LOG")}
    server = SandboxProcess(base / "data", env=env).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tokens(provisioned: Any) -> Iterator[TokenService]:
    service = TokenService([provisioned.module])
    yield service
    service.close()


def make_client(url: str, **kwargs: Any) -> PlatformClient:
    """A client of a test platform: short timeout, quick retries."""
    kwargs.setdefault("timeout", 10.0)
    kwargs.setdefault("retry", RetryPolicy(retries=2, backoff=0.05))
    return PlatformClient(PlatformProfile("test", url, "本机测试平台"), **kwargs)


def register_account(client: PlatformClient, kind: str = "unit",
                     password: str = "Secret2024x", *,
                     code: str | None = None) -> tuple[str, str]:
    """A fresh account of its own, so tests sharing one sandbox do not disturb each other:
    its own 统一社会信用代码 / 身份证号 too (one account per unit or person), unless ``code``
    names the one its certificates carry (they activate only into that account)."""
    n = next(_counter)
    username = f"t{n}_{kind}_{id(client) % 100000}"
    if kind == "unit":
        data = {"name": f"衡阳测试单位{n}有限公司",
                "uscc": code or uscc(f"91430400MA4L{n:04d}K"),
                "legal_rep": "李四", "contact": "王五", "contact_phone": "0734-8123456",
                "email": "t@example.cn"}
    else:
        data = {"name": "张三", "id_number": code or id_number(f"43040219850612{n % 1000:03d}"),
                "mobile": "13907340002", "email": "p@example.cn"}
    client.register(models.Registration(kind=kind, username=username,  # type: ignore[arg-type]
                                        password=password, data=data))
    return username, password


def logged_in_signin(client: PlatformClient, *, code: str | None = None) -> SignIn:
    username, password = register_account(client, code=code)
    signin = SignIn(client)
    signin.password_login(username, password)
    return signin
