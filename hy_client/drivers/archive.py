"""Unpack a driver archive (tar.gz or zip) with no way out of the target directory.

Every member is checked before a single byte is written: absolute paths, drive letters,
``..`` components, links pointing outside, device files and oversize totals refuse the whole
archive (ARCHIVE_UNSAFE). Unpacking goes to a sibling temp dir that is renamed into place, so a
failure leaves nothing behind.
"""

from __future__ import annotations

import posixpath
import shutil
import stat
import tarfile
import tempfile
import zipfile
from pathlib import Path

from .. import errors

MAX_UNPACKED_BYTES = 1 << 30
MAX_MEMBERS = 10_000


def _unsafe(name: str, why: str) -> errors.HyError:
    return errors.HyError(errors.ARCHIVE_UNSAFE, f"{why}: {name!r}")


def _check_name(name: str) -> str:
    """The member's normalised relative POSIX path, or ARCHIVE_UNSAFE."""
    if not name or "\x00" in name or "\\" in name:
        raise _unsafe(name, "name")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _unsafe(name, "absolute path")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise _unsafe(name, "parent reference")
    return "/".join(parts)


def _check_link(member_path: str, target: str, hard: bool) -> None:
    """A link must resolve inside the archive root."""
    if not target or target.startswith("/") or "\\" in target:
        raise _unsafe(member_path, "link target")
    base = "" if hard else posixpath.dirname(member_path)
    resolved = posixpath.normpath(posixpath.join(base, target))
    if resolved == ".." or resolved.startswith("../") or resolved.startswith("/"):
        raise _unsafe(member_path, "link outside")


def _check_tar(tar: tarfile.TarFile) -> None:
    total = 0
    members = tar.getmembers()
    if len(members) > MAX_MEMBERS:
        raise _unsafe(str(len(members)), "too many members")
    for m in members:
        path = _check_name(m.name)
        if m.issym() or m.islnk():
            _check_link(path, m.linkname, hard=m.islnk())
        elif not (m.isfile() or m.isdir()):
            raise _unsafe(m.name, "special file")
        total += max(m.size, 0)
    if total > MAX_UNPACKED_BYTES:
        raise _unsafe(str(total), "too large")


def _check_zip(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _unsafe(str(len(infos)), "too many members")
    total = 0
    for info in infos:
        _check_name(info.filename)
        kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the creator set no type
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise _unsafe(info.filename, "special file or link")
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise _unsafe(str(total), "too large")


def unpack(archive: Path, target: Path) -> Path:
    """Unpack ``archive`` into ``target`` (replaced if present) and return ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                _check_zip(zf)
                zf.extractall(staging)  # noqa: S202 - every member checked above
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tar:
                _check_tar(tar)
                # The data filter is a second guard with the same intent as our own checks.
                tar.extractall(staging, filter="data")
        else:
            raise errors.HyError(errors.INSTALL_FAILED, "not a tar or zip archive")
    except (tarfile.TarError, zipfile.BadZipFile, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        info = errors.ARCHIVE_UNSAFE if isinstance(exc, tarfile.FilterError) else \
            errors.INSTALL_FAILED
        raise errors.HyError(info, type(exc).__name__) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, target)
    return target


def _swap_in(staging: Path, target: Path) -> None:
    """Put ``staging`` where ``target`` is. The old copy is first moved aside whole: on Windows
    a loaded DLL cannot be deleted, so deleting in place could leave half a driver. When Windows
    refuses (the DLL is in use), the old copy stays as it was and the staging dir goes:
    DRIVER_IN_USE, nothing else changed."""
    for leftover in target.parent.glob(f".replaced-{target.name}-*"):
        shutil.rmtree(leftover, ignore_errors=True)  # an old copy a loaded DLL kept last time
    old = None
    try:
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".replaced-{target.name}-", dir=target.parent))
            old.rmdir()
            target.replace(old)
        staging.replace(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and old.exists() and not target.exists():
            old.replace(target)
        raise errors.HyError(errors.DRIVER_IN_USE, f"{type(exc).__name__}: {target}") from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
