"""Sign-in flows: password, CA key (hy-auth:1), 标证通 QR, remote activation, logout.

This module composes the platform client (``api``) and the token service (``token``), which
never import each other. A session token goes only to the OS keyring (``credentials``); a
keyring that cannot store makes the login work for this run only, with a warning.

The token side is typed by ``TokenSigner`` (what TokenService offers), so flows run the same
with the real service in the GUI, the CLI, tests and the benchmark.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import __version__, auth, config, errors
from .api import models
from .api.client import ApiError, PlatformClient, new_idempotency_key
from .api.upload import CancelToken
from .credentials import CredentialStore
from .owner import origin_key
from .private import write_private
from .token.models import Algorithm, CertificateInfo, ModuleInfo, TokenFlags, TokenInfo

log = logging.getLogger(__name__)

TOKEN_TIMEOUT = 120.0  # a PIN pad or a slow card may take a while; never forever
QR_MAX_CODES = 3  # fresh codes shown on expiry before giving up
QR_POLL_FIRST, QR_POLL_MAX = 1.0, 5.0


class TokenSigner(Protocol):
    """The part of ``token.service.TokenService`` the sign-in flows use."""

    def scan(self, *, refresh: bool = False) -> Future[list[ModuleInfo]]: ...
    def login(self, serial: str, pin: str | None) -> Future[None]: ...
    def sign(self, serial: str, cert_id: str, data: bytes, algorithm: Algorithm
             ) -> Future[bytes]: ...


@dataclass(frozen=True)
class KeyChoice:
    """One certificate that can log in: which token, which key, which algorithm."""

    serial: str
    token_label: str
    certificate: CertificateInfo
    algorithm: Algorithm
    flags: TokenFlags = field(default_factory=TokenFlags)  # PIN state as of the scan

    @property
    def cert_id(self) -> str:
        return self.certificate.id

    def describe(self) -> str:
        cert = self.certificate
        name = cert.organization or cert.subject_cn
        until = cert.not_after.date().isoformat() if cert.not_after else "?"
        return f"{self.token_label} / {cert.id} · {name} · {self.algorithm} · 有效期至 {until}"


@dataclass(frozen=True)
class LoginResult:
    """A login's session; ``remembered`` False (with ``warning``) when the keyring refused it."""

    session: models.Session
    remembered: bool
    warning: errors.HyError | None = None

    @property
    def account(self) -> models.Account:
        return self.session.account


def algorithm_for(cert: CertificateInfo) -> Algorithm | None:
    """The login algorithm for a certificate's key: RSA → RS256, P-256 → ES256, P-384 → ES384,
    SM2 → SM2-SM3."""
    kind = cert.key_algorithm.upper()
    if kind == "SM2":
        return "SM2-SM3"
    if kind.startswith("RSA"):
        return "RS256"
    if kind in ("EC-P256", "EC-SECP256R1"):
        return "ES256"
    if kind in ("EC-P384", "EC-SECP384R1"):
        return "ES384"
    return None


def login_candidates(modules: Iterable[ModuleInfo]) -> list[KeyChoice]:
    """Every certificate with a (possible) private key and a usable algorithm, token by token."""
    out: list[KeyChoice] = []
    for module in modules:
        for token in module.tokens:
            out.extend(_token_candidates(token))
    return out


def no_candidate_reason(modules: Iterable[ModuleInfo]) -> errors.HyError | None:
    """Why no key can log in although a token holds one, e.g. an SM2 key whose driver's
    mechanism is not known (T280): every surface shows this instead of "no key"."""
    for module in modules:
        for token in module.tokens:
            for cert in token.certificates:
                if cert.warning is not None:
                    return errors.HyError(cert.warning[0], token.label)
    return None


def _token_candidates(token: TokenInfo) -> list[KeyChoice]:
    out = []
    for cert in token.certificates:
        algorithm = algorithm_for(cert)
        if cert.usable_for_login and algorithm is not None:
            out.append(KeyChoice(token.serial, token.label, cert, algorithm, token.flags))
    return out


