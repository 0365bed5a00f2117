"""The 基本信息 editor uploading to a platform frozen with ``kill -STOP``: 取消 ends it at once,
a stall ends it with a Chinese error, and what was typed stays in the draft."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QProgressDialog, QPushButton

from hy_client import errors
from hy_client.drafts import DraftStore
from hy_client.records import RecordFlows
from tests.platform_fixtures import logged_in_signin, make_client
from tests.sandbox_fixtures import (  # noqa: F401
    FROZEN_WAIT,
    SandboxProcess,
    big_pdf,
    frozen,
    sandbox_server,
)
from ui.pages.records import ProfilePage, RecordEditor

from .helpers import close_boxes, open_boxes

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="POSIX signals")


@pytest.fixture(scope="module")
def server(sandbox_server: SandboxProcess) -> Iterator[SandboxProcess]:  # noqa: F811
    yield sandbox_server
    if sandbox_server.proc is not None:
        os.kill(sandbox_server.proc.pid, signal.SIGCONT)


def editor_for(qtbot, server, tmp_path, stall: float) -> tuple[ProfilePage, RecordEditor]:
    client = make_client(server.url, timeout=(5.0, FROZEN_WAIT), upload_stall=stall)
    account = logged_in_signin(client).whoami()
    flows = RecordFlows.for_account(client, DraftStore(tmp_path / "drafts.sqlite3"), account)
    page = ProfilePage(flows, account)
    qtbot.addWidget(page)
    page.show()
    editor = page.editor
    qtbot.waitUntil(lambda: editor.submit_button.isEnabled(), timeout=20000)
    editor.form.inputs["contact"].setText("赵六")  # typed before the upload
    return page, editor


def test_cancel_ends_the_upload_at_once_and_keeps_the_draft(qtbot, server, tmp_path):
    _page, editor = editor_for(qtbot, server, tmp_path, stall=FROZEN_WAIT)
    with frozen(server):
        editor.attach(str(big_pdf(tmp_path)))
        qtbot.waitUntil(lambda: any(d.isVisible() for d in editor.findChildren(QProgressDialog)),
                        timeout=10000)
        qtbot.wait(500)  # the bytes have stopped moving
        pressed = time.monotonic()
        dialog = next(d for d in editor.findChildren(QProgressDialog) if d.isVisible())
        dialog.findChild(QPushButton).click()  # 取消
        qtbot.waitUntil(lambda: editor.attach_button.isEnabled(), timeout=int(FROZEN_WAIT * 500))
        took = time.monotonic() - pressed
    assert took < FROZEN_WAIT / 10  # cut, not waited out
    assert not open_boxes()  # a cancel is not an error
    draft = editor.flows.drafts.load("profile")
    assert draft is not None and draft.data["contact"] == "赵六"


def test_a_stalled_upload_says_so_in_chinese(qtbot, server, tmp_path):
    _page, editor = editor_for(qtbot, server, tmp_path, stall=1.5)
    with frozen(server):
        editor.attach(str(big_pdf(tmp_path)))
        qtbot.waitUntil(lambda: bool(open_boxes()), timeout=int(FROZEN_WAIT * 500))
    box = open_boxes()[0]
    assert box.property("errorCode") == errors.UPLOAD_STALLED.code
    assert "交易平台长时间没有响应" in box.text() and "草稿" in box.informativeText()
    assert "bytes" not in box.text() + box.informativeText()
    close_boxes()
    assert editor.flows.drafts.load("profile").data["contact"] == "赵六"
