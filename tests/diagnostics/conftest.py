"""Diagnostics tests: real SoftHSM2 tokens, real servers on loopback, real files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hy_client.token.service import TokenService
from tests.sandbox_fixtures import (  # noqa: F401  (re-exported fixtures)
    ManualClock,
    SandboxProcess,
    ThreadedSandbox,
    threaded_sandbox,
)
from tests.softhsm_fixtures import *  # noqa: F403


@pytest.fixture
def token_service(softhsm_module) -> Iterator[TokenService]:
    """A service over SoftHSM only (no other module on the machine gets in the way)."""
    service = TokenService([softhsm_module])
    yield service
    service.close()
