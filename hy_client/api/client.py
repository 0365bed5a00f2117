"""PlatformClient: the one way the program talks HTTP to the trading platform.

Rules it enforces so callers need not: TLS is always verified (a profile may add a CA bundle),
plain http only to loopback, a timeout on every call, retries only where repeating is harmless
(GET/PUT/DELETE, and POSTs that carry an Idempotency-Key), every answer validated into
``models`` (anything else is an ApiError with a catalogue code, never a KeyError), and the
session token kept out of logs and error text.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar
from urllib.parse import quote, urlsplit

import requests
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from .. import __version__, config, errors
from ..net import DEFAULT_TIMEOUT, Timeout, VerifiedSession
from . import models
from .answers import ApiError, as_api_error, error_body, parse
from .upload import (
    UPLOAD_STALL,
    AttachmentFile,
    CancelToken,
    MultipartFileBody,
    Progress,
    UploadWatchdog,
    check_attachment,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
CLOCK_SKEW_LIMIT = timedelta(minutes=2)
RecordKind = Literal["qualifications", "personnel"]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts after the first and the backoff base (doubling: 0.3 s, 0.6 s, 1.2 s …)."""

    retries: int = 3
    backoff: float = 0.3
    max_sleep: float = 5.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after and retry_after.isdecimal():
            return min(float(retry_after), self.max_sleep)
        return min(self.backoff * (2 ** attempt), self.max_sleep)


def check_url(url: str) -> None:
    """https everywhere; http only on this computer (the sandbox). Else INSECURE_URL."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and config.is_loopback_host(parts.hostname):
        return
    raise errors.HyError(errors.INSECURE_URL, f"{parts.scheme}://{parts.hostname or ''}")


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def clock_skew_error(skew: timedelta | None,
                     limit: timedelta = CLOCK_SKEW_LIMIT) -> errors.HyError | None:
    """CLOCK_SKEW when our clock is off the platform's by more than ``limit``."""
    if skew is None or abs(skew) <= limit:
        return None
    seconds = int(skew.total_seconds())
    return errors.HyError(errors.CLOCK_SKEW, f"{seconds:+d} s", skew_seconds=seconds)


