"""Online certificate renewal (在线延期), end to end, with the bids guard built in.

Steps, each recorded in the journal before the next starts:

1. guard — before anything is written, the renewal advisor looks at the bids encrypted to the
   current key: inside the safe window renewal goes on; outside it is refused (U320) with the
   bids that would become unreadable, unless the bidder explicitly overrides;
2. keygen — a new key pair on the token, under a new CKA_ID;
3. csr — a PKCS#10 request for the current subject, signed by the new key on the token;
4. submit — sent with proof of the current certificate (hy-auth:1 over the CSR's hash and a
   fresh nonce); the platform answers with the renewal (issued at once, or pending review);
5. issue — the new certificate (a pending review ends the run here: P324, resumable);
6. write — the certificate written to the token under the new CKA_ID;
7. verify — chain, key match and a test signature on the token;
8. activate — only now the platform moves the activation to the new certificate.

The old key and certificate are never changed or deleted: bids encrypted to them can still be
opened, and the journal's ``retained`` list says which. A failure at any step leaves the old
certificate working; running again resumes from the last step done, ``abandon`` removes the
half-made new key (never the old one) and forgets the renewal.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, TypeVar

from cryptography import x509

from . import __version__, auth, errors, renewal
from .api import models
from .api.client import PlatformClient, new_idempotency_key
from .errors import HyError
from .renewal_journal import JournalStore, RenewalJournal, RetainedKey, Step
from .signin import KeyChoice
from .token import renewal as token_renewal
from .token.models import CertificateInfo
from .token.service import TokenService

log = logging.getLogger(__name__)
T = TypeVar("T")

Stage = Literal["guard", "keygen", "csr", "submit", "issue", "write", "verify", "activate"]
STAGES: tuple[Stage, ...] = ("guard", "keygen", "csr", "submit", "issue", "write", "verify",
                             "activate")
STAGE_ZH: dict[Stage, str] = {
    "guard": "检查在投项目（延期安全时段）", "keygen": "在CA锁内生成新密钥对",
    "csr": "在CA锁内签署证书请求", "submit": "提交延期申请", "issue": "等待签发新证书",
    "write": "把新证书写入CA锁", "verify": "校验新证书（证书链、密钥匹配、测试签名）",
    "activate": "启用新证书（平台激活转到新证书）"}
STAGE_EN: dict[Stage, str] = {
    "guard": "Check open bids (safe window)", "keygen": "Generate the new key pair on the key",
    "csr": "Sign the certificate request on the key", "submit": "Submit the renewal",
    "issue": "Wait for the new certificate", "write": "Write the new certificate to the key",
    "verify": "Verify the new certificate (chain, key match, test signature)",
    "activate": "Switch the activation to the new certificate"}
Status = Literal["running", "done", "skipped", "waiting", "failed"]
Progress = Callable[[Stage, Status], None]
TOKEN_TIMEOUT = 120.0
# The last stage each journal step records as finished ("started": only the guard).
FINISHED: dict[Step, Stage] = {"started": "guard", "key_generated": "keygen", "csr_signed": "csr",
                               "submitted": "submit", "issued": "issue", "cert_written": "write",
                               "verified": "verify", "activated": "activate"}


def resume_stage(step: Step) -> Stage:
    """Where a renewal stopped at ``step`` goes on: the stage after the finished one (activation
    is asked again: the platform answers it idempotently)."""
    return STAGES[min(STAGES.index(FINISHED[step]) + 1, len(STAGES) - 1)]


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


@dataclass(frozen=True)
class GuardVerdict:
    """The renewal advisor's answer for one certificate, as the renewal acts on it."""

    allowed: bool
    advice: renewal.RenewalAdvice
    at_risk: tuple[renewal.BidNote, ...]  # open before the expiry: unreadable if renewed now
    kept_for: tuple[int, ...]  # every unopened bid encrypted to the current key

    def message_zh(self) -> str:
        if self.allowed:
            return self.advice.message_zh
        lines = [f"现在不能延期。{self.advice.message_zh}"]
        if self.at_risk:
            lines.append("以下投标文件加密所用的是当前密钥，现在延期将导致开标时无法解密：")
            lines += [f"  · {b.project_code} {b.project_name}（开标 "
                      f"{b.opening.astimezone(renewal.CHINA_TZ):%Y-%m-%d %H:%M}）"
                      for b in self.at_risk]
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {"allowed": self.allowed, "advice": self.advice.to_json(),
                "at_risk": [b.to_json() for b in self.at_risk],
                "kept_for_bids": list(self.kept_for)}


