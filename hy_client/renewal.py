"""Certificate-renewal advice that knows about open bids, and expiry reminders for records.

Why bids matter: renewing (延期) a certificate on a hardware key re-keys it, and a bid is
encrypted to the old key, so renewing between bidding and bid opening makes the bid impossible
to decrypt. Hence, per certificate (first rule that applies):

1. expired                                   -> critical ``expired``
2. an open bid opens at or after the expiry  -> critical ``expires_before_opening``
3. an open bid, expiry after its opening     -> ``renew_after_opening`` (never above warning)
4. otherwise by thresholds (default 90/30/7) -> info ``renew_early`` / warning ``renew_soon`` /
   critical ``renew_now``, or ok ``valid``.

A bid whose certificate is unknown (``cert_sha256`` empty) counts for every certificate.
Dates are shown in China time (UTC+8, no daylight saving).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Literal, Protocol

from .forms.validators import parse_date

if TYPE_CHECKING:
    from .api.models import Bid, Record

Level = Literal["ok", "info", "warning", "critical"]
LEVELS: tuple[Level, ...] = ("ok", "info", "warning", "critical")
CHINA_TZ = timezone(timedelta(hours=8), "CST")
DEFAULT_THRESHOLDS = (90, 30, 7)


class CertificateLike(Protocol):
    """What advice needs from a certificate (the token package's model has more)."""

    @property
    def sha256(self) -> str: ...
    @property
    def subject_cn(self) -> str: ...
    @property
    def not_after(self) -> datetime | None: ...  # timezone-aware; None: unreadable certificate


@dataclass(frozen=True)
class RenewalAdvice:
    cert_sha256: str
    level: Level
    days_left: int  # whole days until expiry; negative once expired
    reason_code: str
    message_zh: str
    message_en: str
    bid_ids: tuple[int, ...] = ()
    subject_cn: str = ""


@dataclass(frozen=True)
class RecordAdvice:
    """A qualification or personnel certificate nearing its own ``expires_on``."""

    record_id: int
    spec: str
    title: str  # what the record is, for the message (certificate number, person's name)
    expires_on: date
    level: Level
    days_left: int
    reason_code: str
    message_zh: str
    message_en: str


def _china(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(CHINA_TZ)


def _day(moment: datetime) -> str:
    return f"{_china(moment):%Y-%m-%d}"


def _minute(moment: datetime) -> str:
    return f"{_china(moment):%Y-%m-%d %H:%M}"


def _threshold_level(days_left: int, thresholds: Sequence[int]) -> Level:
    info, warning, critical = sorted(thresholds, reverse=True)
    if days_left <= critical:
        return "critical"
    if days_left <= warning:
        return "warning"
    if days_left <= info:
        return "info"
    return "ok"


def advise_certificate(cert: CertificateLike, bids: Iterable[Bid], *, now: datetime,
                       thresholds: Sequence[int] = DEFAULT_THRESHOLDS) -> RenewalAdvice:
    if cert.not_after is None:
        raise ValueError("certificate without a validity period")
    now = _china(now)
    expiry = _china(cert.not_after)
    days_left = (expiry - now).days
    mine = sorted((b for b in bids if _china(b.bid_opening) > now
                   and (not b.cert_sha256 or b.cert_sha256.lower() == cert.sha256.lower())),
                  key=lambda b: b.bid_opening)
    ids = tuple(b.id for b in mine)

    def advice(level: Level, code: str, zh: str, en: str, bid_ids: tuple[int, ...] = ()
               ) -> RenewalAdvice:
        return RenewalAdvice(cert.sha256, level, days_left, code, zh, en, bid_ids,
                             cert.subject_cn)

    if expiry <= now:
        return advice("critical", "expired",
                      f"证书已于{_day(expiry)}过期，无法登录和投标，请立即到CA机构办理延期",
                      f"The certificate expired on {_day(expiry)}: renew it now", ids)
    late = [b for b in mine if b.bid_opening >= expiry]
    if late:
        first = late[0]
        if _china(first.bid_deadline) > now:
            zh_tail = "请立即办理延期，并在投标截止前用新证书重新加密、上传投标文件"
            en_tail = "renew now and re-encrypt and upload the bid before the deadline"
        else:
            zh_tail = "投标已截止，请立即联系交易中心和CA机构"
            en_tail = "the deadline has passed: contact the centre and the CA at once"
        return advice(
            "critical", "expires_before_opening",
            f"证书将在开标前过期（证书{_day(expiry)}到期，项目“{first.project_name}”"
            f"{_minute(first.bid_opening)}开标），{zh_tail}",
            f"The certificate expires before bid opening ({_day(expiry)}; "
            f"{first.project_code} opens {_minute(first.bid_opening)}): {en_tail}",
            tuple(b.id for b in late))
    level = _threshold_level(days_left, thresholds)
    if mine and level != "ok":
        last = mine[-1]
        return advice(
            "warning" if level == "critical" else level, "renew_after_opening",
            f"证书将于{_day(expiry)}到期（剩余{days_left}天）。您有未开标的投标，"
            f"请在{_minute(last.bid_opening)}开标之后再办理延期：延期会更换密钥，"
            "开标前延期将导致投标文件无法解密",
            f"The certificate expires on {_day(expiry)} ({days_left} days). Renew only after "
            f"the bid opening on {_minute(last.bid_opening)}: renewal re-keys the certificate "
            "and the bid could not be decrypted", ids)
    if level == "ok":
        note_zh, note_en = ("；有未开标的投标，开标前请勿办理延期", "; a bid is open: do not renew "
                            "before its opening") if mine else ("", "")
        return advice("ok", "valid", f"证书有效，{_day(expiry)}到期（剩余{days_left}天）{note_zh}",
                      f"Valid until {_day(expiry)} ({days_left} days){note_en}", ids)
    code = {"info": "renew_early", "warning": "renew_soon", "critical": "renew_now"}[level]
    return advice(
        level, code,
        f"证书将于{_day(expiry)}到期（剩余{days_left}天），请尽早办理延期；不要在投标期间办理",
        f"The certificate expires on {_day(expiry)} ({days_left} days): renew early, "
        "never while a bid is open")


def advise(certificates: Iterable[CertificateLike], bids: Iterable[Bid], *, now: datetime,
           thresholds: Sequence[int] = DEFAULT_THRESHOLDS) -> list[RenewalAdvice]:
    """One advice per certificate with a validity period (unreadable ones are skipped), in order."""
    bid_list = list(bids)
    return [advise_certificate(c, bid_list, now=now, thresholds=thresholds)
            for c in certificates if c.not_after is not None]


def advise_records(records: Iterable[Record], *, now: datetime,
                   thresholds: Sequence[int] = DEFAULT_THRESHOLDS) -> list[RecordAdvice]:
    """Records whose ``expires_on`` is within the thresholds or past; the rest are left out."""
    today = _china(now).date()
    out: list[RecordAdvice] = []
    for record in records:
        expires_on = parse_date(record.data.get("expires_on", ""))
        if expires_on is None:
            continue
        days_left = (expires_on - today).days
        level = "critical" if days_left < 0 else _threshold_level(days_left, thresholds)
        if level == "ok":
            continue
        title = record.data.get("cert_no") or record.data.get("name") or f"#{record.id}"
        what_zh = "资质证书" if record.spec == "qualification" else "人员证书"
        what_en = "qualification" if record.spec == "qualification" else "personnel certificate"
        if days_left < 0:
            code = "expired"
            zh = f"{what_zh}{title}已于{expires_on}过期，请及时更新并重新提交审核"
            en = f"The {what_en} {title} expired on {expires_on}: update it"
        else:
            code = "expiring"
            zh = f"{what_zh}{title}将于{expires_on}到期（剩余{days_left}天），请及时办理并更新资料"
            en = f"The {what_en} {title} expires on {expires_on} ({days_left} days)"
        out.append(RecordAdvice(record.id, record.spec, title, expires_on, level, days_left,
                                code, zh, en))
    return out


def most_urgent(items: Iterable[RenewalAdvice | RecordAdvice]
                ) -> RenewalAdvice | RecordAdvice | None:
    """The item a banner shows: the highest level, then the fewest days left; None if all ok."""
    ranked = [i for i in items if i.level != "ok"]
    if not ranked:
        return None
    return max(ranked, key=lambda i: (LEVELS.index(i.level), -i.days_left))
