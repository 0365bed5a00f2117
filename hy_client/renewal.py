"""The one renewal advisor: when a certificate may be renewed without losing an open bid.

Renewing (延期) a certificate on a hardware key re-keys it, and a bid is encrypted to the old
key, so renewing between bidding and bid opening makes the bid impossible to decrypt. Every
surface (banner, 证书 page, 投标准备, tray, first-run assistant, ``renewal``, ``readiness``)
renders the :class:`RenewalAdvice` that :func:`advise` returns; none decides on its own.

Per certificate, the bids that count are those not yet opened that were encrypted to it, or
whose certificate is unknown (``cert_sha256`` empty: they count for every certificate). A bid
is still "opening" for :data:`OPENING_ALLOWANCE` after its opening time (the decryption stage).

- **early** bids finish opening by the expiry (``opening + allowance <= expiry``): renewal must
  wait until the last of them has opened;
- **late** bids open after that: the old certificate has expired by then, so after renewing they
  must be re-encrypted with the new certificate and re-uploaded before their deadlines.

The **renewal window** runs from the end of the last early opening (or now) to the expiry — or
the earliest deadline of a late bid, when sooner — less :data:`SAFETY_MARGIN` (time for the CA
to process the renewal). Decisions, first that applies:

1. expired                                  -> critical ``expired`` (open bids: contact the CA)
2. no bid counts                            -> by thresholds (default 90/30/7 days): ok
   ``valid`` / info ``renew_early`` / warning ``renew_soon`` / critical ``renew_now``
3. no window (empty with a late bid, or a late bid whose deadline less the margin falls before
   the window opens)
   -> critical ``no_window``: contact the CA before bidding further, and the support phone
4. window opens later                       -> ``renew_after_opening`` (ok ``valid`` when far
   from expiry and nothing to re-encrypt); never critical: nothing is to be done now
5. window open now (only late bids)         -> ``renew_in_window``: warning, critical when the
   window closes within the shortest threshold (7 days)

Only rule 2 says "renew now" (请立即办理延期); rule 5 says renewing is possible now and until
when, since no bid to the key opens before the expiry. An empty window without late bids (the
last opening ends inside the margin) is widened to the expiry itself. Dates are shown in China
time (UTC+8).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .errors import SUPPORT_PHONE, HyError
from .forms.validators import CHINA_TZ, parse_date

if TYPE_CHECKING:
    from .api.client import PlatformClient
    from .api.models import Bid, Record
    from .token.models import TokenInfo

Level = Literal["ok", "info", "warning", "critical"]
LEVELS: tuple[Level, ...] = ("ok", "info", "warning", "critical")
DEFAULT_THRESHOLDS = (90, 30, 7)
# Stated margins: a renewal at the CA can take up to three days (a weekend, a working day), and
# an opening's decryption stage is counted as four hours after the opening time.
SAFETY_MARGIN = timedelta(days=3)
OPENING_ALLOWANCE = timedelta(hours=4)
CA_ADVICE_ZH = f"请暂停继续投标，立即联系CA机构，并致电交易中心技术支持 {SUPPORT_PHONE}"
CA_ADVICE_EN = (f"stop bidding with this key, contact the CA at once and call the centre's "
                f"technical support on {SUPPORT_PHONE}")


class CertificateLike(Protocol):
    """What advice needs from a certificate (the token package's model has more)."""

    @property
    def sha256(self) -> str: ...
    @property
    def subject_cn(self) -> str: ...
    @property
    def not_after(self) -> datetime | None: ...  # timezone-aware; None: unreadable certificate


@dataclass(frozen=True)
class RenewWindow:
    """When renewing is safe: ``start`` (JSON ``from``) to ``until``, both aware datetimes."""

    start: datetime
    until: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.until

    def to_json(self) -> dict[str, str]:
        return {"from": _iso(self.start), "until": _iso(self.until)}


@dataclass(frozen=True)
class BidNote:
    """A bid as the advice names it."""

    id: int
    project_code: str
    project_name: str
    opening: datetime
    deadline: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "project_code": self.project_code,
                "project_name": self.project_name, "opening": _iso(self.opening),
                "deadline": _iso(self.deadline)}


