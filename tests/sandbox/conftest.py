"""Sandbox tests talk real HTTP to a real server on loopback (see tests/sandbox_fixtures.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sandbox_fixtures import (
    ManualClock,
    ThreadedSandbox,
    sandbox_server,  # noqa: F401  (re-exported fixture)
    threaded_sandbox,
)


@pytest.fixture(scope="module")
def shared_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedSandbox]:
    """One server for a module whose tests do not move the clock."""
    with threaded_sandbox(tmp_path_factory.mktemp("sandbox") / "data") as sb:
        yield sb


@pytest.fixture
def clocked_sandbox(tmp_path: Path) -> Iterator[ThreadedSandbox]:
    """A server of its own, with a clock the test moves."""
    with threaded_sandbox(tmp_path / "data", ManualClock()) as sb:
        yield sb
