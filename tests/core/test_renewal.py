"""Renewal advice: table-driven over expiry, thresholds and open bids."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest

from hy_client.api.models import Bid, Record
from hy_client.renewal import (
    CHINA_TZ,
    OPENING_ALLOWANCE,
    SAFETY_MARGIN,
    Holder,
    RenewalAdvice,
    advise,
    advise_certificate,
    advise_records,
    advise_tokens,
    most_urgent,
)

NOW = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Hengyang
SHA = "ab" * 32
OTHER = "cd" * 32


@dataclass(frozen=True)
class Cert:
    sha256: str
    subject_cn: str
    not_after: datetime


def cert(days: float, sha: str = SHA) -> Cert:
    return Cert(sha, "衡阳市建设工程有限公司", NOW + timedelta(days=days))


def bid(bid_id: int, opening_days: float, deadline_days: float | None = None,
        sha: str = "") -> Bid:
    opening = NOW + timedelta(days=opening_days)
    deadline = opening if deadline_days is None else NOW + timedelta(days=deadline_days)
    return Bid(id=bid_id, project_code=f"HY2025-{bid_id:03d}", project_name=f"项目{bid_id}",
               documents_downloaded_at=None, bid_deadline=deadline, bid_opening=opening,
               cert_sha256=sha)


# (expiry in days, bids, level, reason_code, bid ids, a phrase of the Chinese message, window
# as (from, until) in days from NOW or None). NOW is 2025-03-01 10:00 China time; the margin is
# 3 days and an opening lasts 4 hours (1/6 day).
H4 = 1 / 6
CASES = [
    # no open bid: thresholds
    (200, [], "ok", "valid", (), "证书有效", None),
    (91, [], "ok", "valid", (), "剩余91天", None),
    (90, [], "info", "renew_early", (), "请尽早办理延期", None),
    (31, [], "info", "renew_early", (), "不要在投标期间办理", None),
    (30, [], "warning", "renew_soon", (), "剩余30天", None),
    (8, [], "warning", "renew_soon", (), "剩余8天", None),
    (7, [], "critical", "renew_now", (), "剩余7天", None),
    (0.5, [], "critical", "renew_now", (), "请立即办理延期", None),
    # expired (also exactly now)
    (-1, [], "critical", "expired", (), "证书已于2025-02-28过期", None),
    (0, [], "critical", "expired", (), "过期", None),
    (-1, [bid(1, 3)], "critical", "expired", (1,), "0734-8846545", None),
    # opening < expiry: wait for the opening, then renew before expiry less the margin
    (20, [bid(1, 10)], "warning", "renew_after_opening", (1,),
     "请于 3月11日开标结束后、3月18日前办理延期", (10 + H4, 17)),
    (5, [bid(1, 1), bid(2, 1.5)], "warning", "renew_after_opening", (1, 2),
     "3月2日开标结束后、3月3日 10:00前", (1.5 + H4, 2)),  # critical by days, capped: wait
    (60, [bid(1, 10)], "info", "renew_after_opening", (1,), "无法解密", (10 + H4, 57)),
    (200, [bid(1, 10)], "ok", "valid", (1,), "开标前请勿办理延期", (10 + H4, 197)),
    # opening < expiry < opening: window between them, the late bid re-encrypted afterwards
    (20, [bid(1, 10), bid(2, 25, 24)], "warning", "renew_after_opening", (1, 2),
     "重新加密并上传投标文件：项目“项目2”（投标截止 3月25日 10:00）", (10 + H4, 17)),
    (200, [bid(1, 10), bid(2, 250)], "info", "renew_after_opening", (1, 2), "项目2",
     (10 + H4, 197)),
    # expiry < opening only: renew now (no bid opens before), then re-encrypt
    (20, [bid(1, 25, 24)], "warning", "renew_in_window", (1,), "现在可以办理延期", (0, 17)),
    (5, [bid(1, 25, 24)], "critical", "renew_in_window", (1,), "3月3日前", (0, 2)),
    # no window: the late bid closes before renewal is safe, or the window is empty
    (20, [bid(1, 25, -1)], "critical", "no_window", (1,), "联系CA机构", None),
    (20, [bid(1, 10), bid(2, 25, 5)], "critical", "no_window", (1, 2), "来不及", None),
    (20, [bid(1, 18), bid(2, 25)], "critical", "no_window", (1, 2), "没有可以安全办理延期", None),
    (2, [bid(1, 1), bid(2, 3)], "critical", "no_window", (1, 2), "0734-8846545", None),
    # opening inside the margin, nothing late: the window runs to the expiry itself
    (20, [bid(1, 18)], "warning", "renew_after_opening", (1,), "3月19日开标结束后、3月21日前",
     (18 + H4, 20)),
    # equal times: the opening ends exactly at expiry (early, window empty) / opens at expiry
    (20, [bid(1, 20 - H4)], "critical", "no_window", (1,), "开标前请勿办理延期", None),
    (20, [bid(1, 20, 19)], "warning", "renew_in_window", (1,), "重新加密", (0, 16)),
    (20, [bid(1, 20 - H4 / 2, 19)], "warning", "renew_in_window", (1,), "开标前过期", (0, 16)),
    # a late bid's deadline comes first: renew in time to re-encrypt before it
    (60, [bid(1, 70, 12)], "warning", "renew_in_window", (1,), "3月10日前", (0, 9)),
    (60, [bid(1, 70, 8)], "critical", "renew_in_window", (1,), "3月6日前", (0, 5)),
    (60, [bid(1, 70, 3)], "critical", "no_window", (1,), "来不及", None),
    # an opening right now is still opening for four hours; one 5 hours ago is over
    (20, [bid(1, 0)], "warning", "renew_after_opening", (1,), "3月1日开标结束后", (H4, 17)),
    (20, [bid(1, -5 / 24)], "warning", "renew_soon", (), "剩余20天", None),
    # bids that do not count: encrypted to another certificate; case of the fingerprint ignored
    (20, [bid(1, 25, sha=OTHER)], "warning", "renew_soon", (), "剩余20天", None),
    (20, [bid(1, 10, sha=SHA.upper())], "warning", "renew_after_opening", (1,), "开标结束后",
     (10 + H4, 17)),
    (20, [bid(1, 10, sha=OTHER), bid(2, 12)], "warning", "renew_after_opening", (2,),
     "3月13日开标结束后", (12 + H4, 17)),
]


@pytest.mark.parametrize(("days", "bids", "level", "code", "ids", "phrase", "window"), CASES)
def test_certificate_advice(days: float, bids: list[Bid], level: str, code: str,
                            ids: tuple[int, ...], phrase: str,
                            window: tuple[float, float] | None) -> None:
    advice = advise_certificate(cert(days), bids, now=NOW)
    assert (advice.level, advice.reason_code, advice.bid_ids) == (level, code, ids)
    assert phrase in advice.message_zh
    assert advice.message_en and advice.cert_sha256 == SHA
    assert advice.subject_cn == "衡阳市建设工程有限公司"
    if window is None:
        assert advice.window is None and advice.to_json()["renew_window"] is None
    else:
        assert advice.window is not None
        assert (advice.window.start, advice.window.until) == (
            NOW + timedelta(days=window[0]), NOW + timedelta(days=window[1]))
    if ids and advice.reason_code != "renew_in_window":
        assert "请立即办理延期" not in advice.message_zh


OFFSETS = (-1.0, -0.1, 0.0, 0.1, 5.0, 10.0, 16.9, 17.0, 19.9, 20.0, 25.0)


@pytest.mark.parametrize("expiry", [-1.0, 0.0, 10.0, 17.0, 20.0, 60.0])
def test_every_ordering_keeps_the_rules(expiry: float) -> None:
    """Two bids at every pair of positions around the expiry (ties included), with deadlines
    before and after: a window never overlaps an opening that must wait, never outlives the
    certificate, leaves every re-upload possible; "renew now" only with no bid to protect."""
    for a, b, deadline in itertools.product(OFFSETS, OFFSETS, (-0.5, 3.0, 30.0)):
        bids = [bid(1, a), bid(2, b, min(b, deadline))]
        advice = advise_certificate(cert(expiry), bids, now=NOW)
        counted = [x for x in bids if x.bid_opening + OPENING_ALLOWANCE > NOW]
        assert advice.bid_ids == tuple(x.id for x in sorted(counted,
                                                             key=lambda x: x.bid_opening))
        assert {n.id for n in advice.wait_for} | {n.id for n in advice.reencrypt} == {
            x.id for x in counted}
        if "请立即办理延期" in advice.message_zh or advice.reason_code == "renew_now":
            assert not counted
        w = advice.window
        if w is None:
            if expiry <= 0:
                assert advice.reason_code == "expired"
            elif counted:
                assert (advice.reason_code, advice.level) == ("no_window", "critical")
                assert "0734-8846545" in advice.message_zh
            else:
                assert advice.reason_code in {"valid", "renew_early", "renew_soon", "renew_now"}
            continue
        assert NOW <= w.start < w.until <= NOW + timedelta(days=expiry)
        assert all(n.opening + OPENING_ALLOWANCE <= w.start for n in advice.wait_for)
        assert all(n.deadline - SAFETY_MARGIN >= w.until for n in advice.reencrypt)
        assert advice.level != "critical" or advice.reason_code == "renew_in_window"


def test_time_zones_do_not_change_the_decision_and_china_time_is_shown() -> None:
    # 2025-03-10 18:00 UTC is 2025-03-11 02:00 in Hengyang: the opening day is the 11th
    opening = datetime(2025, 3, 10, 18, 0, tzinfo=UTC)
    b = Bid(id=1, project_code="P", project_name="夜间项目", documents_downloaded_at=None,
            bid_deadline=opening, bid_opening=opening)
    new_york = timezone(timedelta(hours=-5))
    results = [advise_certificate(cert(20), [b], now=NOW.astimezone(tz))
               for tz in (UTC, new_york, CHINA_TZ)]
    assert len({r.message_zh for r in results}) == 1
    assert len({r.window for r in results}) == 1
    assert "3月11日开标结束后" in results[0].message_zh
    assert results[0].to_json()["renew_window"]["from"] == "2025-03-11T06:00:00+08:00"


def test_a_window_across_the_new_year_names_the_year() -> None:
    now = datetime(2025, 12, 20, 2, 0, tzinfo=UTC)
    c = Cert(SHA, "x", now + timedelta(days=20))
    b = Bid(id=1, project_code="P", project_name="年末项目", documents_downloaded_at=None,
            bid_deadline=now + timedelta(days=5), bid_opening=now + timedelta(days=5))
    advice = advise_certificate(c, [b], now=now)
    assert "请于 12月25日开标结束后、2026年1月6日前办理延期" in advice.message_zh


def test_the_margin_is_a_parameter() -> None:
    advice = advise_certificate(cert(20), [bid(1, 10)], now=NOW, margin=timedelta(days=1))
    assert advice.window is not None and advice.window.until == NOW + timedelta(days=19)
    assert timedelta(days=3) == SAFETY_MARGIN


def test_json_names_the_window_and_the_bids() -> None:
    advice = advise_certificate(cert(20), [bid(1, 10), bid(2, 25, 24)], now=NOW)
    data = json.loads(json.dumps(advice.to_json()))
    assert data["renew_window"] == {"from": "2025-03-11T14:00:00+08:00",
                                    "until": "2025-03-18T10:00:00+08:00"}
    assert (data["level"], data["reason_code"]) == ("warning", "renew_after_opening")
    assert [b["id"] for b in data["wait_for"]] == [1]
    assert [b["id"] for b in data["reencrypt"]] == [2]
    assert data["message_zh"] == advice.message_zh


@pytest.mark.parametrize(("days", "thresholds", "level"), [
    (50, (60, 20, 5), "info"), (20, (60, 20, 5), "warning"), (5, (60, 20, 5), "critical"),
    (50, (5, 60, 20), "info"),  # order does not matter
    (70, (60, 20, 5), "ok"),
])
def test_configurable_thresholds(days: int, thresholds: tuple[int, int, int], level: str) -> None:
    assert advise_certificate(cert(days), [], now=NOW, thresholds=thresholds).level == level


def test_days_left_counts_whole_days() -> None:
    assert advise_certificate(cert(10.9), [], now=NOW).days_left == 10
    assert advise_certificate(cert(-0.1), [], now=NOW).days_left == -1


def test_dates_are_shown_in_china_time() -> None:
    # 2025-03-31 20:00 UTC is 2025-04-01 04:00 in Hengyang
    c = Cert(SHA, "x", datetime(2025, 3, 31, 20, 0, tzinfo=UTC))
    assert "2025-04-01到期" in advise_certificate(c, [], now=NOW).message_zh


def test_a_parsed_token_certificate_is_advised() -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from hy_client.token.certificate import parse_certificate

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "衡阳市湘江建设工程有限公司")])
    der = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
           .public_key(key.public_key()).serial_number(7)
           .not_valid_before(NOW - timedelta(days=300)).not_valid_after(NOW + timedelta(days=20))
           .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
    info = parse_certificate(der, now=NOW)
    (advice,) = advise([info], [bid(1, 25, sha=info.sha256)], now=NOW)
    assert (advice.cert_sha256, advice.reason_code) == (info.sha256, "renew_in_window")
    assert advice.subject_cn == "衡阳市湘江建设工程有限公司"


def test_unreadable_certificates_are_skipped() -> None:
    unreadable = Cert(OTHER, "", None)  # type: ignore[arg-type]
    assert [a.cert_sha256 for a in advise([unreadable, cert(10)], [], now=NOW)] == [SHA]
    with pytest.raises(ValueError):
        advise_certificate(unreadable, [], now=NOW)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        advise_certificate(cert(10), [], now=NOW.replace(tzinfo=None))


def test_advise_keeps_order_and_most_urgent_picks_the_banner() -> None:
    result = advise([cert(200), cert(20, OTHER), cert(5, "ef" * 32), cert(5, "EF" * 32)],
                    [bid(1, 10, sha=OTHER)], now=NOW)  # the same certificate twice: once
    assert [a.reason_code for a in result] == ["valid", "renew_after_opening", "renew_now"]
    top = most_urgent(result)
    assert isinstance(top, RenewalAdvice) and top.reason_code == "renew_now"
    assert most_urgent(advise([cert(200)], [], now=NOW)) is None


def record(rid: int, spec: str, expires_on: str, **data: str) -> Record:
    return Record(id=rid, spec=spec, status="approved", data={"expires_on": expires_on, **data},
                  updated_at=NOW)


@pytest.mark.parametrize(("expires_on", "level", "code", "days"), [
    ("2025-12-31", None, None, None),
    ("2025-05-30", "info", "expiring", 90),
    ("2025-03-31", "warning", "expiring", 30),
    ("2025-03-08", "critical", "expiring", 7),
    ("2025-03-01", "critical", "expiring", 0),
    ("2025-02-28", "critical", "expired", -1),
    ("", None, None, None),
    ("not a date", None, None, None),
])
def test_record_expiry(expires_on: str, level: str | None, code: str | None,
                       days: int | None) -> None:
    found = advise_records([record(3, "qualification", expires_on, cert_no="D243000001")],
                           now=NOW)
    if level is None:
        assert found == []
        return
    (item,) = found
    assert (item.level, item.reason_code, item.days_left, item.record_id) == (level, code, days, 3)
    assert "资质证书D243000001" in item.message_zh


def test_personnel_records_use_the_person_when_no_number() -> None:
    (item,) = advise_records([record(4, "personnel", "2025-03-10", name="赵六")], now=NOW)
    assert item.title == "赵六" and "人员证书赵六" in item.message_zh
    assert most_urgent([item]) is item


@dataclass(frozen=True)
class CodedCert:
    sha256: str
    subject_cn: str
    not_after: datetime
    uscc: str | None
    error: None = None


@dataclass(frozen=True)
class Key:
    certificates: list[CodedCert]


def test_holder_keeps_only_the_accounts_certificates() -> None:
    mine, theirs, nameless = (CodedCert(SHA, "本单位", NOW + timedelta(days=20), "91A"),
                              CodedCert(OTHER, "他单位", NOW + timedelta(days=5), "91B"),
                              CodedCert("ef" * 32, "无代码", NOW + timedelta(days=9), None))
    holder = Holder(frozenset(), frozenset({"91A"}))
    assert [holder.owns(c) for c in (mine, theirs, nameless)] == [True, False, True]
    # activated to the account (or encrypted to by its bids) counts whatever the subject says
    assert Holder(frozenset({OTHER}), frozenset({"91A"})).owns(theirs)
    keys = [Key([mine, theirs]), Key([nameless])]
    found = advise_tokens(keys, [], now=NOW, holder=holder)  # type: ignore[arg-type]
    assert [a.subject_cn for a in found] == ["本单位", "无代码"]  # the banner never names 他单位