@dataclass(frozen=True)
class RenewalAdvice:
    """The advice for one certificate; ``window`` None: safe at any time, or no safe time at
    all (``reason_code`` ``no_window``/``expired``)."""

    cert_sha256: str
    level: Level
    days_left: int  # whole days until expiry; negative once expired
    reason_code: str
    message_zh: str
    message_en: str
    bid_ids: tuple[int, ...] = ()  # every open bid that counts for this certificate
    subject_cn: str = ""
    expires_at: datetime | None = None
    window: RenewWindow | None = None
    wait_for: tuple[BidNote, ...] = ()  # open before expiry: do not renew before they open
    reencrypt: tuple[BidNote, ...] = ()  # open after expiry: re-encrypt + re-upload after renewing
    stranded: tuple[BidNote, ...] = ()  # late, deadline before any safe renewal

    def to_json(self) -> dict[str, Any]:
        return {"cert_sha256": self.cert_sha256, "subject_cn": self.subject_cn,
                "level": self.level, "reason_code": self.reason_code,
                "days_left": self.days_left,
                "expires_at": _iso(self.expires_at) if self.expires_at else None,
                "renew_window": self.window.to_json() if self.window else None,
                "message_zh": self.message_zh, "message_en": self.message_en,
                "bid_ids": list(self.bid_ids),
                "wait_for": [b.to_json() for b in self.wait_for],
                "reencrypt": [b.to_json() for b in self.reencrypt],
                "stranded": [b.to_json() for b in self.stranded]}


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

    def to_json(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "spec": self.spec, "title": self.title,
                "expires_on": self.expires_on.isoformat(), "level": self.level,
                "days_left": self.days_left, "reason_code": self.reason_code,
                "message_zh": self.message_zh, "message_en": self.message_en}