def check_guard(cert: CertificateInfo, bids: Sequence[models.Bid], *, now: datetime,
                thresholds: Sequence[int] = renewal.DEFAULT_THRESHOLDS) -> GuardVerdict:
    """Renew only inside the advisor's safe window (or at any time when no bid counts for this
    certificate); otherwise the bids that open before the expiry are at risk."""
    advice = renewal.advise_certificate(cert, bids, now=now, thresholds=thresholds)
    if advice.window is not None:
        allowed = advice.window.contains(now)
    else:
        allowed = advice.reason_code != "expired" and not (
            advice.wait_for or advice.reencrypt or advice.stranded)
    return GuardVerdict(allowed, advice, advice.wait_for if not allowed else (),
                        advice.bid_ids)


def chain_problem(new_der: bytes, old_der: bytes, chain: Sequence[bytes], now: datetime) -> str:
    """'' when the new certificate has the old one's subject, may log in (clientAuth) and chains,
    valid ``now`` (the platform's time), to the root that the current certificate chains to as
    well — the CA that issued the key the bidder already holds; else what is wrong."""
    new = x509.load_der_x509_certificate(new_der)
    old = x509.load_der_x509_certificate(old_der)
    if new.subject != old.subject:
        return "subject differs from the current certificate"
    if not auth.is_client_auth(new):
        return "not a login (clientAuth) certificate"
    if not new.not_valid_before_utc <= now <= new.not_valid_after_utc:
        return "not valid now"
    certs = [x509.load_der_x509_certificate(c) for c in chain]
    if not certs:
        return "no chain"
    trust = auth.TrustStore(roots=certs[-1:], intermediates=certs[:-1])
    if not trust.chains(new, now):
        return "chain does not verify"
    if not trust.chains(old, now):
        return "not the CA of the current certificate"
    return ""


@dataclass(frozen=True)
class RenewalOutcome:
    journal: RenewalJournal
    new_certificate: CertificateInfo | None
    activation: models.Activation | None
    retained: RetainedKey | None
    verdict: GuardVerdict | None  # None when resumed past the guard
    seconds: float

    def to_json(self) -> dict[str, object]:
        cert = self.new_certificate
        return {
            "renewal_id": self.journal.renewal_id, "step": self.journal.step,
            "override": self.journal.override,
            "new_certificate": cert.to_json() if cert else None,
            "old_certificate": {"id": self.journal.old_cert_id,
                                "sha256": self.journal.old_cert_sha256, "kept_on_token": True},
            "kept_for_bids": list(self.journal.kept_for_bids),
            "activation": self.activation.model_dump(mode="json") if self.activation else None,
            "seconds": round(self.seconds, 3)}


