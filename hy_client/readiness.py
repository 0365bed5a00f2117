"""Bid-opening readiness (开标提醒 and the decryption self-check) and the 投标准备 table.

A bid is encrypted to one certificate (``Bid.cert_sha256``); at the opening the bidder must
decrypt it with that certificate's key. So, per open bid (first rule that applies):

1. the certificate is not on any plugged key: ``cert_renewed`` when this program saw it on a
   key that now holds another certificate of the same holder (renewal re-keys: critical),
   otherwise ``key_missing``;
2. it expires before the opening is over (``renewal.opens_after_expiry``: the advisor's own
   rule, the decryption allowance included): ``cert_expires_before_opening`` (critical);
3. its last self-test failed: ``self_test_failed`` (critical);
4. no passing self-test recent enough: ``self_test_needed``. A test counts inside the reminder
   window before the opening (default 48 h) when made inside it; earlier, for a week;
5. ``ready``.

Reminders fire at ``Settings.bid_reminder_hours`` (48 h and 2 h) before each opening; which
were shown, the self-test results and the certificates seen on each key persist in
``data_dir()/readiness.json`` so a restart neither repeats a reminder nor forgets a test.
Nothing here touches PKCS#11 or HTTP except ``run_self_test`` (through the TokenService) and
``check`` (which composes the client and the service).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import config, errors, renewal, support
from .errors import SUPPORT_PHONE, HyError
from .owner import origin_tag
from .private import write_private
from .renewal import CHINA_TZ

if TYPE_CHECKING:
    from .api.client import PlatformClient
    from .api.models import Bid
    from .token.models import CertificateInfo, TokenInfo
    from .token.service import TokenService

log = logging.getLogger(__name__)

State = Literal["ready", "key_missing", "cert_expires_before_opening", "cert_renewed",
                "self_test_needed", "self_test_failed"]
Level = Literal["ok", "warning", "critical"]
STATE_ZH: dict[State, str] = {
    "ready": "已就绪", "key_missing": "未插入所需CA锁",
    "cert_expires_before_opening": "证书将在开标前过期", "cert_renewed": "证书已更换（无法解密）",
    "self_test_needed": "需要自检", "self_test_failed": "自检未通过",
}
STATE_LEVEL: dict[State, Level] = {
    "ready": "ok", "key_missing": "warning", "self_test_needed": "warning",
    "cert_expires_before_opening": "critical", "cert_renewed": "critical",
    "self_test_failed": "critical",
}
# Best first: with several candidate certificates (bid certificate unknown) the best one shows.
_RANK: tuple[State, ...] = ("ready", "self_test_needed", "self_test_failed",
                            "cert_expires_before_opening", "key_missing", "cert_renewed")
SELF_TEST_FRESH = timedelta(days=7)
STORE_FILE = "readiness.json"
CENTRE_PHONES = support.CENTRE_PHONES_ZH


def _minute(moment: datetime) -> str:
    return f"{moment.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}"


def _day(moment: datetime) -> str:
    return f"{moment.astimezone(CHINA_TZ):%Y-%m-%d}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- reminders ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Reminder:
    bid_id: int
    project_code: str
    project_name: str
    opening: datetime
    hours: int  # the threshold this reminder is for (48, 2, …)
    due_at: datetime

    @property
    def key(self) -> str:
        """Stable across restarts; a moved opening makes a new reminder."""
        return f"{self.bid_id}:{self.hours}:{_iso(self.opening)}"

    @property
    def message_zh(self) -> str:
        return (f"项目“{self.project_name}”（{self.project_code}）将于{_minute(self.opening)}"
                f"开标（不足{self.hours}小时）。请插入CA锁并运行自检，确认能解密投标文件；"
                "开标前请勿办理证书延期。")

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "bid_id": self.bid_id, "project_code": self.project_code,
                "project_name": self.project_name, "opening": _iso(self.opening),
                "hours": self.hours, "due_at": _iso(self.due_at), "message": self.message_zh}


def due_reminders(bids: Iterable[Bid], now: datetime, already_shown: Collection[str],
                  hours: Sequence[int] = (48, 2)) -> list[Reminder]:
    """The reminders to show now: per bid not yet opened, the nearest threshold passed, unless
    it was shown (an earlier, wider one is then superseded, not shown late)."""
    out = []
    for bid in bids:
        if bid.bid_opening <= now:
            continue
        passed = [h for h in hours if bid.bid_opening - timedelta(hours=h) <= now]
        if not passed:
            continue
        h = min(passed)
        reminder = Reminder(bid.id, bid.project_code, bid.project_name, bid.bid_opening, h,
                            bid.bid_opening - timedelta(hours=h))
        if reminder.key not in already_shown:
            out.append(reminder)
    return sorted(out, key=lambda r: r.opening)


def next_reminder_at(bids: Iterable[Bid], now: datetime,
                     hours: Sequence[int] = (48, 2)) -> datetime | None:
    """When the next reminder falls due (for a tray timer), or None."""
    times = [b.bid_opening - timedelta(hours=h) for b in bids for h in hours
             if b.bid_opening - timedelta(hours=h) > now]
    return min(times, default=None)


# --- what is remembered -------------------------------------------------------------------

@dataclass(frozen=True)
class SelfTestRecord:
    cert_sha256: str
    serial: str
    ok: bool
    at: datetime
    signature_ok: bool = False
    decrypt_ok: bool | None = None
    code: str = ""  # catalogue code when it failed

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "at": _iso(self.at)}


@dataclass(frozen=True)
class SeenCertificate:
    """A certificate this program saw on a key: how a renewal (re-key) is recognised later."""

    sha256: str
    serial: str  # the key it was on
    subject_cn: str
    organization: str
    uscc: str | None
    not_after: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "not_after": _iso(self.not_after) if self.not_after else None}


class ReadinessStore:
    """One account's ``readiness-….json`` in the data dir (:meth:`for_account`): reminders
    shown, self-tests and certificates seen are a bidder's, never another account's. A damaged
    file is set aside and started afresh."""

    def __init__(self, path: Path | None = None, account_id: int | None = None) -> None:
        self.path = path or config.data_dir() / STORE_FILE
        self.account_id = account_id  # whose store, when made by for_account

    @classmethod
    def for_account(cls, origin: str, account_id: int) -> ReadinessStore:
        """(platform origin, account id) → its own file; the origin hashed for a file name."""
        return cls(config.data_dir() / f"readiness-{origin_tag(origin)}-{int(account_id)}.json",
                   int(account_id))

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("readiness store unreadable; starting afresh")
            with contextlib.suppress(OSError):
                os.replace(self.path, self.path.with_name(self.path.name + ".bad"))
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        # certificate subjects and USCCs: readable by the user only
        write_private(self.path, json.dumps(data, ensure_ascii=False, indent=1))

    # reminders
    def shown(self) -> set[str]:
        value = self._read().get("shown", [])
        return {str(v) for v in value} if isinstance(value, list) else set()

    def mark_shown(self, reminders: Iterable[Reminder], now: datetime | None = None) -> None:
        """Remember these as shown; keys of openings long past are dropped."""
        data = self._read()
        cutoff = (now or datetime.now(UTC)) - timedelta(days=7)
        keys = self.shown() | {r.key for r in reminders}
        data["shown"] = sorted(k for k in keys if _opening_of(k) is None
                               or _opening_of(k) >= cutoff)  # type: ignore[operator]
        self._write(data)

    # self-tests
    def self_tests(self) -> dict[str, SelfTestRecord]:
        out = {}
        for sha, raw in (self._read().get("self_tests") or {}).items():
            with contextlib.suppress(KeyError, TypeError, ValueError):
                out[sha] = SelfTestRecord(**{**raw, "at": _parse(raw["at"])})
        return out

    def record_self_test(self, record: SelfTestRecord) -> None:
        data = self._read()
        tests: dict[str, Any] = data.get("self_tests") or {}
        tests[record.cert_sha256.lower()] = record.to_json()
        data["self_tests"] = tests
        self._write(data)

    # certificates seen on keys
    def seen(self) -> dict[str, SeenCertificate]:
        out = {}
        for sha, raw in (self._read().get("seen") or {}).items():
            with contextlib.suppress(KeyError, TypeError, ValueError):
                after = raw.get("not_after")
                out[sha] = SeenCertificate(**{**raw, "not_after": _parse(after) if after
                                              else None})
        return out

    def remember(self, tokens: Iterable[TokenInfo]) -> None:
        """Note every certificate on these keys (cheap: only when something is new)."""
        data = self._read()
        seen: dict[str, Any] = data.get("seen") or {}
        before = len(seen)
        for token in tokens:
            for cert in token.certificates:
                if cert.error is None and cert.sha256 and cert.sha256.lower() not in seen:
                    seen[cert.sha256.lower()] = SeenCertificate(
                        cert.sha256.lower(), token.serial, cert.subject_cn, cert.organization,
                        cert.uscc, cert.not_after).to_json()
        if len(seen) != before:
            data["seen"] = seen
            self._write(data)


def _opening_of(key: str) -> datetime | None:
    with contextlib.suppress(ValueError, IndexError):
        return _parse(key.split(":", 2)[2])
    return None


# --- assessment ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BidReadiness:
    """One row of the 投标准备 table."""

    bid_id: int
    project_code: str
    project_name: str
    deadline: datetime
    opening: datetime
    cert_sha256: str  # the certificate the bid was encrypted to ("" when unknown)
    certificate_zh: str  # that certificate as a bidder recognises it
    state: State
    advice_zh: str
    token_serial: str = ""  # where the certificate is now (for the self-test button)
    cert_id: str = ""
    self_tested_at: datetime | None = None

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]

    @property
    def level(self) -> Level:
        return STATE_LEVEL[self.state]

    @property
    def deadline_zh(self) -> str:
        return _minute(self.deadline)

    @property
    def opening_zh(self) -> str:
        return _minute(self.opening)

    def to_json(self) -> dict[str, Any]:
        return {"bid_id": self.bid_id, "project_code": self.project_code,
                "project_name": self.project_name, "deadline": _iso(self.deadline),
                "opening": _iso(self.opening), "cert_sha256": self.cert_sha256,
                "certificate": self.certificate_zh, "state": self.state,
                "state_zh": self.state_zh, "level": self.level, "advice": self.advice_zh,
                "token_serial": self.token_serial, "cert_id": self.cert_id,
                "self_tested_at": _iso(self.self_tested_at) if self.self_tested_at else None}


def _describe(cn: str, organization: str, sha: str, not_after: datetime | None) -> str:
    who = cn + (f"（{organization}）" if organization and organization != cn else "")
    until = f"，{_day(not_after)}到期" if not_after else ""
    return f"{who or '证书'}{until}，指纹 {sha[:16]}…" if sha else f"{who}{until}"


def _row(bid: Bid, state: State, certificate_zh: str, advice_zh: str, *, token_serial: str = "",
         cert_id: str = "", self_tested_at: datetime | None = None) -> BidReadiness:
    return BidReadiness(bid.id, bid.project_code, bid.project_name, bid.bid_deadline,
                        bid.bid_opening, bid.cert_sha256, certificate_zh, state, advice_zh,
                        token_serial, cert_id, self_tested_at)


def _same_holder(a: SeenCertificate, cert: CertificateInfo) -> bool:
    if a.uscc and cert.uscc:
        return a.uscc == cert.uscc
    return bool(a.subject_cn) and (a.subject_cn, a.organization) == (cert.subject_cn,
                                                                      cert.organization)


def _test_counts(record: SelfTestRecord, opening: datetime, now: datetime,
                 window: timedelta) -> bool:
    if record.at >= opening - window:
        return True
    return now < opening - window and now - record.at <= SELF_TEST_FRESH


def _deadline_tail(bid: Bid, now: datetime) -> str:
    if bid.bid_deadline > now:
        return f"请在投标截止（{_minute(bid.bid_deadline)}）前用当前证书重新加密并上传投标文件。"
    return f"投标已截止，请立即联系交易中心（{CENTRE_PHONES}）和CA机构。"


def _assess_cert(bid: Bid, token: TokenInfo, cert: CertificateInfo, now: datetime,
                 tests: Mapping[str, SelfTestRecord], window: timedelta,
                 advice: Sequence[renewal.RenewalAdvice], bids: Sequence[Bid]) -> BidReadiness:
    described = _describe(cert.subject_cn, cert.organization, cert.sha256, cert.not_after)
    if cert.not_after is not None and renewal.opens_after_expiry(bid.bid_opening,
                                                                 cert.not_after):
        # the certificate's one renewal advice (window, bids to re-encrypt), not a second opinion;
        # asked of the advisor for this certificate when the list left it out (another holder's)
        mine = renewal.find(advice, cert.sha256) or renewal.advise_certificate(cert, bids,
                                                                               now=now)
        text = mine.message_zh
        return _row(bid, "cert_expires_before_opening", described, text,
                    token_serial=token.serial, cert_id=cert.id)
    record = tests.get(cert.sha256.lower())
    tested_at = record.at if record else None
    if record is not None and not record.ok:
        return _row(bid, "self_test_failed", described,
                    "CA锁自检未通过：开标时可能无法解密投标文件。请立即联系CA机构，"
                    f"并致电技术支持 {SUPPORT_PHONE}。", self_tested_at=tested_at,
                    token_serial=token.serial, cert_id=cert.id)
    if record is None or not _test_counts(record, bid.bid_opening, now, window):
        return _row(bid, "self_test_needed", described,
                    "请插入CA锁并运行自检（签名和解密），确认开标时能解密投标文件。",
                    self_tested_at=tested_at, token_serial=token.serial, cert_id=cert.id)
    return _row(bid, "ready", described,
                "开标时插入该CA锁即可解密。开标前请勿办理证书延期。",
                self_tested_at=tested_at, token_serial=token.serial, cert_id=cert.id)


def _missing(bid: Bid, tokens: Sequence[TokenInfo], now: datetime,
             seen: Mapping[str, SeenCertificate]) -> BidReadiness:
    known = seen.get(bid.cert_sha256.lower()) if bid.cert_sha256 else None
    if known is None:
        described = (f"指纹 {bid.cert_sha256[:16]}…" if bid.cert_sha256
                     else "投标时使用的证书（平台未提供指纹）")
    else:
        described = _describe(known.subject_cn, known.organization, known.sha256,
                              known.not_after)
        successor = next((t for t in tokens for c in t.certificates if c.error is None
                          and (t.serial == known.serial or _same_holder(known, c))), None)
        if successor is not None:
            return _row(bid, "cert_renewed", described,
                        "投标文件加密所用的证书已不在CA锁中（证书已延期或更换，密钥已变），"
                        "开标时将无法解密。" + _deadline_tail(bid, now)
                        + f"如需帮助，请致电技术支持 {SUPPORT_PHONE}。",
                        token_serial=successor.serial)
    return _row(bid, "key_missing", described,
                "请插入加密投标文件时使用的CA锁。如该证书已办理延期（更换密钥），开标时将无法"
                "解密：" + _deadline_tail(bid, now))


def assess(bids: Iterable[Bid], tokens: Sequence[TokenInfo], now: datetime, *,
           self_tests: Mapping[str, SelfTestRecord] | None = None,
           seen: Mapping[str, SeenCertificate] | None = None,
           reminder_hours: Sequence[int] = (48, 2),
           advice: Sequence[renewal.RenewalAdvice] | None = None) -> list[BidReadiness]:
    """The 投标准备 rows for bids not yet opened, soonest opening first; ``advice`` is the
    renewal advice for these keys (computed here with default thresholds when not given)."""
    bids = list(bids)
    tests = {k.lower(): v for k, v in (self_tests or {}).items()}
    if advice is None:
        advice = renewal.advise_tokens(tokens, bids, now=now)
    window = timedelta(hours=max(reminder_hours, default=48))
    rows = []
    for bid in sorted((b for b in bids if b.bid_opening > now), key=lambda b: b.bid_opening):
        wanted = bid.cert_sha256.lower()
        candidates = [(t, c) for t in tokens for c in t.certificates
                      if c.error is None and c.has_private_key is not False
                      and (c.sha256.lower() == wanted if wanted else c.usable_for_login)]
        if not candidates:
            rows.append(_missing(bid, tokens, now, seen or {}))
            continue
        options = [_assess_cert(bid, t, c, now, tests, window, advice, bids)
                   for t, c in candidates]
        rows.append(min(options, key=lambda r: _RANK.index(r.state)))
    return rows


# --- the self-test against the bid's certificate --------------------------------------------

@dataclass(frozen=True)
class SelfTestOutcome:
    """A test that ran (``record``) or why it could not (``error``: no key, wrong PIN…)."""

    record: SelfTestRecord | None
    error: HyError | None = None

    @property
    def ok(self) -> bool:
        return self.record is not None and self.record.ok


def locate(tokens: Sequence[TokenInfo], cert_sha256: str) -> tuple[str, str] | None:
    """(token serial, certificate id) of the certificate with this fingerprint, if plugged."""
    for token in tokens:
        for cert in token.certificates:
            if cert.sha256.lower() == cert_sha256.lower() and cert.error is None:
                return token.serial, cert.id
    return None


def run_self_test(service: TokenService, tokens: Sequence[TokenInfo], cert_sha256: str,
                  pin: str | None, *, store: ReadinessStore,
                  now: datetime | None = None, timeout: float = 60.0) -> SelfTestOutcome:
    """Sign (and for RSA decrypt) with the key of the certificate a bid was encrypted to.

    ``pin`` None: the key is already logged in (the program's session). Otherwise it logs in
    once (never retried) and out again. The result is recorded in ``store``.
    """
    where = locate(tokens, cert_sha256)
    if where is None:
        del pin
        return SelfTestOutcome(None, HyError(errors.CERT_NOT_FOUND, cert_sha256[:16]))
    serial, cert_id = where
    logged_in_here = False
    try:
        if pin is not None:
            service.login(serial, pin).result(timeout)
            logged_in_here = True
        result = service.self_test(serial, cert_id).result(timeout)
    except HyError as exc:
        return SelfTestOutcome(None, exc)
    finally:
        del pin
        if logged_in_here:
            with contextlib.suppress(Exception):
                service.logout(serial).result(timeout)
    record = SelfTestRecord(cert_sha256.lower(), serial, result.ok, now or datetime.now(UTC),
                            result.signature_ok, result.decrypt_ok,
                            result.error.code if result.error else "")
    store.record_self_test(record)
    return SelfTestOutcome(record)


# --- composed: what the 投标准备 view and the tray ask for -----------------------------------

@dataclass(frozen=True)
class ReadinessReport:
    rows: tuple[BidReadiness, ...]
    reminders: tuple[Reminder, ...]  # due now and not yet shown
    tokens_read: bool  # False: no key could be read (every row is then key_missing)
    renewal: tuple[renewal.RenewalAdvice, ...] = ()  # the keys' renewal advice, as everywhere

    @property
    def worst(self) -> Level:
        levels = [r.level for r in self.rows]
        return "critical" if "critical" in levels else "warning" if "warning" in levels else "ok"

    def to_json(self) -> dict[str, Any]:
        return {"format": "hy-client-readiness/1", "worst": self.worst,
                "tokens_read": self.tokens_read, "bids": [r.to_json() for r in self.rows],
                "reminders": [r.to_json() for r in self.reminders],
                "renewal": [a.to_json() for a in self.renewal]}


def _with_kept_keys(client: PlatformClient, bids: list[Bid], account_id: int | None) -> list[Bid]:
    """A bid listed without its certificate, for which a renewal kept the old key, is
    checked (self-test, reminders) against that old key, not the renewed one."""
    from . import renewal_journal

    if not any(not b.cert_sha256 for b in bids) or not renewal_journal.any_renewal():
        return bids
    kept = renewal_journal.kept_keys(client.origin,
                                     account_id if account_id is not None else client.me().id)
    return [b.model_copy(update={"cert_sha256": kept[b.id]})
            if not b.cert_sha256 and b.id in kept else b for b in bids]


def check(client: PlatformClient, service: TokenService | None, *,
          settings: config.Settings | None = None, store: ReadinessStore | None = None,
          now: datetime | None = None, timeout: float = 60.0,
          account_id: int | None = None) -> ReadinessReport:
    """Bids from the platform, certificates from the plugged keys, the rows and due reminders.

    The store is the account's (``account_id``, else the store's or asked of the platform);
    the account id is asked of the platform at most once. Platform errors
    raise (the caller shows them: not logged in, offline); a key that cannot be read is a
    finding (``tokens_read`` False, rows ``key_missing``)."""
    settings = settings or config.load()
    if account_id is None and store is not None:
        account_id = store.account_id
    if store is None:
        if account_id is None:
            account_id = client.me().id
        store = ReadinessStore.for_account(client.origin, account_id)
    now = now or datetime.now(UTC)
    bids = _with_kept_keys(client, client.bids(), account_id)
    tokens: list[TokenInfo] = []
    tokens_read = False
    if service is not None:
        from .token.models import all_tokens
        try:
            tokens = all_tokens(service.scan(refresh=True).result(timeout))
            tokens_read = True
        except HyError as exc:
            log.info("readiness: keys not readable: %s", exc.code)
    store.remember(tokens)
    advice = renewal.advise_tokens(tokens, bids, now=now,
                                   thresholds=settings.renewal_thresholds,
                                   holder=renewal.holder_of(client, bids))
    rows = assess(bids, tokens, now, self_tests=store.self_tests(), seen=store.seen(),
                  reminder_hours=settings.bid_reminder_hours, advice=advice)
    reminders = due_reminders(bids, now, store.shown(), settings.bid_reminder_hours)
    return ReadinessReport(tuple(rows), tuple(reminders), tokens_read, tuple(advice))
