"""GUI tests: real widgets (offscreen), the real sandbox process and real SoftHSM tokens.

Message boxes that would block (``exec``) are answered at the edge, as Vorta's tests do.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from hy_client.config import Settings
from hy_client.drafts import DraftStore
from hy_client.signin import SignIn
from tests.platform_fixtures import (  # noqa: F401  (fixtures and helpers for the tests here)
    logged_in_signin,
    make_client,
    platform,
    register_account,
    tokens,
)
from tests.softhsm_fixtures import *  # noqa: F403
from ui import jobs
from ui.context import AppContext


@pytest.fixture
def ctx(platform, tokens, qapp):  # noqa: F811
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
    """The real theme, fonts and translators (Qt's own for OK/Cancel too, as the app loads
    them), so screenshots and size checks show what a bidder sees."""
    from ui import i18n, theme

    i18n.install(qapp, i18n.DEFAULT_LANGUAGE)
    theme.apply(qapp)
    from ui.dispatch import collect_garbage_on_gui_thread

    collect_garbage_on_gui_thread()  # as the application does: no collection on a worker


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
