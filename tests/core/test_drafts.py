"""Draft autosave: round trips, idempotency keys, and survival of kill -9 during saves."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hy_client import config
from hy_client.drafts import DB_FILE, AccountDrafts, DraftStore
from hy_client.errors import HyError

ACCOUNT = {"username": "hy_bidder1", "password": "secret123", "password_confirm": "secret123"}


ORIGIN = "https://ggzy.hengyang.gov.cn"


@pytest.fixture
def store():
    with DraftStore() as s:
        yield s.for_account(ORIGIN, 1)


def test_default_location_is_the_data_dir(store: AccountDrafts) -> None:
    assert store.path == config.data_dir() / DB_FILE
    if os.name == "posix":
        assert store.path.stat().st_mode & 0o077 == 0


def test_journal_mode_and_sync(store: AccountDrafts) -> None:
    assert store.store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_save_load_roundtrip_keeps_typed_text(store: AccountDrafts) -> None:
    typed = {"name": " 衡阳市某公司 ", "uscc": "91350100m000100y43", "business_scope": "甲\n乙",
             "unknown": "dropped"}
    saved = store.save("profile", "profile_unit", typed)
    loaded = store.load("profile")
    assert loaded == saved
    assert loaded.data == {"name": " 衡阳市某公司 ", "uscc": "91350100m000100y43",
                           "business_scope": "甲\n乙"}
    assert loaded.spec_name == "profile_unit" and loaded.record_id is None
    assert loaded.revision == 1 and loaded.updated_at.tzinfo is not None
    assert store.load("other") is None


def test_idempotency_key_is_stable_until_submitted(store: AccountDrafts) -> None:
    first = store.save("qualification:new", "qualification", {"cert_no": "A"})
    again = store.save("qualification:new", "qualification", {"cert_no": "AB"})
    assert again.idempotency_key == first.idempotency_key
    assert again.revision == 2
    with DraftStore(store.path) as reopened:  # survives a restart
        mine = reopened.for_account(ORIGIN, 1)
        assert mine.load("qualification:new").idempotency_key == first.idempotency_key
    store.mark_submitted("qualification:new")
    assert store.load("qualification:new") is None
    fresh = store.save("qualification:new", "qualification", {"cert_no": "C"})
    assert fresh.idempotency_key != first.idempotency_key


def test_edits_during_a_submit_survive_with_a_new_key(store: AccountDrafts) -> None:
    submitted = store.save("profile", "profile_person", {"name": "王五"})
    edited = store.save("profile", "profile_person", {"name": "王五六"})
    store.mark_submitted("profile", revision=submitted.revision)
    left = store.load("profile")
    assert left is not None and left.data == {"name": "王五六"}
    assert left.idempotency_key != edited.idempotency_key
    store.mark_submitted("profile", revision=left.revision)
    assert store.load("profile") is None


def test_record_id_is_kept_once_known(store: AccountDrafts) -> None:
    store.save("qualification:7", "qualification", {"cert_no": "A"}, record_id=7)
    assert store.save("qualification:7", "qualification", {"cert_no": "B"}).record_id == 7


def test_passwords_are_never_stored(store: AccountDrafts) -> None:
    store.save("register", "account", ACCOUNT)
    assert store.load("register").data == {"username": "hy_bidder1"}
    store.store.close()
    raw = b"".join(p.read_bytes() for p in store.path.parent.glob(DB_FILE + "*"))
    assert b"secret123" not in raw


def test_list_and_discard(store: AccountDrafts) -> None:
    store.save("a", "personnel", {"name": "甲"})
    store.save("b", "personnel", {"name": "乙"})
    assert [d.form_key for d in store.list()] == ["b", "a"]
    store.discard("b")
    assert [d.form_key for d in store.list()] == ["a"]


def test_unknown_spec_is_refused(store: AccountDrafts) -> None:
    with pytest.raises(KeyError):
        store.save("x", "nope", {})


def test_unusable_file_is_a_catalogue_error(tmp_path: Path) -> None:
    bad = tmp_path / "drafts.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HyError) as info:
        DraftStore(bad)
    assert info.value.code == "F106"


def test_concurrent_saves_from_threads(store: AccountDrafts) -> None:
    def work(n: int) -> None:
        for i in range(30):
            store.save(f"form{n}", "personnel", {"name": f"{n}-{i}"})

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(d.data["name"] for d in store.list()) == [f"{n}-29" for n in range(4)]
    assert store.integrity_ok()


# --- kill -9 while autosaving ---------------------------------------------------------------
WRITER = """
import sys
from hy_client.drafts import DraftStore
store = DraftStore(sys.argv[1]).for_account("https://ggzy.hengyang.gov.cn", 1)
i = store.load("profile").revision if store.load("profile") else 0
while True:
    i += 1
    value = f"rev{i:06d}-" + "衡" * (i % 50)
    fields = ("name", "address", "business_scope")
    d = store.save("profile", "profile_unit", {k: value for k in fields})
    print(d.revision, flush=True)
"""

ROUNDS = int(os.environ.get("HY_DRAFT_KILL_ROUNDS", "6"))


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_kill_9_during_autosave_never_loses_the_last_committed_draft(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE
    rng = random.Random(int(os.environ.get("HY_DRAFT_KILL_SEED", "4")))
    last_seen = 0
    for _round in range(ROUNDS):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        for _ in range(rng.randint(1, 40)):  # kill at a different point each round
            line = proc.stdout.readline()
            assert line, "the writer died on its own"
            last_seen = int(line)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with DraftStore(path) as opened:
            store = opened.for_account(ORIGIN, 1)
            draft = store.load("profile")
            assert draft is not None
            # every acknowledged save is there; a save caught by the kill may or may not be
            assert draft.revision >= last_seen
            values = set(draft.data.values())
            assert len(values) == 1 and next(iter(values)).startswith(f"rev{draft.revision:06d}-")
            assert store.integrity_ok()
        last_seen = draft.revision
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