class PlatformClient:
    """Typed calls to the platform API over one ``requests.Session``.

    ``token`` is the session token (set by a login, or restored from the keyring);
    ``on_session_expired`` runs when the platform says the session is gone, so the caller can
    forget the stored token. ``clock_skew`` is ``server - local`` from the last health check.
    """

    def __init__(self, profile: config.PlatformProfile, *, timeout: Timeout = DEFAULT_TIMEOUT,
                 upload_stall: float = UPLOAD_STALL,
                 token: str | None = None, retry: RetryPolicy | None = None,
                 on_session_expired: Callable[[], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        check_url(profile.url)
        self.platform = profile
        self.base_url = profile.url.rstrip("/") + API_PREFIX
        self.origin = profile.origin
        self.timeout = timeout
        self.upload_stall = upload_stall
        self.retry = retry or RetryPolicy()
        self.on_session_expired = on_session_expired
        self.clock_skew: timedelta | None = None
        self._sleep = sleep
        self._token = token
        # TLS always verified with the profile's CA bundle (or the system's), whatever the
        # environment says; see hy_client.net.
        self.http = VerifiedSession(profile.ca_bundle, timeout)
        # The session's cookie jar keeps the platform's client cookie, to which it binds login
        # nonces and QR codes: one PlatformClient per sign-in, from challenge to login.
        self.http.headers.update({
            "User-Agent": f"hy-client/{__version__}", "Accept": "application/json"})

    @classmethod
    def from_settings(cls, settings: config.Settings, platform: str | None = None,
                      **kwargs: Any) -> PlatformClient:
        """``platform`` is ``--platform NAME|URL``; else HY_PLATFORM_URL, else the config's."""
        profile = settings.platform_named(platform) if platform else settings.active_platform
        kwargs.setdefault("timeout", settings.http_timeouts)
        kwargs.setdefault("upload_stall", settings.upload_stall_seconds)
        return cls(profile, **kwargs)

    # --- session token ------------------------------------------------------------------
    @property
    def token(self) -> str | None:
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        self._token = value

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport ----------------------------------------------------------------------
    def _send(self, method: str, path: str, *, json: Any = None, auth: bool = False,
              idempotency_key: str | None = None,
              body_factory: Callable[[], tuple[Any, dict[str, str]]] | None = None,
              headers: Mapping[str, str] | None = None,
              aborted: Callable[[], errors.HyError | None] | None = None,
              timeout: Timeout | None = None) -> requests.Response:
        """One logical request with retries where repeating is safe; network errors mapped.

        ``aborted`` says why the connection was cut from another thread (cancel, stall): that
        error is raised as is and never retried. A read timeout is not retried either: a
        platform that stayed silent that long is frozen, and waiting again only hides it.
        """
        url = self.base_url + path
        hdrs = dict(headers or {})
        if auth:
            if not self._token:
                raise ApiError(errors.NOT_LOGGED_IN)
            hdrs["Authorization"] = f"Bearer {self._token}"
        if idempotency_key:
            hdrs["Idempotency-Key"] = idempotency_key
        retryable = method in ("GET", "HEAD", "PUT", "DELETE") or bool(idempotency_key)
        attempt = 0
        while True:
            data = None
            if body_factory is not None:
                data, extra = body_factory()
                hdrs.update(extra)
            started = time.monotonic()
            try:
                resp = self.http.request(method, url, json=json, data=data, headers=hdrs,
                                         timeout=timeout or self.timeout,
                                         allow_redirects=False)
            except requests.exceptions.SSLError:
                raise ApiError(errors.TLS_ERROR, self.origin) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                why = aborted() if aborted is not None else None
                if why is not None:
                    raise why from None
                # A write without a key may have reached the server: repeating could duplicate it.
                if (not retryable or attempt >= self.retry.retries
                        or isinstance(exc, requests.exceptions.ReadTimeout)):
                    log.info("%s %s failed: %s", method, path, type(exc).__name__)
                    raise _network_error(exc) from None
                log.info("%s %s: %s, retry %d", method, path, type(exc).__name__, attempt + 1)
            except requests.exceptions.RequestException as exc:
                raise ApiError(errors.NETWORK_UNREACHABLE, type(exc).__name__) from None
            else:
                log.debug("%s %s → %d in %.0f ms", method, path, resp.status_code,
                          (time.monotonic() - started) * 1000)
                if (resp.status_code not in RETRY_STATUSES or not retryable
                        or attempt >= self.retry.retries):
                    return resp
                log.info("%s %s → %d, retry %d", method, path, resp.status_code, attempt + 1)
                retry_after = resp.headers.get("Retry-After")
                resp.close()
                self._sleep(self.retry.delay(attempt, retry_after))
                attempt += 1
                continue
            self._sleep(self.retry.delay(attempt))
            attempt += 1

    def _call(self, method: str, path: str, answer: Any, *, auth: bool = True,
              expect: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        resp = self._send(method, path, auth=auth, **kwargs)
        try:
            if resp.status_code in expect:
                return parse(resp, answer) if answer is not None else None
            raise self._error(resp, had_token=auth)
        finally:
            resp.close()

    def _error(self, resp: requests.Response, *, had_token: bool) -> ApiError:
        status = resp.status_code
        detail = f"HTTP {status}"
        body = error_body(resp)
        if body is None:
            info = {404: errors.NOT_FOUND, 429: errors.RATE_LIMITED}.get(status)
            if info is None:
                info = errors.SERVER_ERROR if status >= 500 else errors.API_BAD_RESPONSE
            if status == 401 and had_token:
                info = errors.SESSION_EXPIRED
            if 300 <= status < 400:
                info = errors.API_INCOMPATIBLE  # an API does not redirect; a website does
        else:
            info = errors.lookup(body.code)
            if info is errors.API_BAD_RESPONSE and body.code != errors.API_BAD_RESPONSE.code:
                detail += f", code {body.code[:16]}"
            if had_token and info in (errors.NOT_LOGGED_IN, errors.SESSION_EXPIRED):
                info = errors.SESSION_EXPIRED
            if info is errors.VALIDATION_FAILED and body.fields:
                err = errors.ValidationError(body.fields)
                return as_api_error(err, status)
        if info is errors.SESSION_EXPIRED:
            self._token = None
            if self.on_session_expired is not None:
                self.on_session_expired()
        return ApiError(info, detail, status=status)

    # --- health and reference data ------------------------------------------------------
    def health(self) -> models.Health:
        """The contract check: a server without ``/health`` (or another API) is not a platform."""
        sent = datetime.now(UTC)
        resp = self._send("GET", "/health")
        received = datetime.now(UTC)
        try:
            if resp.status_code != 200:
                raise ApiError(errors.API_INCOMPATIBLE, f"HTTP {resp.status_code}",
                               status=resp.status_code)
            try:
                health = parse(resp, models.Health)
            except ApiError as exc:
                raise ApiError(errors.API_INCOMPATIBLE, exc.detail, status=200) from None
        finally:
            resp.close()
        if health.api != models.API_VERSION:
            raise ApiError(errors.API_INCOMPATIBLE, f"api {health.api[:32]}", status=200)
        server_time = health.server_time
        if server_time.tzinfo is None:
            server_time = server_time.replace(tzinfo=UTC)
        self.clock_skew = server_time - (sent + (received - sent) / 2)
        return health

    def reference(self) -> models.ReferenceLists:
        return self._call("GET", "/reference", models.ReferenceLists, auth=False)

    # --- accounts and sessions ----------------------------------------------------------
    def register(self, registration: models.Registration,
                 idempotency_key: str | None = None) -> models.Account:
        return self._call("POST", "/accounts/register", models.Account, auth=False,
                          json=_dump(registration),
                          idempotency_key=idempotency_key or new_idempotency_key())

    def login(self, username: str, password: str) -> models.Session:
        """Password login; the returned token becomes this client's session."""
        body = _secret_body(models.PasswordLogin, username=username, password=password)
        session: models.Session = self._call("POST", "/auth/login", models.Session, auth=False,
                                             json=_dump(body))
        self._token = session.token
        return session

    def logout(self) -> None:
        """Ends the session on the platform (an already-expired one is fine) and forgets it."""
        if not self._token:
            return
        try:
            self._call("POST", "/auth/logout", None, expect=(200, 204))
        except ApiError as exc:
            if exc.info is not errors.SESSION_EXPIRED:
                raise
        finally:
            self._token = None

    def change_password(self, old_password: str, new_password: str) -> None:
        body = _secret_body(models.PasswordChange, old_password=old_password,
                            new_password=new_password)
        self._call("POST", "/auth/password", None, json=_dump(body), expect=(200, 204))

    def me(self) -> models.Account:
        return self._call("GET", "/me", models.Account)

    # --- hy-auth:1 ----------------------------------------------------------------------
    def challenge(self) -> models.Challenge:
        return self._call("POST", "/auth/challenge", models.Challenge, auth=False)

    def token_login(self, body: models.TokenLogin) -> models.Session:
        session: models.Session = self._call("POST", "/auth/token-login", models.Session,
                                             auth=False, json=_dump(body))
        self._token = session.token
        return session

    def activations(self) -> list[models.Activation]:
        return self._call("GET", "/activations", list[models.Activation])

    def activate(self, body: models.ActivationRequest,
                 idempotency_key: str | None = None) -> models.Activation:
        return self._call("POST", "/activations", models.Activation, json=_dump(body),
                          idempotency_key=idempotency_key or new_idempotency_key())

    def delete_activation(self, activation_id: int) -> None:
        self._call("DELETE", f"/activations/{int(activation_id)}", None, expect=(200, 204))

    # --- certificate renewal --------------------------------------------------------------
    def request_renewal(self, body: models.RenewalRequest,
                        idempotency_key: str | None = None) -> models.Renewal:
        return self._call("POST", "/renewals", models.Renewal, json=_dump(body),
                          idempotency_key=idempotency_key or new_idempotency_key())

    def renewal(self, renewal_id: int) -> models.Renewal:
        return self._call("GET", f"/renewals/{int(renewal_id)}", models.Renewal)

    def activate_renewal(self, renewal_id: int,
                         body: models.RenewalActivation) -> models.Activation:
        """Move the activation to the renewed certificate (repeating it is harmless)."""
        return self._call("POST", f"/renewals/{int(renewal_id)}/activate", models.Activation,
                          json=_dump(body), idempotency_key=new_idempotency_key())

    # --- 标证通 app --------------------------------------------------------------------------
    def create_qr(self, kind: models.QrKind, username: str = "") -> models.QrCode:
        """A bind code (needs the session) or a login code for ``username``."""
        return self._call("POST", "/app/qr", models.QrCode, auth=kind == "bind",
                          json={"kind": kind, "username": username})

    def confirm_qr(self, qr_id: str, approve: bool) -> models.QrStatus:
        """Accept (or refuse) the phone a bind code shows as scanned."""
        return self._call("POST", f"/app/qr/{quote(qr_id, safe='')}/confirm", models.QrStatus,
                          json={"approve": approve})

    def qr_status(self, qr_id: str) -> models.QrStatus:
        return self._call("GET", f"/app/qr/{quote(qr_id, safe='')}", models.QrStatus,
                          auth=False)

    def devices(self) -> list[models.Device]:
        return self._call("GET", "/app/devices", list[models.Device])

    def delete_device(self, device_id: str) -> None:
        self._call("DELETE", f"/app/devices/{quote(device_id, safe='')}", None,
                   expect=(200, 204))

    # --- records ----------------------------------------------------------------------------
    def profile(self) -> models.Record:
        return self._call("GET", "/profile", models.Record)

    def save_profile(self, body: models.RecordWrite) -> models.Record:
        return self._call("PUT", "/profile", models.Record, json=_dump(body))

    def submit_profile(self, idempotency_key: str) -> models.Record:
        return self._call("POST", "/profile/submit", models.Record,
                          idempotency_key=idempotency_key)

    def records(self, kind: RecordKind) -> list[models.Record]:
        return self._call("GET", f"/{_kind(kind)}", list[models.Record])

    def record(self, kind: RecordKind, record_id: int) -> models.Record:
        return self._call("GET", f"/{_kind(kind)}/{int(record_id)}", models.Record)

    def create_record(self, kind: RecordKind, body: models.RecordWrite,
                      idempotency_key: str) -> models.Record:
        return self._call("POST", f"/{_kind(kind)}", models.Record, json=_dump(body),
                          idempotency_key=idempotency_key)

    def update_record(self, kind: RecordKind, record_id: int,
                      body: models.RecordWrite) -> models.Record:
        return self._call("PUT", f"/{_kind(kind)}/{int(record_id)}", models.Record,
                          json=_dump(body))

    def delete_record(self, kind: RecordKind, record_id: int) -> None:
        self._call("DELETE", f"/{_kind(kind)}/{int(record_id)}", None, expect=(200, 204))

    def submit_record(self, kind: RecordKind, record_id: int,
                      idempotency_key: str) -> models.Record:
        return self._call("POST", f"/{_kind(kind)}/{int(record_id)}/submit", models.Record,
                          idempotency_key=idempotency_key)

    # --- attachments and bids -----------------------------------------------------------
    def upload_attachment(self, path: str | AttachmentFile, *, idempotency_key: str | None = None,
                          progress: Progress | None = None,
                          cancel: CancelToken | None = None) -> models.Attachment:
        """Checked, streamed, then verified: the platform's SHA-256 must equal what we sent."""
        checked = path if isinstance(path, AttachmentFile) else check_attachment(path)
        bodies: list[MultipartFileBody] = []
        watchdog = UploadWatchdog(self.upload_stall, cancel)

        def body() -> tuple[MultipartFileBody, dict[str, str]]:
            # A fresh body (and boundary) for each attempt: a retry re-reads the file.
            bodies.append(MultipartFileBody(checked, progress=watchdog.progress(progress),
                                            cancel=cancel))
            return bodies[-1], {"Content-Type": bodies[-1].content_type}

        try:
            with watchdog:
                resp = self._send("POST", "/attachments", auth=True, body_factory=body,
                                  idempotency_key=idempotency_key or new_idempotency_key(),
                                  aborted=watchdog.reason, timeout=self._upload_timeout())
            try:
                if resp.status_code not in (200, 201):
                    raise self._error(resp, had_token=True)
                attachment: models.Attachment = parse(resp, models.Attachment)
            finally:
                resp.close()
        finally:
            for b in bodies:
                b.close()
        if attachment.sha256.lower() != bodies[-1].sha256 or attachment.size != checked.size:
            raise ApiError(errors.ATTACHMENT_HASH_MISMATCH, attachment.id[:64])
        return attachment

    def _upload_timeout(self) -> tuple[float, float]:
        """urllib3 sends a request body under the *connect* timeout: for an upload that must be
        the stall bound (and a little more, so the watchdog, which says why, acts first)."""
        connect, read = self.timeout if isinstance(self.timeout, tuple) else (
            self.timeout, self.timeout)
        return (max(connect, self.upload_stall + 1.0), read)

    def attachment(self, attachment_id: str) -> models.Attachment:
        return self._call("GET", f"/attachments/{quote(attachment_id, safe='')}",
                          models.Attachment)

    def attachment_content(self, attachment: models.Attachment) -> bytes:
        """The file's bytes, checked against the size and SHA-256 the platform listed."""
        resp = self._send("GET", f"/attachments/{quote(attachment.id, safe='')}/content",
                          auth=True)
        try:
            if resp.status_code != 200:
                raise self._error(resp, had_token=True)
            content = resp.content
        finally:
            resp.close()
        if (len(content) != attachment.size
                or hashlib.sha256(content).hexdigest() != attachment.sha256.lower()):
            raise ApiError(errors.ATTACHMENT_HASH_MISMATCH, attachment.id[:64])
        return content

    def bids(self) -> list[models.Bid]:
        return self._call("GET", "/bids", list[models.Bid])


# --- helpers ----------------------------------------------------------------------------------
def _kind(kind: str) -> str:
    if kind not in ("qualifications", "personnel"):
        raise ValueError(f"unknown record kind {kind!r}")
    return kind


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _secret_body(model: type[M], **fields: str) -> M:
    """A body holding a password: pydantic's error text quotes the input, so it never leaves."""
    try:
        return model(**fields)
    except PydanticValidationError:
        raise errors.HyError(errors.VALIDATION_FAILED, "length") from None


def _network_error(exc: Exception) -> ApiError:
    if isinstance(exc, requests.exceptions.Timeout):
        return ApiError(errors.NETWORK_TIMEOUT, type(exc).__name__)
    return ApiError(errors.NETWORK_UNREACHABLE, type(exc).__name__)


