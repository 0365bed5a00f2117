"""Bid-opening readiness over real SoftHSM2 keys (and the real sandbox for the bids)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from hy_client import cli, readiness, renewal
from hy_client.api.models import Bid
from hy_client.credentials import CredentialStore
from hy_client.readiness import ReadinessStore
from hy_client.sandbox import softhsm
from hy_client.token.models import all_tokens
from hy_client.token.service import TokenService
from tests.softhsm_fixtures import ORG

NOW = datetime.now(UTC).replace(microsecond=0)


def bid(bid_id: int, opens_in: timedelta, cert_sha256: str = "", *,
        deadline_in: timedelta | None = None) -> Bid:
    opening = NOW + opens_in
    return Bid(id=bid_id, project_code=f"HYGC-2025-{bid_id:04d}", project_name=f"测试项目{bid_id}",
               documents_downloaded_at=NOW - timedelta(days=3),
               bid_deadline=NOW + (deadline_in if deadline_in is not None else opens_in),
               bid_opening=opening, cert_sha256=cert_sha256)


def sha(cert) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


@pytest.fixture(scope="module")
def keys(provisioned):
    service = TokenService([provisioned.module])
    tokens = all_tokens(service.scan(refresh=True).result(60))
    yield service, tokens
    service.close()


# --- reminders ------------------------------------------------------------------------------

def test_reminders_at_48_and_2_hours_and_never_twice_across_a_restart():
    bids = [bid(1, timedelta(hours=47)), bid(2, timedelta(hours=1, minutes=30)),
            bid(3, timedelta(hours=50)), bid(4, -timedelta(hours=1))]
    due = readiness.due_reminders(bids, NOW, set())
    assert [(r.bid_id, r.hours) for r in due] == [(2, 2), (1, 48)]  # soonest first
    assert "不足2小时" in due[0].message_zh and "自检" in due[0].message_zh

    ReadinessStore().mark_shown(due, NOW)
    restarted = ReadinessStore()  # a new process reads the same file
    assert readiness.due_reminders(bids, NOW, restarted.shown()) == []
    later = NOW + timedelta(hours=46)  # bid 1 is 1 h away (its 2 h reminder), bid 3 is 4 h
    assert [(r.bid_id, r.hours) for r in
            readiness.due_reminders(bids, later, restarted.shown())] == [(1, 2), (3, 48)]
    moved = [bid(2, timedelta(hours=1, minutes=40))]  # the opening was moved: remind again
    assert len(readiness.due_reminders(moved, NOW, restarted.shown())) == 1
    assert readiness.next_reminder_at(bids, NOW) == bids[2].bid_opening - timedelta(hours=48)


def test_custom_reminder_hours_and_a_damaged_store_start_afresh():
    store = ReadinessStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text("{not json")
    assert store.shown() == set()
    due = readiness.due_reminders([bid(1, timedelta(hours=20))], NOW, store.shown(), (24, 1))
    assert [r.hours for r in due] == [24]


# --- states from real keys ------------------------------------------------------------------

def test_self_test_passes_and_the_bid_is_ready(keys, provisioned):
    service, tokens = keys
    cert = provisioned.tokens["hy-py"].certs["01"]
    bids = [bid(1, timedelta(days=5), sha(cert))]
    (row,) = readiness.assess(bids, tokens, NOW)
    assert row.state == "self_test_needed" and row.cert_id == "01"
    assert "张三" in row.certificate_zh

    outcome = readiness.run_self_test(service, tokens, sha(cert), provisioned.tokens["hy-py"].pin,
                                      now=NOW, store=ReadinessStore())
    assert outcome.ok and outcome.record is not None and outcome.record.decrypt_ok is True
    store = ReadinessStore()
    (row,) = readiness.assess(bids, tokens, NOW, self_tests=store.self_tests())
    assert (row.state, row.level) == ("ready", "ok")
    # inside the 48 h window a test from a week before no longer counts
    (row,) = readiness.assess(bids, tokens, NOW + timedelta(days=4), self_tests=store.self_tests())
    assert row.state == "self_test_needed"


def test_key_that_cannot_decrypt_fails_the_self_test(keys, provisioned):
    service, tokens = keys
    cert = provisioned.tokens["hy-py"].certs["07"]  # RSA key without CKA_DECRYPT
    outcome = readiness.run_self_test(service, tokens, sha(cert), provisioned.tokens["hy-py"].pin,
                                      store=ReadinessStore())
    assert outcome.record is not None and not outcome.ok
    assert outcome.record.decrypt_ok is False and outcome.record.code == "T116"
    (row,) = readiness.assess([bid(1, timedelta(days=2), sha(cert))], tokens, NOW,
                              self_tests=ReadinessStore().self_tests())
    assert (row.state, row.level) == ("self_test_failed", "critical")
    assert "0734-8846545" in row.advice_zh


def test_wrong_pin_is_an_error_not_a_failed_key(keys, provisioned):
    service, tokens = keys
    cert = provisioned.tokens["hy-tool"].certs["0a"]
    outcome = readiness.run_self_test(service, tokens, sha(cert), "000000",
                                      store=ReadinessStore())
    assert outcome.record is None and outcome.error is not None
    assert outcome.error.code == "T103"
    assert ReadinessStore().self_tests() == {}


def test_certificate_expiring_before_the_opening_is_critical(keys, provisioned):
    _, tokens = keys
    cert = provisioned.tokens["hy-tool"].certs["0a"]
    opens_in = cert.not_valid_after_utc - NOW + timedelta(days=2)
    bids = [bid(1, opens_in, sha(cert), deadline_in=timedelta(days=3))]
    rows = readiness.assess(bids, tokens, NOW)
    assert (rows[0].state, rows[0].level) == ("cert_expires_before_opening", "critical")
    # the row shows the certificate's one renewal advice: no time left to renew and re-encrypt
    advice = renewal.find(renewal.advise_tokens(tokens, bids, now=NOW), sha(cert))
    assert advice is not None and rows[0].advice_zh == advice.message_zh
    assert "开标前过期" in advice.message_zh and "联系CA机构" in advice.message_zh


def test_a_certificate_expiring_during_the_opening_is_the_advisors_late_bid(keys, provisioned):
    """opening < expiry < opening + the decryption allowance: the advisor counts the bid as
    late, so 投标准备 says the certificate expires before the opening is over, with the
    advisor's text — also when the account's advice leaves the certificate out (another
    unit's key, as a bid without a certificate fingerprint may pick)."""
    _, tokens = keys
    cert = provisioned.tokens["hy-tool"].certs["0a"]
    opens_in = cert.not_valid_after_utc - NOW - renewal.OPENING_ALLOWANCE / 2
    bids = [bid(1, opens_in, sha(cert), deadline_in=opens_in - timedelta(days=1))]
    assert NOW + opens_in < cert.not_valid_after_utc
    (row,) = readiness.assess(bids, tokens, NOW)
    assert (row.state, row.level) == ("cert_expires_before_opening", "critical")
    advice = renewal.find(renewal.advise_tokens(tokens, bids, now=NOW), sha(cert))
    assert advice is not None and advice.reencrypt and row.advice_zh == advice.message_zh
    others = renewal.Holder(codes=frozenset({"91430400MA4L0000X0"}))  # not hy-tool's unit
    excluded = renewal.advise_tokens(tokens, bids, now=NOW, holder=others)
    assert renewal.find(excluded, sha(cert)) is None
    (row,) = readiness.assess(bids, tokens, NOW, advice=excluded)
    assert row.state == "cert_expires_before_opening" and row.advice_zh == advice.message_zh


def test_certificate_not_on_any_key_is_missing(keys):
    _, tokens = keys
    (row,) = readiness.assess([bid(1, timedelta(days=3), "ab" * 32)], tokens, NOW)
    assert row.state == "key_missing" and "插入" in row.advice_zh
    (none,) = readiness.assess([bid(2, timedelta(days=3), "ab" * 32)], [], NOW)
    assert none.state == "key_missing"


def test_renewed_key_is_recognised_as_rekeyed(provisioned):
    spec = provisioned.new_token("hy-renew", key="rsa")
    old = spec.certs["01"]
    with TokenService([provisioned.module]) as service:
        before = all_tokens(service.scan(refresh=True).result(60))
    store = ReadinessStore()
    store.remember(before)  # the program saw the key before the bid was encrypted to it
    # 证书延期 at the CA: the same key, a new key pair and certificate for the same holder
    softhsm.delete_objects(provisioned.module, spec.label, spec.pin, b"\x01")
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new = provisioned.ca.issue(private.public_key(), cn="hy-renew 用户", organization=ORG)
    softhsm.pkcs11_tool_write(provisioned.env, provisioned.module, spec.label, spec.pin, private,
                              new, b"\x01", "签名证书")
    with TokenService([provisioned.module]) as service:
        after = all_tokens(service.scan(refresh=True).result(60))
    bids = [bid(1, timedelta(days=2), sha(old), deadline_in=timedelta(days=1)),
            bid(2, timedelta(days=2), sha(old), deadline_in=-timedelta(hours=1))]
    rows = readiness.assess(bids, after, NOW, seen=store.seen())
    assert [r.state for r in rows] == ["cert_renewed", "cert_renewed"]
    assert rows[0].token_serial == spec.serial and rows[0].level == "critical"
    assert "重新加密" in rows[0].advice_zh and "联系交易中心" in rows[1].advice_zh


# --- composed with the platform -------------------------------------------------------------

def test_check_against_the_sandbox_bids_and_the_cli(platform, keys, capsys):
    service, _ = keys
    with platform.client() as client:
        session = client.login("demo_bidder", "Bidder2024")
        report = readiness.check(client, service)
    assert len(report.rows) >= 2 and report.tokens_read
    assert {r.state for r in report.rows} <= {"self_test_needed", "cert_expires_before_opening",
                                              "ready", "self_test_failed"}
    assert all(r.deadline_zh and r.opening_zh and r.advice_zh for r in report.rows)
    CredentialStore(platform.profile.origin).save_session_token(session.token)
    code = cli.main(["readiness", "--json", "--module", service.module_paths[0]])
    out = capsys.readouterr().out
    assert '"format": "hy-client-readiness/1"' in out and session.token not in out
    assert code == 1  # the demo bids still need a self-test


def test_each_account_has_its_own_reminders_and_self_tests():
    origin = "https://ggzy.hengyang.gov.cn"
    first, second = ReadinessStore.for_account(origin, 1), ReadinessStore.for_account(origin, 2)
    other_platform = ReadinessStore.for_account("http://127.0.0.1:8421", 1)
    assert len({first.path, second.path, other_platform.path}) == 3
    assert ReadinessStore.for_account(origin + "/", 1).path == first.path
    due = readiness.due_reminders([bid(1, timedelta(hours=30))], NOW, set())
    first.mark_shown(due, NOW)
    first.record_self_test(readiness.SelfTestRecord("ab" * 32, "s1", True, NOW))
    assert first.shown() == {due[0].key} and set(first.self_tests()) == {"ab" * 32}
    for other in (second, other_platform):
        assert other.shown() == set() and other.self_tests() == {}
        assert readiness.due_reminders([bid(1, timedelta(hours=30))], NOW, other.shown())
