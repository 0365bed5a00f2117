"""Start-up as ``ui.app.main`` runs it: the login window first, the core built on a worker and
handed over afterwards (the cold-start figure is bench/gui_bench.py's)."""

from __future__ import annotations

import logging

import pytest
import shiboken6

from hy_client import errors
from ui.app import Controller
from ui.login import PREPARING

from .helpers import check_screen, open_boxes


@pytest.fixture
def root_logging():
    """The start-up configures the root logger; give it back as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[len(handlers):]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    root.__dict__.pop("_hy_configured", None)


@pytest.fixture
def controller():
    """The start-up's controller; its windows delete themselves on close."""
    made = Controller()
    yield made
    if made.window is not None and shiboken6.isValid(made.window):
        made.window.close()
    made.close()


def test_login_window_first_then_the_core(qtbot, controller, platform, root_logging):
    window = controller.show_login()
    assert window.isVisible() and window.preparing.isVisible()
    assert not window.password_tab.login_button.isEnabled()
    assert not window.password_tab.register_button.isEnabled()
    assert not window.ca_tab.refresh_button.isEnabled()
    assert not window.ca_tab.login_button.isEnabled()
    assert window.ca_tab.status.text() == PREPARING
    window.qr_tab.username.setText("demo_bidder")  # a scan code is for one account
    window.tabs.setCurrentWidget(window.qr_tab)  # opened early: it starts once the core is ready
    check_screen(window, "login-preparing")

    controller.load(platform.url, [])
    qtbot.waitUntil(lambda: window.ready, timeout=30000)
    assert controller.ctx is window.ctx
    assert not window.preparing.isVisible()
    assert window.password_tab.login_button.isEnabled()
    assert window.ca_tab.refresh_button.isEnabled()
    assert platform.url in window.subtitle.text()
    qtbot.waitUntil(lambda: window.qr_tab.current is not None, timeout=20000)
    qtbot.waitUntil(lambda: window.ca_tab.scans >= 1, timeout=20000)  # the watcher runs
    assert "可登录" in window.ca_tab.status.text() or "CA锁" in window.ca_tab.status.text()
    window.tabs.setCurrentWidget(window.password_tab)


def test_a_core_that_cannot_start_says_why(qtbot, controller, root_logging):
    window = controller.show_login()
    controller.load("no-such-platform", [])
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=30000)
    box = open_boxes()[0]
    assert box.objectName() == "fatalBox"
    assert box.property("errorCode") == errors.PLATFORM_UNKNOWN.code
    assert errors.PLATFORM_UNKNOWN.zh in box.text() and "Traceback" not in box.informativeText()
    assert not window.ready and window.preparing.isVisible()
    box.blockSignals(True)  # its answer ends the application: not inside the test session
    box.done(0)
    box.deleteLater()


def test_no_options_give_the_parsers_defaults():
    """``parse_args([])`` skips building the parser: its answer must be the parser's own."""
    from ui.app import Options, parse_args, parser

    assert parse_args([]) == Options(**{k: (tuple(v) if isinstance(v, list) else v)
                                       for k, v in vars(parser().parse_args([])).items()})
    assert parse_args(["--lang", "en"]).lang == "en"


# A fresh interpreter: the suite's own set-up has long moved cycle collection.
FIRST_WORKER = """
import gc, threading
from ui import app as gui, jobs
gui.make_application([])
before = (gc.isenabled(), threading.active_count())
jobs.pool().submit(lambda: None).result(10)
print(before, gc.isenabled())
jobs.shutdown_pool()
"""


def test_cycle_collection_moves_to_the_gui_thread_before_the_first_worker(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HY_CONFIG_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", FIRST_WORKER], env=env, capture_output=True,
                         text=True, timeout=60, check=True)
    # Left on while the GUI thread is alone (the first frame needs no timer); off once a
    # worker exists.
    assert out.stdout.split()[-3:] == ["(True,", "1)", "False"]