def choose_key(candidates: list[KeyChoice], *, token: str | None = None,
               cert_id: str | None = None) -> KeyChoice:
    """The one key matching ``--token LABEL|SERIAL`` and ``--cert ID``; several: choose."""
    found = [c for c in candidates
             if (token is None or token in (c.token_label, c.serial))
             and (cert_id is None or c.cert_id.lower() == cert_id.lower())]
    if not found:
        raise errors.HyError(errors.NO_TOKEN if not candidates and token is None
                             else errors.CERT_NOT_FOUND)
    if len({c.serial for c in found}) > 1:
        raise errors.HyError(errors.SEVERAL_TOKENS, ", ".join(sorted({c.token_label
                                                                      for c in found})))
    if len(found) > 1 and cert_id is None:
        found = _latest_renewal(found)
    if len(found) > 1:
        raise errors.HyError(errors.CERT_NOT_FOUND, "several certificates: choose one with --cert",
                             choices=[c.cert_id for c in found])
    return found[0]


def _latest_renewal(found: list[KeyChoice]) -> list[KeyChoice]:
    """One holder's certificates on one key (a renewal keeps the old one beside the new one for
    its bids): the one valid longest is the one to log in with. Different holders: all."""
    if len({c.certificate.subject for c in found}) != 1:
        return found
    dated = [c for c in found if c.certificate.not_after is not None]
    if len(dated) != len(found):
        return found
    return [max(dated, key=lambda c: c.certificate.not_after)]  # type: ignore[arg-type,return-value]


