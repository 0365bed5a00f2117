"""First-run, repair and readiness tests: the real sandbox process, real SoftHSM2 tokens, real
files in the per-test config and data dirs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hy_client import config
from hy_client.api.client import PlatformClient, RetryPolicy
from hy_client.net import VerifiedSession
from tests.sandbox_fixtures import SandboxProcess, sandbox_server  # noqa: F401
from tests.softhsm_fixtures import *  # noqa: F403


@dataclass
class Platform:
    server: SandboxProcess
    profile: config.PlatformProfile
    catalogue_key: str

    def client(self, token: str | None = None) -> PlatformClient:
        return PlatformClient(self.profile, token=token, timeout=10.0, retry=RetryPolicy(0))


@pytest.fixture
def platform(sandbox_server) -> Platform:  # noqa: F811
    """The config of this test points at the sandbox and pins its driver-catalogue key."""
    pub = (sandbox_server.data_dir / "driver-repo" / "catalogue.pub").read_text().strip()
    profile = config.PlatformProfile("test", sandbox_server.url, "test")
    config.save(config.Settings(platform="test",
                                platforms={**config.DEFAULT_PLATFORMS, "test": profile},
                                catalogue_keys=(pub,)))
    return Platform(sandbox_server, profile, pub)


@pytest.fixture
def http():
    """The session the program itself downloads with."""
    with VerifiedSession(timeout=10.0) as session:
        yield session