class RenewalFlow:
    """One bidder's renewal against one platform; the key must be logged in (PIN) first."""

    def __init__(self, client: PlatformClient, tokens: TokenService, store: JournalStore, *,
                 progress: Progress | None = None, thresholds: Sequence[int] = (
                     renewal.DEFAULT_THRESHOLDS), token_timeout: float = TOKEN_TIMEOUT) -> None:
        self.client, self.tokens, self.store = client, tokens, store
        self.progress = progress or (lambda stage, status: None)
        self.thresholds = thresholds
        self.timeout = token_timeout

    # --- helpers ----------------------------------------------------------------------------
    def _platform_now(self) -> datetime:
        """The platform's clock: bid openings and certificate validity are its times."""
        return self.client.health().server_time.astimezone(UTC)

    def _wait(self, future: Future[T]) -> T:
        return future.result(self.timeout)

    def guard(self, key: KeyChoice, *, now: datetime | None = None) -> GuardVerdict:
        now = now or self._platform_now()
        return check_guard(key.certificate, self.client.bids(), now=now,
                           thresholds=self.thresholds)

    # --- the run ----------------------------------------------------------------------------
    def run(self, key: KeyChoice, *, override: bool = False) -> RenewalOutcome:
        started = time.monotonic()
        journal = self.store.current()
        verdict: GuardVerdict | None = None
        if journal is not None and journal.serial != key.serial:
            raise HyError(errors.RENEWAL_OTHER_TOKEN, journal.token_label)
        if journal is None or journal.old_cert_sha256 != key.certificate.sha256:
            if journal is not None:
                raise HyError(errors.RENEWAL_OTHER_TOKEN, journal.old_cert_id)
            self.progress("guard", "running")
            now = self._platform_now()
            verdict = self.guard(key, now=now)
            if not verdict.allowed and not override:
                self.progress("guard", "failed")
                raise HyError(errors.RENEWAL_UNSAFE, verdict.message_zh(),
                              bids=[b.to_json() for b in verdict.at_risk])
            spec = token_renewal.key_spec_for(key.certificate)  # T321 before anything is written
            journal = self.store.save(RenewalJournal(
                id=str(uuid.uuid4()), origin=self.store.origin,
                account_id=self.store.account_id, serial=key.serial,
                token_label=key.token_label, old_cert_id=key.cert_id,
                old_cert_sha256=key.certificate.sha256,
                old_certificate=auth.b64encode(key.certificate.der), spec=spec,
                new_key_id=token_renewal.new_key_id(), override=not verdict.allowed,
                kept_for_bids=verdict.kept_for,
                started_at=datetime.now(UTC).isoformat()))
            self.progress("guard", "done")
        else:
            self.progress("guard", "skipped")
        first = STAGES.index(resume_stage(journal.step))
        for stage in STAGES[1:first]:
            self.progress(stage, "skipped")
        activation: models.Activation | None = None
        for stage in STAGES[first:]:
            self.progress(stage, "running")
            try:
                journal, activation = self._stage(stage, key, journal)
            except HyError as exc:
                self.progress(stage, "waiting" if exc.info is errors.RENEWAL_PENDING
                              else "failed")
                raise
            self.progress(stage, "done")
        retained = self.store.finish(journal, key.certificate.subject_cn)
        info = self._wait(self.tokens.reread(key.serial))
        new_cert = next((c for c in info.certificates
                         if c.sha256 == journal.new_cert_sha256), None)
        return RenewalOutcome(journal, new_cert, activation, retained, verdict,
                              time.monotonic() - started)

    def _stage(self, stage: Stage, key: KeyChoice, j: RenewalJournal
               ) -> tuple[RenewalJournal, models.Activation | None]:
        t, serial = self.tokens, j.serial
        if stage == "keygen":
            found = self._wait(token_renewal.inspect(t, serial, j.new_key_id, j.spec))
            if found.private and found.public_spki:
                spki = found.public_spki  # made just before a kill: use it
            else:
                if found.private or found.public_spki or found.certificates:
                    self._wait(token_renewal.discard(t, serial, j.new_key_id,
                                                     keep=(j.old_cert_id,)))
                label = f"{key.certificate.subject_cn} 签名密钥（延期）"
                spki = self._wait(token_renewal.generate(
                    t, serial, j.spec, j.new_key_id, label))
            return self.store.save(j, step="key_generated", public_key=auth.b64encode(spki)), None
        if stage == "csr":
            self._require_new_key(j)
            subject = x509.load_der_x509_certificate(_unb64(j.old_certificate)).subject
            csr = self._wait(token_renewal.build_csr(t, serial, j.new_key_id, j.spec,
                                                     _unb64(j.public_key), subject))
            return self.store.save(j, step="csr_signed", csr=auth.b64encode(csr)), None
        if stage == "submit":
            answer = self._submit(key, j)
            j = self.store.save(j, step="submitted", renewal_id=answer.id)
            return self._take_issued(j, answer), None
        if stage == "issue":
            if j.at_least("issued"):
                return j, None
            return self._take_issued(j, self.client.renewal(j.renewal_id), final=True), None
        if stage == "write":
            self._require_new_key(j)
            label = f"{key.certificate.subject_cn} 签名证书（延期）"
            self._wait(token_renewal.write_certificate(t, serial, j.new_key_id,
                                                       _unb64(j.certificate), label))
            self._wait(t.reread(serial))
            return self.store.save(j, step="cert_written"), None
        if stage == "verify":
            problem = chain_problem(_unb64(j.certificate), _unb64(j.old_certificate),
                                    [_unb64(c) for c in j.chain], self._platform_now())
            result = self._wait(token_renewal.verify(
                t, serial, j.new_key_id, j.spec, _unb64(j.certificate), _unb64(j.public_key),
                problem))
            if not result.ok:
                raise HyError(errors.RENEWAL_VERIFY_FAILED, result.detail)
            return self.store.save(j, step="verified"), None
        activation = self._activate(j)
        return self.store.save(j, step="activated"), activation

    def _require_new_key(self, j: RenewalJournal) -> None:
        found = self._wait(token_renewal.inspect(self.tokens, j.serial, j.new_key_id, j.spec))
        if not found.private or (j.public_key and found.public_spki
                                 and found.public_spki != _unb64(j.public_key)):
            raise HyError(errors.RENEWAL_KEY_LOST, j.new_key_id)

    def _submit(self, key: KeyChoice, j: RenewalJournal) -> models.Renewal:
        """Proof with the current key over a fresh nonce and the CSR's hash. The platform keeps
        one renewal per CSR, so a resumed submit (new nonce, new key) gets the same one."""
        csr = _unb64(j.csr)
        challenge = self.client.challenge()
        message = auth.renewal_message(self.client.origin, challenge.nonce, csr)
        signature = self._wait(self.tokens.sign(j.serial, j.old_cert_id, message,
                                                key.algorithm))
        token = models.AuthToken(**auth.build_auth_token(
            key.certificate.der, key.algorithm, signature, f"hy-client/{__version__}"))
        body = models.RenewalRequest(nonce=challenge.nonce, auth_token=token,
                                     csr=auth.b64encode(csr))
        return self.client.request_renewal(body, new_idempotency_key())

    def _take_issued(self, j: RenewalJournal, answer: models.Renewal, *,
                     final: bool = False) -> RenewalJournal:
        if answer.state == "rejected":
            self.abandon()
            raise HyError(errors.RENEWAL_REJECTED, answer.reject_reason[:100])
        if answer.state == "pending":
            if final:
                raise HyError(errors.RENEWAL_PENDING, f"#{answer.id}")
            return j
        der = _unb64(answer.certificate)
        return self.store.save(j, step="issued", certificate=answer.certificate,
                               chain=tuple(answer.chain),
                               new_cert_sha256=hashlib.sha256(der).hexdigest())

    def _activate(self, j: RenewalJournal) -> models.Activation:
        """Prove the new key over a fresh challenge; the platform moves the activation."""
        algorithm = token_renewal.KEY_SPECS[j.spec][0]
        challenge = self.client.challenge()
        message = auth.challenge_message(self.client.origin, challenge.nonce)
        signature = self._wait(self.tokens.sign(j.serial, j.new_key_id, message, algorithm))
        token = models.AuthToken(**auth.build_auth_token(
            _unb64(j.certificate), algorithm, signature, f"hy-client/{__version__}"))
        return self.client.activate_renewal(
            j.renewal_id, models.RenewalActivation(nonce=challenge.nonce, auth_token=token))

    # --- abandon ----------------------------------------------------------------------------
    def abandon(self) -> int:
        """Remove the unfinished renewal's new key and certificate (never the old ones) and
        forget it; returns the objects removed. Refused once the activation has moved."""
        j = self.store.current()
        if j is None:
            return 0
        if j.at_least("activated") or (j.new_cert_sha256 and any(
                a.cert_sha256 == j.new_cert_sha256 for a in self.client.activations())):
            # the platform already uses the new certificate (killed before the journal said so)
            raise HyError(errors.CONFLICT, "the renewal is complete: run it again to finish")
        removed = self._wait(token_renewal.discard(self.tokens, j.serial, j.new_key_id,
                                                   keep=(j.old_cert_id,)))
        self.store.clear()
        log.info("renewal %s abandoned at %s; %s objects removed", j.id, j.step, removed)
        return removed
