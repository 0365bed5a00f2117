"""GUI tests: real widgets (offscreen), the real sandbox process and real SoftHSM tokens.

Message boxes that would block (``exec``) are answered at the edge, as Vorta's tests do.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from hy_client.api.client import PlatformClient, RetryPolicy
from hy_client.config import PlatformProfile, Settings
from hy_client.drafts import DraftStore
from hy_client.signin import SignIn
from hy_client.token.service import TokenService
from tests.client.conftest import logged_in_signin, register_account  # noqa: F401
from tests.sandbox_fixtures import SandboxProcess
from tests.softhsm_fixtures import *  # noqa: F403
from ui import jobs
from ui.context import AppContext


@pytest.fixture(scope="module")
def platform(tmp_path_factory, provisioned):
    """The sandbox as a real subprocess, trusting the CA that issued the SoftHSM certificates."""
    base = tmp_path_factory.mktemp("gui-platform")
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


def make_client(url: str) -> PlatformClient:
    return PlatformClient(PlatformProfile("test", url, "本机测试平台"), timeout=10.0,
                          retry=RetryPolicy(retries=2, backoff=0.05))


@pytest.fixture
def ctx(platform, tokens, qapp):
    client = make_client(platform.url)
    context = AppContext(Settings(token_poll_seconds=0.2), client, SignIn(client), tokens,
                         DraftStore())
    yield context
    if context.watcher is not None:
        context.watcher.stop()
    client.close()
    context.drafts.close()


@pytest.fixture(scope="session", autouse=True)
def themed(qapp):
    """The real theme and fonts, so screenshots and size checks show what a bidder sees."""
    from ui import theme

    theme.apply(qapp)


@pytest.fixture(autouse=True)
def answered_boxes(monkeypatch):
    """Blocking message boxes answer Yes/Ok and record what they said."""
    said: list[str] = []

    def answer(default):
        def box(_parent, title, text, *args, **kwargs):
            said.append(f"{title}: {text}")
            return default
        return box

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "information", answer(QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "warning", answer(QMessageBox.StandardButton.Yes))
    return said


@pytest.fixture(autouse=True)
def no_jobs_left(qtbot):
    """Every background job has reached the GUI thread before the widgets go away."""
    yield
    qtbot.waitUntil(lambda: jobs.running_count() == 0, timeout=20000)
