"""Client tests: a raw loopback server for misbehaviour, the real sandbox and SoftHSM for flows."""

from __future__ import annotations

import pytest

from hy_client.api.client import PlatformClient, RetryPolicy
from hy_client.config import PlatformProfile
from tests.platform_fixtures import (  # noqa: F401  (fixtures and helpers for the tests here)
    logged_in_signin,
    make_client,
    platform,
    register_account,
    tokens,
)
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


@pytest.fixture
def client(platform):  # noqa: F811
    c = make_client(platform.url)
    yield c
    c.close()
