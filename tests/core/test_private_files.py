"""Files with a bidder's data are readable by the user only (0600), from the first byte."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hy_client import config, firstrun
from hy_client.readiness import ReadinessStore, SelfTestRecord

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_log_file_is_user_only_even_if_it_was_world_readable(tmp_path):
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    old = log_dir / "hy-client.log"
    old.write_text("earlier\n", "utf-8")
    old.chmod(0o644)  # as an older version left it
    code = ("import logging; from hy_client.logs import setup_logging; setup_logging(); "
            "logging.getLogger('t').warning('证书 衡阳市湘江建设工程有限公司')")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60,
                   env={**os.environ, "HY_LOG_DIR": str(log_dir)})
    assert "湘江" in old.read_text("utf-8")
    assert mode(old) == 0o600


def test_readiness_firstrun_and_settings_are_user_only(tmp_path):
    store = ReadinessStore(tmp_path / "data" / "readiness.json")
    store.record_self_test(SelfTestRecord("ab" * 32, "HY-1", True, datetime.now(UTC)))
    assert mode(tmp_path / "data" / "readiness.json") == 0o600
    state = firstrun.FirstRunState()
    state.save(tmp_path / "data" / "firstrun.json")
    assert mode(tmp_path / "data" / "firstrun.json") == 0o600
    path = config.save(config.load())
    assert mode(path) == 0o600


def test_new_private_folders_are_user_only(tmp_path):
    store = ReadinessStore(tmp_path / "fresh" / "readiness.json")
    store.record_self_test(SelfTestRecord("cd" * 32, "HY-2", False, datetime.now(UTC)))
    assert mode(tmp_path / "fresh") == 0o700


def test_renewal_journal_is_user_only_in_a_folder_made_user_only(tmp_path):
    """The journal (written with fsync) narrows a folder an older version left wider."""
    from hy_client.renewal_journal import JournalStore

    folder = tmp_path / "renewal"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    store = JournalStore("https://platform.example", 7, folder)
    store.clear()
    assert mode(folder) == 0o700
    assert mode(store.path) == 0o600
    assert store.current() is None
    assert [p.name for p in folder.iterdir()] == [store.path.name]  # no temp file left
