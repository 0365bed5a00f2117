"""The platform API's data shapes: one definition for the client and the sandbox server.

Form content (profile, qualification, personnel) travels as ``data: dict[str, str]`` keyed by
the field spec in ``hy_client.forms``: the spec, not this module, says which fields exist and
how they validate, so a field added to a spec needs no change here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

API_VERSION = "hy-platform:1"

AccountKind = Literal["unit", "person"]
UserType = Literal["bidder", "agency"]
ReviewStatus = Literal["draft", "submitted", "approved", "rejected"]
Algorithm = Literal["RS256", "PS256", "ES256", "ES384", "SM2-SM3"]
QrKind = Literal["bind", "login"]
QrState = Literal["pending", "scanned", "confirmed", "denied", "expired"]


class Model(BaseModel):
    # Unknown keys from a newer server are ignored; a missing or mistyped key is an error.
    # Error texts never quote the input: it may be a password or a session token.
    model_config = ConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)


class FieldProblem(Model):
    """One invalid field in a 422 F101 answer (``errors.FieldError`` on the wire)."""

    field: str
    message: str


class ErrorDetail(Model):
    code: str
    message: str
    fields: list[FieldProblem] = Field(default_factory=list)  # F101 only


class ErrorBody(Model):
    error: ErrorDetail


class Health(Model):
    status: Literal["ok"]
    api: str
    version: str
    server_time: datetime


# --- accounts and sessions ----------------------------------------------------------------
class Registration(Model):
    """Registration on the unified platform; ``data`` follows the registration_unit/person spec."""

    kind: AccountKind
    username: str = Field(min_length=2, max_length=64)  # see hy_client/usernames.py
    password: str = Field(min_length=1, max_length=256, repr=False)
    data: dict[str, str]
    user_type: UserType = "bidder"  # 代理机构 register as "agency" (their profile is reviewed)


class Account(Model):
    id: int
    username: str
    kind: AccountKind
    user_type: UserType
    display_name: str


class PasswordLogin(Model):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256, repr=False)


class PasswordChange(Model):
    old_password: str = Field(max_length=256, repr=False)
    new_password: str = Field(max_length=256, repr=False)


class Session(Model):
    token: str = Field(repr=False)
    expires_at: datetime
    account: Account


# --- hy-auth:1 challenge login and activation ---------------------------------------------
class Challenge(Model):
    nonce: str
    expires_at: datetime


class AuthToken(Model):
    format: str = Field(max_length=32)
    certificate: str = Field(max_length=16384)  # base64 DER
    algorithm: str = Field(max_length=16)
    signature: str = Field(max_length=2048)  # base64; ECDSA raw r||s
    app_version: str = Field(default="", max_length=64)


class TokenLogin(Model):
    nonce: str = Field(max_length=128)
    auth_token: AuthToken


class ActivationRequest(Model):
    """Remote activation: proof of possession over a fresh challenge, plus the user type."""

    nonce: str = Field(max_length=128)
    auth_token: AuthToken
    user_type: UserType


class Activation(Model):
    id: int
    cert_sha256: str
    subject_cn: str
    organization: str = ""
    not_after: datetime
    user_type: UserType
    created_at: datetime


# --- certificate renewal (在线延期) ---------------------------------------------------------
RenewalState = Literal["pending", "issued", "rejected", "activated"]


class RenewalRequest(Model):
    """A PKCS#10 CSR signed by the new key, and proof of the current certificate: an AuthToken
    whose signature covers ``auth.renewal_message(origin, nonce, csr)``."""

    nonce: str = Field(max_length=128)
    auth_token: AuthToken
    csr: str = Field(max_length=16384)  # base64 DER


class Renewal(Model):
    """A renewal as the platform keeps it; ``certificate`` and ``chain`` once issued."""

    id: int
    state: RenewalState
    old_cert_sha256: str
    csr_sha256: str
    certificate: str = ""  # base64 DER of the new certificate
    chain: list[str] = Field(default_factory=list)  # base64 DER: issuing CA, then root
    cert_sha256: str = ""
    not_after: datetime | None = None
    reject_reason: str = ""
    created_at: datetime


class RenewalActivation(Model):
    """Move the activation to the new certificate: a fresh challenge signed by the new key."""

    nonce: str = Field(max_length=128)
    auth_token: AuthToken


# --- 标证通 app -------------------------------------------------------------------------
class QrRequest(Model):
    """Ask for a QR code: ``bind`` (needs a session) or ``login`` for ``username`` (only a
    phone bound to that account can approve it: no login into someone else's account)."""

    kind: QrKind
    username: str = Field(default="", max_length=64)


class QrCode(Model):
    id: str
    kind: QrKind
    payload: str  # what the QR code encodes
    expires_at: datetime


class QrStatus(Model):
    id: str
    kind: QrKind
    state: QrState
    expires_at: datetime
    session: Session | None = None  # set once a login QR is confirmed
    device_name: str = ""
    device_fingerprint: str = ""  # bind: the phone key's SHA-256, as the app shows it
    account: str = ""  # once scanned: the username the code logs into or binds to


class QrConfirm(Model):
    """The desktop's answer to a scanned bind code, after checking the phone shown."""

    approve: bool


class AppBindComplete(Model):
    """The app's side of binding: its device public key (base64 DER SubjectPublicKeyInfo) and
    its ES256 signature over ``payload|bind|key|name`` (proof that it holds the key)."""

    payload: str = Field(max_length=1024)
    device_public_key: str = Field(max_length=4096)
    device_name: str = Field(default="", max_length=64)
    signature: str = Field(max_length=2048)


class AppScan(Model):
    """A scan, signed by the bound device over ``payload|scan|device_id``."""

    payload: str = Field(max_length=1024)
    device_id: str = Field(max_length=128)
    signature: str = Field(max_length=2048)


class AppDecision(Model):
    """The app approves or denies; the signature covers ``payload|approve|deny``."""

    payload: str = Field(max_length=1024)
    device_id: str = Field(max_length=128)
    approve: bool
    signature: str = Field(max_length=2048)  # base64 ES256 raw r||s


class Device(Model):
    id: str
    name: str
    created_at: datetime


# --- records under review ---------------------------------------------------------------
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# The accepted types, recognised by their first bytes (a renamed .exe is not a PDF): the client
# checks before sending and the platform checks again, with this one table.
ATTACHMENT_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_content_type(head: bytes) -> str | None:
    """The accepted type whose signature ``head`` starts with, else None."""
    return next((ctype for magic, ctype in ATTACHMENT_MAGIC if head.startswith(magic)), None)


class Attachment(Model):
    id: str
    filename: str
    content_type: Literal["application/pdf", "image/jpeg", "image/png"]
    size: int
    sha256: str
    created_at: datetime


class RecordWrite(Model):
    """Create/update body for a profile, qualification or personnel record."""

    data: dict[str, str]
    attachments: list[str] = Field(default_factory=list, max_length=50)


class Record(Model):
    id: int
    spec: str  # the forms spec name: profile_unit, profile_person, qualification, personnel
    status: ReviewStatus
    data: dict[str, str]
    attachments: list[Attachment] = Field(default_factory=list)
    reject_reason: str = ""
    updated_at: datetime
    submitted_at: datetime | None = None


class ReviewDecision(Model):
    reason: str = Field(default="", max_length=500)


class ReviewItem(Model):
    """A record waiting for the market-entity section, as the reviewers' list shows it."""

    kind: Literal["profile", "qualification", "personnel"]
    id: int
    account: str
    status: ReviewStatus
    submitted_at: datetime | None


# --- bids and reference lists -------------------------------------------------------------
class Bid(Model):
    id: int
    project_code: str
    project_name: str
    documents_downloaded_at: datetime | None
    bid_deadline: datetime
    bid_opening: datetime
    cert_sha256: str = ""  # the certificate the bid was encrypted to, when known


class Option(Model):
    code: str
    name: str


class ReferenceLists(Model):
    qualification_types: list[Option]
    qualification_grades: list[Option]
    personnel_titles: list[Option]
    personnel_cert_kinds: list[Option]