class SignIn:
    """The sign-in flows over one client; the keyring (if any) follows the client's origin."""

    def __init__(self, client: PlatformClient, credentials: CredentialStore | None = None,
                 *, token_timeout: float = TOKEN_TIMEOUT,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.credentials = credentials if credentials is not None else CredentialStore(
            client.origin)
        self.token_timeout = token_timeout
        self._sleep = sleep
        if client.on_session_expired is None:
            client.on_session_expired = self._forget_session

    # --- the stored session -------------------------------------------------------------
    def restore(self) -> bool:
        """Put the keyring's session token (if any) on the client; True when there was one."""
        try:
            token = self.credentials.session_token()
        except errors.HyError:
            return False
        if token:
            self.client.token = token
        return bool(token)

    def known_account(self) -> models.Account:
        """The account the stored session belongs to, without a request when it was noted at
        login (drafts are keyed by it and must be saved while the platform is down)."""
        if self.client.token is None and not self.restore():
            raise errors.HyError(errors.NOT_LOGGED_IN)
        noted = _noted_account(self.client.origin, self.client.token or "")
        return noted if noted is not None else self.whoami()

    def whoami(self) -> models.Account:
        """The logged-in account; NOT_LOGGED_IN without a stored session, SESSION_EXPIRED after."""
        if self.client.token is None and not self.restore():
            raise errors.HyError(errors.NOT_LOGGED_IN)
        return self.client.me()

    def _remember(self, session: models.Session, method: str) -> LoginResult:
        log.info("%s login to %s as %s", method, self.client.origin, session.account.username)
        # noted first: a stale note (this write failing) names another session and is refused
        _note_session_account(self.client.origin, session.account, session.token)
        try:
            self.credentials.save_session_token(session.token)
            self.credentials.remember_username(session.account.username)
        except errors.HyError as exc:
            log.warning("session not remembered: %s (%s)", exc.code, exc.detail)
            return LoginResult(session, False, exc)
        if self.credentials.uses_file:
            log.warning("no OS keyring: session kept in %s", self.credentials.file_path)
            return LoginResult(session, True, errors.HyError(errors.SESSION_IN_FILE))
        return LoginResult(session, True)

    def _forget_session(self) -> None:
        with contextlib.suppress(errors.HyError):
            self.credentials.clear_session_token()
        _note_session_account(self.client.origin, None, "")

    def logout(self) -> None:
        """End the session on the platform (when reachable) and always forget it locally."""
        if self.client.token is None:
            self.restore()
        try:
            self.client.logout()
        except ApiError as exc:
            log.info("logout on the platform failed: %s", exc.code)
        finally:
            self._forget_session()
            log.info("logged out of %s", self.client.origin)

    def remembered_username(self) -> str | None:
        try:
            return self.credentials.username()
        except errors.HyError:
            return None

    # --- password -------------------------------------------------------------------------
    def password_login(self, username: str, password: str) -> LoginResult:
        session = self.client.login(username, password)
        del password
        return self._remember(session, "password")

    def register(self, registration: models.Registration,
                 idempotency_key: str | None = None) -> models.Account:
        return self.client.register(registration, idempotency_key)

    # --- CA key (hy-auth:1) -----------------------------------------------------------------
    def candidates(self, tokens: TokenSigner, *, refresh: bool = False) -> list[KeyChoice]:
        return login_candidates(tokens.scan(refresh=refresh).result(self.token_timeout))

    def unlock(self, tokens: TokenSigner, key: KeyChoice, pin: str | None) -> None:
        """C_Login with the PIN (None: the PIN pad, or a key that needs no login: its session
        only). Never retried: a wrong PIN costs a try."""
        tokens.login(key.serial, pin).result(self.token_timeout)

    def sign_challenge(self, tokens: TokenSigner,
                       key: KeyChoice) -> tuple[str, models.AuthToken]:
        """A fresh nonce signed on the token thread for this platform's origin."""
        challenge = self.client.challenge()
        message = auth.challenge_message(self.client.origin, challenge.nonce)
        signature = tokens.sign(key.serial, key.cert_id, message, key.algorithm).result(
            self.token_timeout)
        token = models.AuthToken(**auth.build_auth_token(
            key.certificate.der, key.algorithm, signature, f"hy-client/{__version__}"))
        return challenge.nonce, token

    def ca_login(self, tokens: TokenSigner, key: KeyChoice, pin: str | None = None) -> LoginResult:
        """Unlock (when a PIN is given), challenge → sign → token-login, remember the session."""
        if pin is not None:
            self.unlock(tokens, key, pin)
            del pin
        nonce, token = self.sign_challenge(tokens, key)
        session = self.client.token_login(models.TokenLogin(nonce=nonce, auth_token=token))
        return self._remember(session, f"key ({key.algorithm}, {key.certificate.sha256[:16]})")

    def activate(self, tokens: TokenSigner, key: KeyChoice, user_type: models.UserType,
                 pin: str | None = None) -> models.Activation:
        """Remote activation: bind this certificate to the logged-in account with a user type."""
        if pin is not None:
            self.unlock(tokens, key, pin)
            del pin
        nonce, token = self.sign_challenge(tokens, key)
        body = models.ActivationRequest(nonce=nonce, auth_token=token, user_type=user_type)
        activation = self.client.activate(body, new_idempotency_key())
        log.info("certificate %s activated as %s", activation.cert_sha256[:16], user_type)
        return activation

    # --- 标证通 QR ---------------------------------------------------------------------------
    def qr_login(self, show: Callable[[models.QrCode], None], *, username: str,
                 cancel: CancelToken | None = None, max_codes: int = QR_MAX_CODES,
                 on_state: Callable[[models.QrStatus], None] | None = None) -> LoginResult:
        """Show a login code for ``username``, poll with backoff until confirmed; a new code on
        expiry. Only a phone bound to that account can approve it; ``on_state`` gets the
        scanned state with the account named, for the screen to show.

        QR_DENIED when refused on the phone; QR_EXPIRED after ``max_codes`` unused codes.
        """
        status = self._qr_flow("login", show, cancel, max_codes, on_state, username=username)
        if status.session is None:
            raise ApiError(errors.API_BAD_RESPONSE, "confirmed without a session")
        self.client.token = status.session.token
        return self._remember(status.session, "scan")

    def qr_bind(self, show: Callable[[models.QrCode], None], *,
                confirm: Callable[[models.QrStatus], bool],
                cancel: CancelToken | None = None, max_codes: int = QR_MAX_CODES,
                on_state: Callable[[models.QrStatus], None] | None = None) -> models.QrStatus:
        """Bind the 标证通 app to the logged-in account: the phone scans and proves its key,
        then ``confirm`` (the user, shown the phone's name and key fingerprint) accepts it."""
        return self._qr_flow("bind", show, cancel, max_codes, on_state, confirm=confirm)

    def _qr_flow(self, kind: models.QrKind, show: Callable[[models.QrCode], None],
                 cancel: CancelToken | None, max_codes: int,
                 on_state: Callable[[models.QrStatus], None] | None, *, username: str = "",
                 confirm: Callable[[models.QrStatus], bool] | None = None) -> models.QrStatus:
        for _ in range(max_codes):
            code = self.client.create_qr(kind, username)
            show(code)
            status = self._poll_qr(code, cancel, on_state)
            if status.state == "scanned" and confirm is not None:  # a bind awaiting the user
                status = self.client.confirm_qr(code.id, confirm(status))
                if on_state is not None:
                    on_state(status)
            if status.state == "confirmed":
                return status
            if status.state == "denied":
                raise errors.HyError(errors.QR_DENIED)
            log.info("QR code expired, showing a new one")
        raise errors.HyError(errors.QR_EXPIRED)

    def _poll_qr(self, code: models.QrCode, cancel: CancelToken | None,
                 on_state: Callable[[models.QrStatus], None] | None) -> models.QrStatus:
        delay, last = QR_POLL_FIRST, ""
        while True:
            if cancel is not None and cancel.cancelled:
                raise errors.UserCancelled()
            try:
                status = self.client.qr_status(code.id)
            except ApiError as exc:
                if exc.info is errors.QR_EXPIRED:
                    return models.QrStatus(id=code.id, kind=code.kind, state="expired",
                                           expires_at=code.expires_at)
                raise
            if status.state != last and on_state is not None:
                on_state(status)
            if status.state in ("confirmed", "denied", "expired") or (
                    status.state == "scanned" and code.kind == "bind"):
                return status
            if status.state != last:
                delay = QR_POLL_FIRST  # the phone scanned: answer quickly once it confirms
            last = status.state
            if cancel is not None:
                cancel.wait(delay)
            else:
                self._sleep(delay)
            delay = min(delay * 1.5, QR_POLL_MAX)


# --- whose session: (origin → account) beside the keyring, no secret in it -------------------
# Each note names its session by a digest of the token: a note the keyring's session does not
# match (its write failed after another login, another program's login) is never believed.
SESSION_ACCOUNTS_FILE = "session-accounts.json"


def _session_tag(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def _session_accounts() -> dict[str, Any]:
    try:
        data = json.loads((config.data_dir() / SESSION_ACCOUNTS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _noted_account(origin: str, token: str) -> models.Account | None:
    """The account noted for this session at login; None unless the note is this session's."""
    noted = _session_accounts().get(origin_key(origin))
    if not token or not isinstance(noted, dict) or noted.get("session") != _session_tag(token):
        return None
    with contextlib.suppress(ValueError, TypeError):
        return models.Account.model_validate(noted.get("account"))
    return None


def _note_session_account(origin: str, account: models.Account | None, token: str) -> None:
    data = _session_accounts()
    key = origin_key(origin)
    if account is None:
        if data.pop(key, None) is None:
            return
    else:
        data[key] = {"session": _session_tag(token), "account": account.model_dump(mode="json")}
    try:
        write_private(config.data_dir() / SESSION_ACCOUNTS_FILE,
                      json.dumps(data, ensure_ascii=False))
    except OSError as exc:  # only a hint: without it the account is asked of the platform
        log.info("session account not noted: %s", type(exc).__name__)
