"""The signed driver catalogue (TUF-lite): verify, then parse, then refuse rollbacks.

The signature is checked over the exact bytes before any JSON is parsed, so a tampered file
never reaches the parser. ``version`` only goes up: the highest version ever accepted is kept
(see ``store``) and anything older is refused (rollback); a different catalogue under the
version already held is refused too (mix-and-match). An expired catalogue is refused with
"目录已过期" and how to update (freeze): the attacks are TUF's.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import errors
from ..config import is_loopback_host
from ..sm2_conventions import Sm2Convention, parse_convention

FORMAT = "hy-driver-catalogue:1"
MAX_CATALOGUE_BYTES = 1 << 20
SIGNATURE_BYTES = 64

# Pinned keys trusted in addition to Settings.catalogue_keys. The first signs the bundled
# catalogue in drivers/; its private key is kept offline, never in the repository.
DEFAULT_CATALOGUE_KEYS: tuple[str, ...] = (
    "4b38a4e844890e6eb173aa407d460c575cf18b3f9eeb64ecbf67efb97fc11162",
)

InstallKind = Literal["windows-installer", "archive"]
INSTALL_KINDS: tuple[str, ...] = ("windows-installer", "archive")
_USB_ID = re.compile(r"^[0-9a-f]{4}:[0-9a-f]{4}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DRIVER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Vendor:
    zh: str
    en: str


@dataclass(frozen=True)
class TokenHints:
    """How a plugged-in key is recognised: USB ids and the strings PKCS#11 reports."""

    usb: tuple[str, ...] = ()  # "vid:pid", lower-case hex
    manufacturer: tuple[str, ...] = ()
    model: tuple[str, ...] = ()


@dataclass(frozen=True)
class DriverEntry:
    id: str
    vendor: Vendor
    token_hints: TokenHints
    os: tuple[str, ...]  # "linux", "windows"
    arch: tuple[str, ...]  # "x86_64", "x86", "arm64"
    # per OS; a relative path is inside the unpacked archive (Windows: a bare name, System32)
    modules: Mapping[str, tuple[str, ...]] = field(hash=False)
    version: str
    url: str = ""  # empty: not downloadable from us (hints and known paths only)
    size: int = 0
    sha256: str = ""
    install: InstallKind | None = None
    sm2: Sm2Convention | None = None  # the module's vendor SM2 mechanisms (docs/sm2.md)

    @property
    def downloadable(self) -> bool:
        return bool(self.url)

    def modules_for(self, os_name: str) -> tuple[str, ...]:
        return self.modules.get(os_name, ())


@dataclass(frozen=True)
class Catalogue:
    version: int
    expires: datetime
    drivers: tuple[DriverEntry, ...]
    source: str = ""  # "bundled", "cache", "network"
    # the newer cached copy expired and was refused: this is the bundled fallback, and the
    # catalogue needs an update just the same
    cache_expired: bool = False

    def out_of_date(self, now: datetime | None = None) -> bool:
        return self.cache_expired or (now or datetime.now(UTC)) >= self.expires

    def get(self, driver_id: str) -> DriverEntry:
        for entry in self.drivers:
            if entry.id == driver_id:
                return entry
        raise errors.HyError(errors.DRIVER_UNKNOWN, driver_id)


# --- signing and verifying -----------------------------------------------------------------

def public_key_hex(private_key: Ed25519PrivateKey) -> str:
    return private_key.public_key().public_bytes_raw().hex()


