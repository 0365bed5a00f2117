"""Drafts belong to (platform origin, account id); drafts of the old unscoped format go to a
quarantine the user assigns or discards — never restored by themselves."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hy_client.drafts import DB_FILE, DraftStore, identity_differs
from hy_client.errors import HyError

A, B = "https://ggzy.hengyang.gov.cn", "http://127.0.0.1:8421"
COMPANY = {"name": "衡阳市湘江建设工程有限公司", "uscc": "91430400MA4L8B2K3X",
           "legal_rep": "李建国"}

# The drafts file as every earlier release wrote it: one table keyed by the form only.
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    form_key        TEXT PRIMARY KEY,
    spec_name       TEXT NOT NULL,
    data            TEXT NOT NULL,
    record_id       INTEGER,
    idempotency_key TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    updated_at      TEXT NOT NULL
)
"""


def old_drafts_file(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(OLD_SCHEMA)
    rows = [("profile", "profile_unit", COMPANY, None, "2026-11-20T01:00:00+00:00"),
            ("qualification:7", "qualification", {"cert_no": "D243040123"}, 7,
             "2026-11-21T01:00:00+00:00")]
    for key, spec, data, record_id, at in rows:
        con.execute("INSERT INTO drafts VALUES (?, ?, ?, ?, ?, 3, ?)",
                    (key, spec, json.dumps(data, ensure_ascii=False), record_id,
                     "k-" + key, at))
    con.commit()
    con.close()


def test_two_accounts_and_two_platforms_never_see_each_others_drafts(tmp_path):
    with DraftStore(tmp_path / DB_FILE) as store:
        first, second = store.for_account(A, 1), store.for_account(A, 2)
        other_platform = store.for_account(B, 1)
        first.save("profile", "profile_unit", COMPANY)
        first.save("qualification:new-x", "qualification", {"cert_no": "X"})
        for other in (second, other_platform):
            assert other.load("profile") is None and other.list() == []
        second.save("profile", "profile_unit", {"name": "衡阳市恒信招标代理有限公司"})
        second.discard("profile")
        second.mark_submitted("qualification:new-x")  # another account's key does nothing
        assert first.load("profile").data == COMPANY
        assert [d.form_key for d in first.list()] == ["qualification:new-x", "profile"]
        assert store.for_account(A + "/", 1).load("profile") is not None  # one origin, one way
    with pytest.raises(ValueError):
        DraftStore(tmp_path / "x.sqlite3").for_account("", 1)


def test_old_drafts_are_quarantined_once_and_never_restored(tmp_path):
    path = tmp_path / DB_FILE
    old_drafts_file(path)
    with DraftStore(path) as store:
        found = store.quarantined()
        assert [(q.form_key, q.company, q.form_title) for q in found] == [
            ("qualification:7", "", "企业资质"),
            ("profile", "衡阳市湘江建设工程有限公司（91430400MA4L8B2K3X）", "单位基本信息")]
        assert found[1].updated_at == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
        for owner in (store.for_account(A, 1), store.for_account(B, 5)):
            assert owner.list() == [] and owner.load("profile") is None
        tables = {r[0] for r in store._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "drafts" not in tables
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == 1
    with DraftStore(path) as again:  # a second start moves nothing twice
        assert len(again.quarantined()) == 2


def test_assign_and_discard_a_quarantined_draft(tmp_path):
    path = tmp_path / DB_FILE
    old_drafts_file(path)
    with DraftStore(path) as store:
        mine = store.for_account(A, 2)
        profile, = [q for q in store.quarantined() if q.form_key == "profile"]
        qualification, = [q for q in store.quarantined() if q.form_key != "profile"]
        mine.save("profile", "profile_unit", {"name": "我的草稿"})
        with pytest.raises(HyError) as taken:
            store.assign_quarantined(profile.id, mine)  # never over the account's own draft
        assert taken.value.code == "F200"
        mine.discard("profile")
        adopted = store.assign_quarantined(profile.id, mine)
        assert adopted.form_key == "profile" and adopted.data == COMPANY
        assert adopted.idempotency_key != "k-profile"  # a fresh key: a new submission
        # another company's record id is not carried over: the draft becomes a new record
        new = store.assign_quarantined(qualification.id, mine)
        assert new.form_key.startswith("qualification:new-") and new.record_id is None
        assert store.quarantined() == []
        assert store.for_account(A, 1).list() == []
    old_drafts_file(tmp_path / "second.sqlite3")
    with DraftStore(tmp_path / "second.sqlite3") as store:
        for q in store.quarantined():
            store.discard_quarantined(q.id)
        assert store.quarantined() == [] and store.for_account(A, 1).list() == []


@pytest.mark.parametrize(("draft", "own", "differs"), [
    (COMPANY, COMPANY, []),
    (COMPANY, {**COMPANY, "uscc": COMPANY["uscc"].lower()}, []),  # case is not identity
    (COMPANY, {"name": "衡阳市恒信招标代理有限公司", "uscc": "91430405MA4T6C1P5G"},
     ["name", "uscc"]),
    ({"name": "张伟", "id_number": "430402198506121234"},
     {"name": "张伟", "id_number": "43040219850612123X"}, ["id_number"]),
    ({"name": "甲"}, {}, []),  # nothing to compare with
    ({"name": " 衡阳市湘江建设工程有限公司 "}, COMPANY, []),
])
def test_identity_differs(draft, own, differs):
    assert identity_differs(draft, own) == differs
