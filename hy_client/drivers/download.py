"""Verified download: streamed, resumable, bounded by the listed size, SHA-256 checked.

The file is written as ``<name>.part`` and only renamed to its final name after the hash
matched, so nothing that failed verification can be found and run later. A cancelled or broken
download leaves the ``.part`` for an HTTP Range resume.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests

from .. import errors
from .catalogue import check_download_url

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]  # (bytes received, bytes expected)
CHUNK = 64 * 1024
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                     *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
                     "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
_WINDOWS_FORBIDDEN = set('<>:"/\\|?*')


def safe_file_name(url: str, fallback: str = "driver") -> str:
    """The last component of a download URL's path as a plain file name on Windows and POSIX.

    Percent-escapes are decoded first; then both separators split (``a\\..\\Startup\\x.exe``
    is ``x.exe``), a drive letter, control characters and the characters Windows forbids go,
    trailing dots and spaces go (Windows drops them), and a reserved device name (``CON``,
    ``NUL.txt``, ``COM1``…) or nothing usable becomes ``fallback``.
    """
    path = unquote(urlsplit(url).path)
    name = re.split(r"[/\\]", path)[-1]
    name = re.sub(r"^[A-Za-z]:", "", name)
    name = "".join(c for c in name if c not in _WINDOWS_FORBIDDEN
                   and unicodedata.category(c)[0] != "C").strip().rstrip(". ")
    stem = name.split(".")[0].strip().upper()
    if not name or name in (".", "..") or stem in _WINDOWS_RESERVED:
        return fallback
    return name[-120:]


def _hash_file(path: Path, digest: hashlib._Hash) -> int:
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size


def _fail(part: Path, info: errors.ErrorInfo, detail: str) -> errors.HyError:
    part.unlink(missing_ok=True)
    return errors.HyError(info, detail)


def download(session: requests.Session, url: str, dest: Path, *, size: int, sha256: str,
             progress: ProgressCallback | None = None, cancel: threading.Event | None = None,
             timeout: float = 30.0) -> Path:
    """Fetch ``url`` to ``dest`` and return it; the file at ``dest`` always matches ``sha256``."""
    check_download_url(url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    digest = hashlib.sha256()
    have = _hash_file(part, digest) if part.exists() else 0
    if have > size:  # a stale partial from another file version
        part.unlink()
        digest, have = hashlib.sha256(), 0
    if have < size:
        have, digest = _stream(session, url, part, have, digest, size, progress, cancel, timeout)
    if have != size:
        raise errors.HyError(errors.DOWNLOAD_FAILED, f"incomplete: {have} of {size}")
    if digest.hexdigest() != sha256.lower():
        raise _fail(part, errors.DOWNLOAD_HASH_MISMATCH, dest.name)
    part.replace(dest)
    return dest


def _stream(session: requests.Session, url: str, part: Path, have: int,
            digest: hashlib._Hash, size: int, progress: ProgressCallback | None,
            cancel: threading.Event | None, timeout: float) -> tuple[int, hashlib._Hash]:
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        with session.get(url, headers=headers, stream=True, timeout=timeout) as response:
            if have and response.status_code == 200:  # the server ignored Range: start over
                log.info("server ignored Range; restarting download")
                have, digest = 0, hashlib.sha256()
            elif have and response.status_code == 206:
                if not response.headers.get("Content-Range", "").startswith(f"bytes {have}-"):
                    raise _fail(part, errors.DOWNLOAD_FAILED, "bad Content-Range")
            elif response.status_code == 416:  # the partial no longer fits the file
                raise _fail(part, errors.DOWNLOAD_FAILED, "HTTP 416")
            elif response.status_code != 200:
                raise errors.HyError(errors.DOWNLOAD_FAILED, f"HTTP {response.status_code}")
            length = response.headers.get("Content-Length")
            if length and length.isdecimal() and have + int(length) > size:
                raise _fail(part, errors.DOWNLOAD_TOO_LARGE, f"{have + int(length)} > {size}")
            with part.open("ab" if have else "wb") as out:
                for chunk in response.iter_content(CHUNK):
                    if cancel is not None and cancel.is_set():
                        raise errors.UserCancelled()
                    have += len(chunk)
                    if have > size:
                        out.close()
                        raise _fail(part, errors.DOWNLOAD_TOO_LARGE, f"> {size}")
                    out.write(chunk)
                    digest.update(chunk)
                    if progress is not None:
                        progress(have, size)
    except requests.exceptions.SSLError:
        raise errors.HyError(errors.TLS_ERROR) from None
    except requests.RequestException as exc:
        raise errors.HyError(errors.DOWNLOAD_FAILED, type(exc).__name__) from None
    return have, digest