def _china(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(CHINA_TZ)


def _iso(moment: datetime) -> str:
    return _china(moment).isoformat()


def _day(moment: datetime) -> str:
    return f"{_china(moment):%Y-%m-%d}"


def _minute(moment: datetime) -> str:
    return f"{_china(moment):%Y-%m-%d %H:%M}"


def month_day(moment: datetime, now: datetime, *, with_time: bool = False) -> str:
    """``12月15日`` in China time; the year when it differs from now's; ``HH:MM`` on request."""
    local, today = _china(moment), _china(now)
    text = (f"{local.year}年" if local.year != today.year else "") + f"{local.month}月{local.day}日"
    return text + (f" {local:%H:%M}" if with_time else "")


def _en(moment: datetime, *, with_time: bool = False) -> str:
    return _minute(moment) if with_time else _day(moment)


def _threshold_level(days_left: int, thresholds: Sequence[int]) -> Level:
    info, warning, critical = sorted(thresholds, reverse=True)
    if days_left <= critical:
        return "critical"
    if days_left <= warning:
        return "warning"
    if days_left <= info:
        return "info"
    return "ok"


def _note(bid: Bid) -> BidNote:
    return BidNote(bid.id, bid.project_code, bid.project_name, bid.bid_opening, bid.bid_deadline)


def _names(bids: Sequence[BidNote]) -> str:
    return "、".join(f"“{b.project_name}”" for b in bids)


def _codes(bids: Sequence[BidNote]) -> str:
    return ", ".join(b.project_code for b in bids)


def _reupload_zh(bids: Sequence[BidNote], now: datetime) -> str:
    listed = "；".join(f"项目“{b.project_name}”（投标截止 "
                      f"{month_day(b.deadline, now, with_time=True)}）" for b in bids)
    return ("证书将在以下项目开标前过期，延期后须在投标截止前用新证书重新加密并上传投标文件："
            f"{listed}。")


def _reupload_en(bids: Sequence[BidNote]) -> str:
    listed = "; ".join(f"{b.project_code} (deadline {_minute(b.deadline)})" for b in bids)
    return f" After renewing, re-encrypt and re-upload with the new certificate: {listed}."


def opens_after_expiry(opening: datetime, expiry: datetime) -> bool:
    """A bid is "late" for a certificate when its opening (with :data:`OPENING_ALLOWANCE` for
    decryption) is not over by the expiry: the one rule for the advisor and 投标准备 alike."""
    return opening + OPENING_ALLOWANCE > expiry


def _notes(bids: Iterable[Bid]) -> list[tuple[str, BidNote]]:
    """(certificate fingerprint or "", bid) soonest opening first: made once per advice run."""
    return sorted(((b.cert_sha256.lower(), _note(b)) for b in bids),
                  key=lambda x: (x[1].opening, x[1].id))


def advise_certificate(cert: CertificateLike, bids: Iterable[Bid], *, now: datetime,
                       thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
                       margin: timedelta = SAFETY_MARGIN,
                       bids_known: bool = True) -> RenewalAdvice:
    """The advice for one certificate given all the bidder's bids (others are filtered here).

    ``bids_known`` False (not logged in, platform unreachable): with no bid to go by, the
    threshold advice never says "renew now" but "renew soon, after any open bid has opened"."""
    return _advise(cert, _notes(bids), now=now, thresholds=thresholds, margin=margin,
                   bids_known=bids_known)


def _advise(cert: CertificateLike, notes: Sequence[tuple[str, BidNote]], *, now: datetime,
            thresholds: Sequence[int], margin: timedelta, bids_known: bool) -> RenewalAdvice:
    if cert.not_after is None:
        raise ValueError("certificate without a validity period")
    now = _china(now)
    expiry = _china(cert.not_after)
    days_left = (expiry - now).days
    sha, cutoff = cert.sha256.lower(), now - OPENING_ALLOWANCE
    mine = [n for s, n in notes if (not s or s == sha) and n.opening > cutoff]
    early = tuple(b for b in mine if not opens_after_expiry(b.opening, expiry))
    late = tuple(b for b in mine if opens_after_expiry(b.opening, expiry))
    ids = tuple(b.id for b in mine)
    until_day = _day(expiry)

    def advice(level: Level, code: str, zh: str, en: str, window: RenewWindow | None = None,
               stranded: tuple[BidNote, ...] = ()) -> RenewalAdvice:
        return RenewalAdvice(cert.sha256, level, days_left, code, zh, en, ids, cert.subject_cn,
                             expiry, window, early, late, stranded)

    if expiry <= now:
        if mine:
            return advice("critical", "expired",
                          f"证书已于{until_day}过期，项目{_names(mine)}开标时无法使用该证书。"
                          f"{CA_ADVICE_ZH}。",
                          f"The certificate expired on {until_day} and cannot open "
                          f"{_codes(mine)}: {CA_ADVICE_EN}.")
        return advice("critical", "expired",
                      f"证书已于{until_day}过期，无法登录和投标，请到CA机构办理延期。",
                      f"The certificate expired on {until_day}: renew it at the CA.")
    level = _threshold_level(days_left, thresholds)
    if not mine:
        if level == "ok":
            return advice("ok", "valid", f"证书有效，{until_day}到期（剩余{days_left}天）。",
                          f"Valid until {until_day} ({days_left} days).")
        code = {"info": "renew_early", "warning": "renew_soon", "critical": "renew_now"}[level]
        if not bids_known:
            return advice(level, code,
                          f"证书将于{until_day}到期（剩余{days_left}天），请尽快办理延期。未能获取"
                          "在投项目：如有未开标的投标，请在其开标结束后再办理（延期会更换密钥，"
                          "开标前延期将导致投标文件无法解密）。",
                          f"The certificate expires on {until_day} ({days_left} days): renew "
                          "soon. Open bids could not be read: if a bid is open, renew only after "
                          "its opening (renewal re-keys and the bid could not be decrypted).")
        zh = ("请立即办理延期" if level == "critical" else "请尽早办理延期")
        return advice(level, code,
                      f"证书将于{until_day}到期（剩余{days_left}天），{zh}；不要在投标期间办理。",
                      f"The certificate expires on {until_day} ({days_left} days): renew "
                      f"{'now' if level == 'critical' else 'early'}, never while a bid is open.")

    start = max([now, *(b.opening + OPENING_ALLOWANCE for b in early)])
    # renewed (the margin) in time to re-encrypt every late bid before its deadline
    until = min([expiry, *(b.deadline for b in late)]) - margin
    if start >= until and not late and start < expiry:
        until = expiry  # nothing to re-encrypt: renew between the opening and the expiry itself
    stranded = tuple(b for b in late if b.deadline - margin <= start)
    if start >= until or stranded:
        why_zh = why_en = ""
        if stranded:
            why_zh = (f"证书将在项目{_names(stranded)}开标前过期，而其投标截止前已来不及延期后"
                      "用新证书重新加密；")
            why_en = (f"{_codes(stranded)} open after the expiry and close before a renewal "
                      "could be done; ")
        elif late:
            why_zh = f"证书将在项目{_names(late)}开标前过期" + (
                f"，而项目{_names(early)}开标结束前不能延期；" if early else "；")
            why_en = f"{_codes(late)} open after the expiry; "
        wait_zh = f"项目{_names(early)}开标前请勿办理延期（会导致无法解密）。" if early else ""
        return advice("critical", "no_window",
                      f"证书将于{until_day}到期，没有可以安全办理延期的时间：{why_zh}"
                      f"{wait_zh}{CA_ADVICE_ZH}。",
                      f"The certificate expires on {until_day} and there is no safe time to "
                      f"renew: {why_en}{CA_ADVICE_EN}.", None, stranded)

    window = RenewWindow(start, until)
    short = _china(until).date() == _china(start).date() or until - start < timedelta(days=1)
    by_zh = f"{month_day(until, now, with_time=short)}前"
    by_en = _en(until, with_time=short)
    reupload_zh = _reupload_zh(late, now) if late else ""
    reupload_en = _reupload_en(late) if late else ""
    if start <= now:
        urgent: Level = "critical" if (until - now).days <= min(thresholds) else "warning"
        return advice(max(level, urgent, key=LEVELS.index), "renew_in_window",
                      f"证书将于{until_day}到期（剩余{days_left}天）。现在可以办理延期，"
                      f"请于{by_zh}办理。{reupload_zh}",
                      f"The certificate expires on {until_day} ({days_left} days). It can be "
                      f"renewed now; do so before {by_en}.{reupload_en}", window)
    last = early[-1]
    when_zh = f"请于 {month_day(last.opening, now)}开标结束后、{by_zh}办理延期"
    when_en = (f"renew after the bid opening on {_minute(last.opening)} and before {by_en}")
    why = "：延期会更换密钥，开标前延期将导致投标文件无法解密。"
    if level == "ok" and not late:
        return advice("ok", "valid",
                      f"证书有效，{until_day}到期（剩余{days_left}天）。有未开标的投标，开标前请勿"
                      f"办理延期；如需延期，{when_zh}。",
                      f"Valid until {until_day} ({days_left} days). A bid is open: do not renew "
                      f"before its opening; {when_en}.", window)
    capped: Level = "info" if level == "ok" else min(level, "warning", key=LEVELS.index)
    return advice(capped, "renew_after_opening",
                  f"证书将于{until_day}到期（剩余{days_left}天）。{when_zh}{why}{reupload_zh}",
                  f"The certificate expires on {until_day} ({days_left} days): {when_en}; "
                  f"renewal re-keys the certificate and an open bid could not be decrypted."
                  f"{reupload_en}", window)


def advise(certificates: Iterable[CertificateLike], bids: Iterable[Bid], *, now: datetime,
           thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
           margin: timedelta = SAFETY_MARGIN, bids_known: bool = True) -> list[RenewalAdvice]:
    """One advice per certificate with a validity period (unreadable ones are skipped), in order;
    the same certificate on two keys is advised once."""
    notes = _notes(bids)
    seen: set[str] = set()
    out = []
    for c in certificates:
        if c.not_after is None or c.sha256.lower() in seen:
            continue
        seen.add(c.sha256.lower())
        out.append(_advise(c, notes, now=now, thresholds=thresholds, margin=margin,
                           bids_known=bids_known))
    return out


@dataclass(frozen=True)
class Holder:
    """Whose certificates an account's advice covers. One PC often holds several companies'
    keys; the banner of one must not speak of another's. A certificate is the account's when
    activated to it or when its subject names the account's 统一社会信用代码/身份证号; one that
    names no one cannot be told apart and is kept."""

    activated: frozenset[str] = frozenset()  # certificate fingerprints, lower case
    codes: frozenset[str] = frozenset()  # the account's USCC / ID number, upper case

    def owns(self, cert: CertificateLike) -> bool:
        if cert.sha256.lower() in self.activated:
            return True
        code = (getattr(cert, "uscc", None) or "").upper()
        return not code or code in self.codes


def holder_of(client: PlatformClient, bids: Iterable[Bid] = ()) -> Holder:
    """The logged-in account's :class:`Holder`, from its activations and profile; the
    certificates its ``bids`` were encrypted to are its own too."""
    profile = client.profile().data
    codes = {(profile.get(k) or "").strip().upper() for k in ("uscc", "id_number")}
    mine = {a.cert_sha256.lower() for a in client.activations()}
    mine |= {b.cert_sha256.lower() for b in bids if b.cert_sha256}
    return Holder(frozenset(mine), frozenset(c for c in codes if c))


def advise_tokens(tokens: Iterable[TokenInfo], bids: Iterable[Bid], *, now: datetime,
                  thresholds: Sequence[int] = DEFAULT_THRESHOLDS, bids_known: bool = True,
                  holder: Holder | None = None) -> list[RenewalAdvice]:
    """Advice for every readable certificate on these keys (signing and encryption ones alike:
    a bid may be encrypted to either) — what every surface shows for "the keys plugged in";
    with ``holder``, only the logged-in account's certificates."""
    return advise([c for t in tokens for c in t.certificates if c.error is None
                   and (holder is None or holder.owns(c))], bids,
                  now=now, thresholds=thresholds, bids_known=bids_known)


def find(advice: Iterable[RenewalAdvice], cert_sha256: str) -> RenewalAdvice | None:
    """The advice for one certificate out of a list (surfaces showing one key use this)."""
    return next((a for a in advice if a.cert_sha256.lower() == cert_sha256.lower()), None)


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


@dataclass(frozen=True)
class AccountAdvice:
    """What every surface shows for one account: its certificates' advice (keys plugged in,
    against its open bids) and its records' expiry advice. ``bids_known`` False: no session or
    the platform could not be read (the certificate advice then never says "renew now")."""

    certificates: tuple[RenewalAdvice, ...]
    records: tuple[RecordAdvice, ...]
    bids: tuple[Bid, ...]
    bids_known: bool


def advise_account(tokens: Iterable[TokenInfo], client: PlatformClient | None, *,
                   now: datetime, thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
                   records: bool = True, lenient: bool = False) -> AccountAdvice:
    """The one decision of "the account's current advice": the keys' certificates that are the
    account's (:func:`holder_of`) advised against its bids, and its qualifications' and
    personnel's expiry (``records``). ``client`` None: no session, every key, bids unknown.
    Platform errors raise; ``lenient`` (banner, tray): bids unknown and no record advice
    instead."""
    tokens = list(tokens)
    bids: list[Bid] = []
    holder: Holder | None = None
    known = False
    if client is not None:
        try:
            bids = client.bids()
            holder = holder_of(client, bids)  # only this account's certificates
            known = True
        except HyError:
            if not lenient:
                raise
            bids, holder = [], None
    certificates = advise_tokens(tokens, bids, now=now, thresholds=thresholds,
                                 bids_known=known, holder=holder)
    record_advice: list[RecordAdvice] = []
    if client is not None and records:
        try:
            found = client.records("qualifications") + client.records("personnel")
        except HyError:
            if not lenient:
                raise
        else:
            record_advice = advise_records(found, now=now, thresholds=thresholds)
    return AccountAdvice(tuple(certificates), tuple(record_advice), tuple(bids), known)


def most_urgent(items: Iterable[RenewalAdvice | RecordAdvice]
                ) -> RenewalAdvice | RecordAdvice | None:
    """The item a banner shows: the highest level, then the fewest days left; None if all ok."""
    ranked = [i for i in items if i.level != "ok"]
    if not ranked:
        return None
    return max(ranked, key=lambda i: (LEVELS.index(i.level), -i.days_left))
