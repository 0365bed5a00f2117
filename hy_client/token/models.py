"""What the token layer tells the rest of the program: plain frozen dataclasses, no pkcs11 objects.

Each has ``to_json()`` giving the shape of ``hy-client token list --json``; extra keys may be
added, the documented ones keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ..errors import SM2_MECHANISM_UNKNOWN, ErrorInfo

CertStatus = Literal["valid", "expiring", "expired", "not_yet_valid", "invalid"]
Algorithm = Literal["RS256", "PS256", "ES256", "ES384", "SM2-SM3"]
ALGORITHMS: tuple[Algorithm, ...] = ("RS256", "PS256", "ES256", "ES384", "SM2-SM3")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _error_json(info: ErrorInfo | None, detail: str = "") -> dict[str, str] | None:
    if info is None:
        return None
    return {"code": info.code, "message": info.zh, "message_en": info.en, "detail": detail}


@dataclass(frozen=True)
class CertificateInfo:
    """One X.509 certificate as read from a token (or parsed from raw DER).

    ``has_private_key`` is None when it cannot be known yet: private keys are usually private
    objects, invisible until the PIN is entered; after login the service fills it in.
    """

    id: str  # CKA_ID, hex
    label: str
    subject: str
    subject_cn: str
    organization: str
    uscc: str | None  # the 统一社会信用代码 from the subject, only if its check character is right
    issuer: str
    serial: str  # hex, as CAs print it
    not_before: datetime | None
    not_after: datetime | None
    days_left: int | None
    status: CertStatus
    key_algorithm: str  # RSA-2048, EC-P256, EC-P384, SM2, …
    key_usage: list[str]
    sha256: str
    has_private_key: bool | None
    error: ErrorInfo | None = None
    error_detail: str = ""
    uscc_invalid: str | None = None  # a code-shaped string whose check character is wrong
    der: bytes = field(default=b"", repr=False)
    # SM2 keys only: does the driver catalogue describe this module's SM2 sign mechanism (and
    # does the token offer it)? None for other keys, or before a token was read.
    sm2_mechanism_known: bool | None = None

    @property
    def key_kind(self) -> str:
        """``RSA``, ``EC``, ``SM2`` or ``""``."""
        return self.key_algorithm.split("-", 1)[0]

    @property
    def usable_for_login(self) -> bool:
        """A key we can sign with here: a private key (or not yet known) and RSA, EC, or SM2
        through a vendor mechanism the driver catalogue describes."""
        return (self.error is None and self.has_private_key is not False
                and (self.key_kind in ("RSA", "EC")
                     or (self.key_kind == "SM2" and self.sm2_mechanism_known is True)))

    @property
    def warning(self) -> tuple[ErrorInfo, str] | None:
        """What a surface shows beside a key it cannot use although the key itself is fine."""
        if self.error is None and self.key_kind == "SM2" and self.sm2_mechanism_known is False:
            return SM2_MECHANISM_UNKNOWN, ""
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "subject": self.subject,
            "subject_cn": self.subject_cn, "organization": self.organization, "uscc": self.uscc,
            "issuer": self.issuer, "serial": self.serial, "not_before": _iso(self.not_before),
            "not_after": _iso(self.not_after), "days_left": self.days_left, "status": self.status,
            "key_algorithm": self.key_algorithm, "key_usage": list(self.key_usage),
            "sha256": self.sha256, "has_private_key": self.has_private_key,
            "error": _error_json(self.error, self.error_detail),
            "uscc_invalid": self.uscc_invalid, "usable_for_login": self.usable_for_login,
            "sm2_mechanism_known": self.sm2_mechanism_known,
            "warning": _error_json(*self.warning) if self.warning else None,
        }


@dataclass(frozen=True)
class TokenFlags:
    """The PIN-related token flags, read afresh (a pkcs11 Token's flags are a snapshot)."""

    login_required: bool = True
    protected_auth_path: bool = False
    user_pin_count_low: bool = False
    user_pin_final_try: bool = False
    user_pin_locked: bool = False
    user_pin_to_be_changed: bool = False
    token_initialized: bool = True

    def to_json(self) -> dict[str, bool]:
        return {
            "login_required": self.login_required,
            "protected_auth_path": self.protected_auth_path,
            "user_pin_count_low": self.user_pin_count_low,
            "user_pin_final_try": self.user_pin_final_try,
            "user_pin_locked": self.user_pin_locked,
            "user_pin_to_be_changed": self.user_pin_to_be_changed,
            "token_initialized": self.token_initialized,
        }


@dataclass(frozen=True)
class TokenInfo:
    label: str
    manufacturer: str
    model: str
    serial: str
    flags: TokenFlags
    certificates: list[CertificateInfo]
    mechanisms: list[str]  # names of the signing mechanisms the token offers
    logged_in: bool = False
    keys_without_certificate: list[str] = field(default_factory=list)  # CKA_IDs, hex

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label, "manufacturer": self.manufacturer, "model": self.model,
            "serial": self.serial, "flags": self.flags.to_json(),
            "certificates": [c.to_json() for c in self.certificates],
            "mechanisms": list(self.mechanisms), "logged_in": self.logged_in,
            "keys_without_certificate": list(self.keys_without_certificate),
        }


@dataclass(frozen=True)
class SlotInfo:
    slot_id: int
    description: str
    token: TokenInfo | None  # None: empty slot or an uninitialised token

    def to_json(self) -> dict[str, Any]:
        return {"slot_id": self.slot_id, "description": self.description,
                "token": self.token.to_json() if self.token else None}


@dataclass(frozen=True)
class ModuleInfo:
    path: str
    manufacturer: str
    library_version: str
    cryptoki_version: str
    error: ErrorInfo | None
    error_detail: str
    slots: list[SlotInfo]

    @property
    def tokens(self) -> list[TokenInfo]:
        return [s.token for s in self.slots if s.token is not None]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "manufacturer": self.manufacturer,
            "library_version": self.library_version, "cryptoki_version": self.cryptoki_version,
            "error": _error_json(self.error, self.error_detail),
            "slots": [s.to_json() for s in self.slots],
        }


def modules_json(modules: list[ModuleInfo]) -> dict[str, Any]:
    """The whole ``token list --json`` document."""
    return {"modules": [m.to_json() for m in modules]}


def all_tokens(modules: list[ModuleInfo]) -> list[TokenInfo]:
    return [t for m in modules for t in m.tokens]


@dataclass(frozen=True)
class TokenEvent:
    """A token appeared or went away (hot-plug), identified by its serial."""

    kind: Literal["inserted", "removed"]
    serial: str
    label: str = ""
    module: str = ""


@dataclass(frozen=True)
class SelfTestResult:
    """The key check: sign and verify; for RSA also decrypt on the token (can it open a bid?)."""

    serial: str
    cert_id: str
    algorithm: str
    signature_ok: bool
    decrypt_ok: bool | None  # None: not applicable (EC keys, SM2 without a decrypt mechanism)
    error: ErrorInfo | None = None
    detail: str = ""
    note: ErrorInfo | None = None  # what was not checked, e.g. a driver without SM2 decryption

    @property
    def ok(self) -> bool:
        return self.signature_ok and self.decrypt_ok is not False and self.error is None

    def to_json(self) -> dict[str, Any]:
        return {"serial": self.serial, "cert_id": self.cert_id, "algorithm": self.algorithm,
                "signature_ok": self.signature_ok, "decrypt_ok": self.decrypt_ok, "ok": self.ok,
                "error": _error_json(self.error, self.detail),
                "note": _error_json(self.note)}
