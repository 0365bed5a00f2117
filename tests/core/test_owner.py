"""One owner for a bidder's local data: every store keys (platform origin, account) alike, and
the names already on bidders' disks are the ones found again."""

from __future__ import annotations

import hashlib

import pytest

from hy_client import credentials, owner
from hy_client.drafts import DraftStore
from hy_client.readiness import ReadinessStore
from hy_client.renewal_journal import JournalStore

ORIGIN = "https://ggzy.hengyang.gov.cn"
SPELLINGS = [ORIGIN, ORIGIN + "/", "HTTPS://GGZY.Hengyang.gov.cn", "https://ggzy.hengyang.gov.cn//"]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HY_CONFIG_DIR", str(tmp_path / "config"))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_store_finds_the_same_owner(tmp_path, spelling):
    drafts = DraftStore(tmp_path / "drafts.sqlite3")
    try:
        assert drafts.for_account(spelling, 7).origin == drafts.for_account(ORIGIN, 7).origin
    finally:
        drafts.close()
    readiness = ReadinessStore.for_account
    assert readiness(spelling, 7).path == readiness(ORIGIN, 7).path
    assert credentials.session_file(spelling) == credentials.session_file(ORIGIN)
    assert JournalStore(spelling, 7).path == JournalStore(ORIGIN, 7).path


def test_other_accounts_and_platforms_are_other_owners():
    assert ReadinessStore.for_account(ORIGIN, 7).path != ReadinessStore.for_account(ORIGIN, 8).path
    other = "https://ggzy.example.cn"
    assert owner.origin_tag(other) != owner.origin_tag(ORIGIN)
    assert JournalStore(other, 7).path != JournalStore(ORIGIN, 7).path


def test_names_written_by_the_last_release_are_found_again(tmp_path):
    """The derivations each store had before there was one owner, for an origin as
    ``config.origin_of`` gives it."""
    tag = hashlib.sha256(ORIGIN.encode()).hexdigest()[:16]
    assert ReadinessStore.for_account(ORIGIN, 7).path.name == f"readiness-{tag}-7.json"
    assert credentials.session_file(ORIGIN).name == f"{tag}.json"
    journal = hashlib.sha256(f"{ORIGIN}\n7".encode()).hexdigest()[:24]
    assert JournalStore(ORIGIN, 7, tmp_path).path.name == f"{journal}.json"