def sign_catalogue(data: Mapping[str, Any] | bytes,
                   private_key: Ed25519PrivateKey) -> tuple[bytes, bytes]:
    """The catalogue bytes and their detached signature (64 raw bytes).

    A mapping is serialised canonically (sorted keys, UTF-8) so re-signing is reproducible.
    """
    if isinstance(data, bytes):
        body = data
    else:
        body = (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    return body, private_key.sign(body)


def _public_keys(keys_hex: Iterable[str]) -> list[Ed25519PublicKey]:
    out = []
    for text in keys_hex:
        try:
            out.append(Ed25519PublicKey.from_public_bytes(bytes.fromhex(text.strip())))
        except ValueError:
            continue  # a mistyped key in the config trusts nothing rather than failing all
    return out


def verify_signature(body: bytes, signature: bytes, keys_hex: Iterable[str]) -> None:
    """Raise CATALOGUE_SIGNATURE unless one pinned key signed exactly these bytes."""
    if len(body) > MAX_CATALOGUE_BYTES:
        raise errors.HyError(errors.CATALOGUE_MALFORMED, f"larger than {MAX_CATALOGUE_BYTES}")
    if len(signature) != SIGNATURE_BYTES:
        raise errors.HyError(errors.CATALOGUE_SIGNATURE, "signature length")
    for key in _public_keys(keys_hex):
        try:
            key.verify(signature, body)
            return
        except InvalidSignature:
            continue
    raise errors.HyError(errors.CATALOGUE_SIGNATURE)


def load_catalogue(body: bytes, signature: bytes, keys_hex: Iterable[str], *,
                   min_version: int = 0, source: str = "", now: datetime | None = None,
                   same_version_sha256: str = "") -> Catalogue:
    """Verify, parse, then refuse a rollback, a replaced same-version copy and an expired one;
    the only way bytes become a Catalogue.

    ``same_version_sha256``: the SHA-256 of the copy accepted at ``min_version`` (if known)."""
    verify_signature(body, signature, keys_hex)
    catalogue = parse_catalogue(body, source=source)
    if catalogue.version < min_version:
        raise errors.HyError(errors.CATALOGUE_ROLLBACK,
                             f"{catalogue.version} < {min_version}")
    if (catalogue.version == min_version and same_version_sha256
            and hashlib.sha256(body).hexdigest() != same_version_sha256):
        raise errors.HyError(errors.CATALOGUE_REPLAYED, f"version {catalogue.version}")
    if catalogue.out_of_date(now):
        raise errors.HyError(errors.CATALOGUE_EXPIRED,
                             f"version {catalogue.version}, {catalogue.expires:%Y-%m-%d}")
    return catalogue


# --- URL policy ----------------------------------------------------------------------------

def check_download_url(url: str) -> str:
    """https only; plain http only to a loopback host (the sandbox). D112 otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and is_loopback_host(parts.hostname):
        return url
    raise errors.HyError(errors.URL_NOT_ALLOWED, f"{parts.scheme}://{parts.hostname or ''}")


# --- parsing (after the signature check) ---------------------------------------------------

def _bad(where: str) -> errors.HyError:
    return errors.HyError(errors.CATALOGUE_MALFORMED, where)


def _str(obj: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = obj.get(key, default)
    if not isinstance(value, str):
        raise _bad(f"{where}.{key}")
    return value


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(where)
    return tuple(value)


def _timestamp(text: str, where: str) -> datetime:
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(where) from None
    if stamp.tzinfo is None:
        raise _bad(where)
    return stamp.astimezone(UTC)


def _module_paths(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise _bad(where)
    out = {}
    for os_name, paths in value.items():
        items = _strs(paths, f"{where}.{os_name}")
        for path in items:
            if not path or ".." in re.split(r"[\\/]", path):
                raise _bad(f"{where}.{os_name}")
        out[str(os_name)] = items
    return out


def _entry(raw: Any, index: int) -> DriverEntry:
    where = f"drivers[{index}]"
    if not isinstance(raw, dict):
        raise _bad(where)
    driver_id = _str(raw, "id", where)
    if not _DRIVER_ID.match(driver_id):
        raise _bad(f"{where}.id")
    vendor = raw.get("vendor")
    if not isinstance(vendor, dict):
        raise _bad(f"{where}.vendor")
    hints = raw.get("token_hints", {})
    if not isinstance(hints, dict):
        raise _bad(f"{where}.token_hints")
    usb = tuple(v.lower() for v in _strs(hints.get("usb"), f"{where}.token_hints.usb"))
    if not all(_USB_ID.match(v) for v in usb):
        raise _bad(f"{where}.token_hints.usb")
    url = _str(raw, "url", where, "")
    size, sha256 = raw.get("size", 0), _str(raw, "sha256", where, "").lower()
    install = raw.get("install")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _bad(f"{where}.size")
    if install is not None and install not in INSTALL_KINDS:
        raise _bad(f"{where}.install")
    if url:
        check_download_url(url)
        if size <= 0 or not _SHA256.match(sha256) or install is None:
            raise _bad(f"{where}: a download needs size, sha256 and install")
    sm2 = None
    if raw.get("sm2") is not None:
        try:
            sm2 = parse_convention(raw["sm2"], f"{where}.sm2")
        except ValueError as exc:
            raise _bad(str(exc)) from None
    return DriverEntry(
        id=driver_id,
        vendor=Vendor(_str(vendor, "zh", f"{where}.vendor"), _str(vendor, "en", f"{where}.vendor")),
        token_hints=TokenHints(
            usb=usb,
            manufacturer=_strs(hints.get("manufacturer"), f"{where}.token_hints.manufacturer"),
            model=_strs(hints.get("model"), f"{where}.token_hints.model")),
        os=_strs(raw.get("os"), f"{where}.os"),
        arch=_strs(raw.get("arch"), f"{where}.arch"),
        modules=_module_paths(raw.get("modules", {}), f"{where}.modules"),
        version=_str(raw, "version", where, ""),
        url=url, size=size, sha256=sha256, install=install, sm2=sm2,
    )


def parse_catalogue(body: bytes, source: str = "") -> Catalogue:
    """Parse verified bytes into typed entries; any shape error is CATALOGUE_MALFORMED."""
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(type(exc).__name__) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _bad("format")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _bad("version")
    drivers = raw.get("drivers")
    if not isinstance(drivers, list):
        raise _bad("drivers")
    entries = tuple(_entry(item, i) for i, item in enumerate(drivers))
    if len({e.id for e in entries}) != len(entries):
        raise _bad("duplicate id")
    return Catalogue(version=version, expires=_timestamp(_str(raw, "expires", ""), "expires"),
                     drivers=entries, source=source)


def trusted_keys(configured: Sequence[str]) -> tuple[str, ...]:
    """The pinned keys: the config's, then the built-in ones."""
    return tuple(dict.fromkeys([*configured, *DEFAULT_CATALOGUE_KEYS]))
