"""The renewal journal: which step of an online renewal (在线延期) is done, so a renewal cut
short — key pulled, platform down, the process killed — resumes where it stopped or is cleanly
abandoned, and never loses the old key.

One JSON file per (platform origin, account id), readable only by the user (0600), replaced
atomically (write a temporary file, fsync, rename) after every step. Besides the renewal in
progress it keeps the old keys a renewal left on the token for bids encrypted to them
(``retained``): what the bid-opening self-test and reminders need to know.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from . import config, private
from .owner import origin_key

log = logging.getLogger(__name__)

# The last step done, in order. A renewal at "started" may have a half-made key on the token
# (killed during generation); from "key_generated" on, the new key is known.
Step = Literal["started", "key_generated", "csr_signed", "submitted", "issued", "cert_written",
               "verified", "activated"]
STEP_ORDER: tuple[Step, ...] = ("started", "key_generated", "csr_signed", "submitted", "issued",
                                "cert_written", "verified", "activated")


@dataclass(frozen=True)
class RenewalJournal:
    id: str
    origin: str
    account_id: int
    serial: str
    token_label: str
    old_cert_id: str
    old_cert_sha256: str
    old_certificate: str  # base64 DER: the subject and CA the new one must match
    spec: str  # key kind generated: RSA-2048, EC-P256, EC-P384
    new_key_id: str  # hex CKA_ID of the new key and certificate
    step: Step = "started"
    override: bool = False  # renewed outside the safe window, by explicit choice
    kept_for_bids: tuple[int, ...] = ()  # bids encrypted to the old key, unopened at the start
    public_key: str = ""  # base64 SubjectPublicKeyInfo of the new key
    csr: str = ""  # base64 DER
    renewal_id: int = 0
    certificate: str = ""  # base64 DER of the new certificate
    chain: tuple[str, ...] = ()
    new_cert_sha256: str = ""
    started_at: str = ""
    updated_at: str = ""

    def at_least(self, step: Step) -> bool:
        return STEP_ORDER.index(self.step) >= STEP_ORDER.index(step)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kept_for_bids"], data["chain"] = list(self.kept_for_bids), list(self.chain)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RenewalJournal:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["kept_for_bids"] = tuple(int(b) for b in values.get("kept_for_bids", ()))
        values["chain"] = tuple(str(c) for c in values.get("chain", ()))
        if values.get("step") not in STEP_ORDER:
            raise ValueError("unknown step")
        return cls(**values)


@dataclass(frozen=True)
class RetainedKey:
    """An old key and certificate kept on the token after a renewal, for these bids."""

    serial: str
    cert_id: str
    cert_sha256: str
    subject_cn: str
    bid_ids: tuple[int, ...]
    renewed_at: str
    new_cert_sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "bid_ids": list(self.bid_ids)}


@dataclass
class _File:
    current: RenewalJournal | None = None
    retained: list[RetainedKey] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat()


class JournalStore:
    """The journal file of one (origin, account)."""

    def __init__(self, origin: str, account_id: int, directory: Path | None = None) -> None:
        self.origin, self.account_id = origin_key(origin), account_id
        # Named as the first release named it (a renewal in flight must be found again).
        key = hashlib.sha256(f"{self.origin}\n{account_id}".encode()).hexdigest()[:24]
        self.path = (directory or config.data_dir() / "renewal") / f"{key}.json"

    # --- file ----------------------------------------------------------------------------
    def _read(self) -> _File:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            if raw.get("origin") != self.origin or raw.get("account_id") != self.account_id:
                raise ValueError("journal of another account")
            current = raw.get("current")
            return _File(
                RenewalJournal.from_json(current) if current else None,
                [RetainedKey(**{**r, "bid_ids": tuple(r.get("bid_ids", ()))})
                 for r in raw.get("retained", [])])
        except FileNotFoundError:
            return _File()
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            # Set aside, never deleted: support can read it; the old key is untouched anyway.
            log.warning("renewal journal unreadable (%s); set aside", type(exc).__name__)
            with contextlib.suppress(OSError):
                os.replace(self.path, self.path.with_name(self.path.name + ".bad"))
            return _File()

    def _write(self, data: _File) -> None:
        private.private_dir(self.path.parent, narrow=True)
        text = json.dumps({
            "origin": self.origin, "account_id": self.account_id,
            "current": data.current.to_json() if data.current else None,
            "retained": [r.to_json() for r in data.retained]}, ensure_ascii=False, indent=1)
        private.write_private(self.path, text, fsync=True)

    # --- the renewal in progress --------------------------------------------------------------
    def current(self) -> RenewalJournal | None:
        return self._read().current

    def save(self, journal: RenewalJournal, **changes: Any) -> RenewalJournal:
        """Record ``journal`` with ``changes`` (a step done) before going on; returns it."""
        journal = replace(journal, **changes, updated_at=_now())
        data = self._read()
        data.current = journal
        self._write(data)
        return journal

    def finish(self, journal: RenewalJournal, subject_cn: str) -> RetainedKey:
        """The renewal is done: the old key joins ``retained`` (kept for its bids)."""
        data = self._read()
        kept = RetainedKey(journal.serial, journal.old_cert_id, journal.old_cert_sha256,
                           subject_cn, journal.kept_for_bids, _now(), journal.new_cert_sha256)
        data.current = None
        data.retained = [r for r in data.retained if r.cert_sha256 != kept.cert_sha256] + [kept]
        self._write(data)
        return kept

    def clear(self) -> None:
        """Forget the renewal in progress (abandoned); retained keys stay."""
        data = self._read()
        data.current = None
        self._write(data)

    def retained(self) -> list[RetainedKey]:
        return self._read().retained


def kept_keys(origin: str, account_id: int, directory: Path | None = None) -> dict[int, str]:
    """Bid id → fingerprint of the old certificate a renewal kept for it: a bid the platform
    lists without its certificate is still opened with the key it was encrypted to."""
    return {bid: kept.cert_sha256 for kept in JournalStore(origin, account_id, directory)
            .retained() for bid in kept.bid_ids}


def any_renewal(directory: Path | None = None) -> bool:
    """Has this computer renewed anything (cheap check before asking who is logged in)?"""
    folder = directory or config.data_dir() / "renewal"
    return folder.is_dir() and any(folder.glob("*.json"))
