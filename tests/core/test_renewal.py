"""Renewal advice: table-driven over expiry, thresholds and open bids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from hy_client.api.models import Bid, Record
from hy_client.renewal import (
    RenewalAdvice,
    advise,
    advise_certificate,
    advise_records,
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


# (expiry in days, bids, level, reason_code, bid ids, a phrase of the Chinese message)
CASES = [
    (200, [], "ok", "valid", (), "证书有效"),
    (91, [], "ok", "valid", (), "剩余91天"),
    (90, [], "info", "renew_early", (), "请尽早办理延期"),
    (31, [], "info", "renew_early", (), "不要在投标期间办理"),
    (30, [], "warning", "renew_soon", (), "剩余30天"),
    (8, [], "warning", "renew_soon", (), "剩余8天"),
    (7, [], "critical", "renew_now", (), "剩余7天"),
    (0.5, [], "critical", "renew_now", (), "剩余0天"),
    (-1, [], "critical", "expired", (), "证书已于2025-02-28过期"),
    (-1, [bid(1, 3)], "critical", "expired", (1,), "过期"),
    # expiry before an open bid's opening: critical, whatever the thresholds say
    (60, [bid(1, 61, 50)], "critical", "expires_before_opening", (1,), "证书将在开标前过期"),
    (60, [bid(1, 61, 50)], "critical", "expires_before_opening", (1,), "重新加密"),
    (60, [bid(1, 65, -1)], "critical", "expires_before_opening", (1,), "投标已截止"),
    (20, [bid(1, 10), bid(2, 25)], "critical", "expires_before_opening", (2,), "项目2"),
    (60, [bid(1, 60)], "critical", "expires_before_opening", (1,), "开标前过期"),
    # a bid open and expiry after its opening: wait until after opening, never critical
    (20, [bid(1, 10)], "warning", "renew_after_opening", (1,), "开标之后再办理延期"),
    (5, [bid(1, 2), bid(2, 4)], "warning", "renew_after_opening", (1, 2), "2025-03-05 10:00"),
    (60, [bid(1, 10)], "info", "renew_after_opening", (1,), "无法解密"),
    (200, [bid(1, 10)], "ok", "valid", (1,), "开标前请勿办理延期"),
    # bids that do not count: already opened, or encrypted to another certificate
    (20, [bid(1, -1)], "warning", "renew_soon", (), "剩余20天"),
    (20, [bid(1, 25, sha=OTHER)], "warning", "renew_soon", (), "剩余20天"),
    (20, [bid(1, 25, sha=SHA.upper())], "critical", "expires_before_opening", (1,), "开标前"),
    (20, [bid(1, 10, sha=SHA)], "warning", "renew_after_opening", (1,), "开标之后"),
]


@pytest.mark.parametrize(("days", "bids", "level", "code", "ids", "phrase"), CASES)
def test_certificate_advice(days: float, bids: list[Bid], level: str, code: str,
                            ids: tuple[int, ...], phrase: str) -> None:
    advice = advise_certificate(cert(days), bids, now=NOW)
    assert (advice.level, advice.reason_code, advice.bid_ids) == (level, code, ids)
    assert phrase in advice.message_zh
    assert advice.message_en and advice.cert_sha256 == SHA
    assert advice.subject_cn == "衡阳市建设工程有限公司"


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
    assert (advice.cert_sha256, advice.reason_code) == (info.sha256, "expires_before_opening")
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
    result = advise([cert(200), cert(20, OTHER), cert(5)], [bid(1, 10, sha=OTHER)], now=NOW)
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
