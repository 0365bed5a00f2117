"""A platform frozen mid-request (``kill -STOP``): bounded waits, cancel at once, nothing lost.

The sandbox is a real process of its own here, paused with SIGSTOP and resumed with SIGCONT.
Times are not asserted tightly (bench/ and the notes hold the measurements); the bounds below
are far under what a wait on the frozen platform would take, so they prove the connection was
cut rather than waited out.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hy_client import errors
from hy_client.api.upload import CancelToken
from hy_client.drafts import DraftStore
from hy_client.records import RecordFlows, form_key
from tests.platform_fixtures import logged_in_signin, make_client, register_account
from tests.sandbox_fixtures import (  # noqa: F401
    FROZEN_WAIT,
    SandboxProcess,
    big_pdf,
    frozen,
    sandbox_server,
)

from .test_records_sandbox import QUALIFICATION

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="POSIX signals")

CONNECT = 2.0  # urllib3 sends a body under the connect timeout: shorter than a stall bound


@pytest.fixture(scope="module")
def server(sandbox_server: SandboxProcess) -> Iterator[SandboxProcess]:  # noqa: F811
    """The sandbox process of this module (its own: other modules never meet it frozen)."""
    yield sandbox_server
    if sandbox_server.proc is not None:
        os.kill(sandbox_server.proc.pid, signal.SIGCONT)  # never leave it stopped


def flows_for(server: SandboxProcess, tmp_path: Path, **client_kwargs: float) -> RecordFlows:
    client = make_client(server.url, timeout=(CONNECT, FROZEN_WAIT), **client_kwargs)
    account = logged_in_signin(client).whoami()
    return RecordFlows.for_account(client, DraftStore(tmp_path / "drafts.sqlite3"), account)


def freeze_on_first_block(server: SandboxProcess, started: list[float]):
    def progress(sent: int, total: int) -> None:
        if not started:
            started.append(time.monotonic())
            assert server.proc is not None
            os.kill(server.proc.pid, signal.SIGSTOP)
    return progress


@pytest.mark.parametrize("stall", [1.5, 3 * CONNECT])
def test_stalled_upload_fails_in_chinese_and_keeps_the_draft(server, tmp_path, stall):
    """Also with a stall bound longer than the connect timeout: still P221, never a retried
    "cannot connect" after each blocked send."""
    flows = flows_for(server, tmp_path, upload_stall=stall)
    key = form_key("qualification")
    flows.edit(key, "qualification", QUALIFICATION)
    flows.save_remote(key)
    started: list[float] = []
    try:
        with pytest.raises(errors.HyError) as info:
            flows.attach(key, str(big_pdf(tmp_path)),
                         progress=freeze_on_first_block(server, started))
        waited = time.monotonic() - started[0]
    finally:
        assert server.proc is not None
        os.kill(server.proc.pid, signal.SIGCONT)
    assert info.value.info is errors.UPLOAD_STALLED
    assert "平台" in str(info.value) and "bytes" not in str(info.value)
    assert stall <= waited < stall + FROZEN_WAIT / 10
    assert flows.drafts.load(key) is not None  # the form is kept
    # Resumed: the same upload goes through once, no duplicate record.
    record = flows.attach(key, str(big_pdf(tmp_path)))
    assert len(record.attachments) == 1
    assert [r.id for r in flows.list_records("qualification")] == [record.id]


def test_cancel_cuts_the_connection_while_the_platform_is_frozen(server, tmp_path):
    flows = flows_for(server, tmp_path, upload_stall=FROZEN_WAIT)
    key = form_key("qualification")
    flows.edit(key, "qualification", QUALIFICATION)
    flows.save_remote(key)
    cancel = CancelToken()
    started: list[float] = []
    cancelled_at: list[float] = []

    def press_cancel() -> None:
        cancelled_at.append(time.monotonic())
        cancel.cancel()

    progress = freeze_on_first_block(server, started)

    def on_block(sent: int, total: int) -> None:
        progress(sent, total)
        if len(started) == 1 and not cancelled_at and sent > 1024 * 1024:
            threading.Timer(0.5, press_cancel).start()
            started.append(0.0)

    try:
        with pytest.raises(errors.UserCancelled):
            flows.attach(key, str(big_pdf(tmp_path)), progress=on_block, cancel=cancel)
        took = time.monotonic() - cancelled_at[0]
    finally:
        assert server.proc is not None
        os.kill(server.proc.pid, signal.SIGCONT)
    assert took < FROZEN_WAIT / 10  # cut, not waited out (measured: well under 1 s)
    assert flows.drafts.load(key) is not None


def test_cli_upload_to_a_frozen_platform_exits_with_a_clear_error(server, tmp_path):
    env = {**os.environ, "HY_PLATFORM_URL": server.url,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    for name in ("CONFIG", "DATA", "LOG"):
        env[f"HY_{name}_DIR"] = str(tmp_path / name.lower())
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text(
        "http_timeout = 3.0\nupload_stall_seconds = 3.0\n", "utf-8")
    username, password = register_account(make_client(server.url))

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hy_client.cli", *args], input=stdin,
                              env=env, capture_output=True, text=True, timeout=120)

    assert run("login", "--password", "--username", username, "--password-stdin",
               stdin=password + "\n").returncode == 0
    scan = tmp_path / "资质证书.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + os.urandom(200_000))
    sets = [x for k, v in QUALIFICATION.items() for x in ("--set", f"{k}={v}")]
    with frozen(server):
        began = time.monotonic()
        done = run("qualifications", "add", *sets, "--attach", str(scan))
        took = time.monotonic() - began
    assert done.returncode == 1
    assert "P102" in done.stderr and "超时" in done.stderr and "草稿" in done.stderr
    assert "Timeout" not in done.stderr and "Traceback" not in done.stderr
    assert took < FROZEN_WAIT / 2
    drafts = json.loads(run("drafts", "list", "--mine", "--json").stdout)
    assert [d["spec"] for d in drafts] == ["qualification"]  # nothing typed was lost
