from __future__ import annotations

import pytest

from hy_client.api.client import PlatformClient, RetryPolicy
from hy_client.config import PlatformProfile

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
