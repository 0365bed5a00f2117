"""Unpack a driver archive (tar.gz or zip) with no way out of the target directory.

The extraction is our own, not ``tarfile``'s filters (the ``data`` filter is what
CVE-2025-4517 defeats: a symlink chain whose real path passes PATH_MAX stops ``realpath``).
Every member is checked before a single byte is written: absolute paths, drive letters, ``..``
components, over-long names, duplicates, device files, paths through a link and oversize totals
refuse the whole archive (ARCHIVE_UNSAFE). No link is ever created on disk: a tar symlink or
hard link is resolved inside the archive's own member list (hop by hop, at most 40 hops) and must
end at a regular file of the archive, which is then copied to the link's name; a link that
leaves the root, loops or names a directory refuses the archive. Files are created with
``O_EXCL | O_NOFOLLOW`` under a fresh directory whose resolved path is checked for every write.
Unpacking goes to a sibling temp dir that is renamed into place, so a failure leaves nothing.
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from .. import errors

MAX_UNPACKED_BYTES = 1 << 30
MAX_MEMBERS = 10_000
MAX_NAME = 1024  # a member's whole relative path, in characters
MAX_LINK_HOPS = 40
_CHUNK = 1 << 20


def _unsafe(name: str, why: str) -> errors.HyError:
    return errors.HyError(errors.ARCHIVE_UNSAFE, f"{why}: {name[:200]!r}")


def _check_name(name: str) -> str:
    """The member's normalised relative POSIX path, or ARCHIVE_UNSAFE."""
    if not name or "\x00" in name or "\\" in name or len(name) > MAX_NAME:
        raise _unsafe(name, "name")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _unsafe(name, "absolute path")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise _unsafe(name, "parent reference")
    if not parts:
        raise _unsafe(name, "name")
    return "/".join(parts)


@dataclass(frozen=True)
class _Member:
    path: str
    kind: str  # "file", "dir", "symlink", "hardlink"
    link: str = ""
    executable: bool = False
    open: Callable[[], IO[bytes] | None] | None = None


def _resolve(members: dict[str, _Member], start: str, link: str) -> str:
    """Follow ``link`` (relative to the directory ``start``) through the archive's own symlinks;
    the resolved member path, or ARCHIVE_UNSAFE if it leaves the root, loops or goes too deep."""
    if not link or link.startswith("/") or "\\" in link or "\x00" in link:
        raise _unsafe(link, "link target")
    parts = [p for p in start.split("/") if p]
    todo = link.split("/")
    hops = 0
    while todo:
        part = todo.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise _unsafe(link, "link outside")
            parts.pop()
            continue
        candidate = "/".join([*parts, part])
        member = members.get(candidate)
        if member is not None and member.kind == "symlink":
            hops += 1
            if hops > MAX_LINK_HOPS:
                raise _unsafe(link, "link loop")
            if member.link.startswith("/") or "\\" in member.link or not member.link:
                raise _unsafe(member.link, "link target")
            todo = member.link.split("/") + todo
            continue
        parts.append(part)
    return "/".join(parts)


def _plan(members: list[_Member]) -> tuple[list[_Member], dict[str, str]]:
    """Check the whole archive; (directories and files in order, link path → file it copies)."""
    if len(members) > MAX_MEMBERS:
        raise _unsafe(str(len(members)), "too many members")
    by_path: dict[str, _Member] = {}
    for m in members:
        if m.path in by_path:
            raise _unsafe(m.path, "duplicate member")
        by_path[m.path] = m
    copies: dict[str, str] = {}
    for m in members:
        parent = m.path.rpartition("/")[0]
        if parent and _resolve(by_path, "", parent) != parent:
            raise _unsafe(m.path, "path through a link")
        if m.kind in ("symlink", "hardlink"):
            base = parent if m.kind == "symlink" else ""
            target = _resolve(by_path, base, m.link)
            found = by_path.get(target)
            if found is None or found.kind != "file":
                raise _unsafe(m.path, "link to no regular file")
            copies[m.path] = target
    return [m for m in members if m.kind in ("dir", "file")], copies


def _inside(root: Path, path: Path) -> Path:
    real = Path(os.path.realpath(path))
    if real != root and root not in real.parents:
        raise _unsafe(str(path), "outside the target")
    return real


def _write(root: Path, rel: str, source: IO[bytes], executable: bool, budget: list[int]) -> None:
    dest = root / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    _inside(root, dest.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
        getattr(os, "O_BINARY", 0)
    fd = os.open(dest, flags, 0o755 if executable else 0o644)
    with os.fdopen(fd, "wb") as out:
        while block := source.read(_CHUNK):
            budget[0] -= len(block)
            if budget[0] < 0:
                raise _unsafe(rel, "too large")
            out.write(block)


def _extract(root: Path, members: list[_Member]) -> None:
    entries, copies = _plan(members)
    budget = [MAX_UNPACKED_BYTES]
    for m in entries:
        if m.kind == "dir":
            (root / m.path).mkdir(parents=True, exist_ok=True)
            _inside(root, root / m.path)
            continue
        assert m.open is not None
        source = m.open()
        if source is None:
            raise _unsafe(m.path, "unreadable member")
        with source:
            _write(root, m.path, source, m.executable, budget)
    for link, target in copies.items():
        with (root / target).open("rb") as source:
            _write(root, link, source, os.access(root / target, os.X_OK), budget)


def _tar_members(tar: tarfile.TarFile) -> list[_Member]:
    out = []
    for info in tar.getmembers():
        path = _check_name(info.name)
        if info.isreg():
            out.append(_Member(path, "file", executable=bool(info.mode & 0o111),
                               open=partial(tar.extractfile, info)))
        elif info.isdir():
            out.append(_Member(path, "dir"))
        elif info.issym():
            out.append(_Member(path, "symlink", link=info.linkname))
        elif info.islnk():
            out.append(_Member(path, "hardlink", link=_check_name(info.linkname)))
        else:
            raise _unsafe(info.name, "special file")
    return out


def _zip_members(zf: zipfile.ZipFile) -> list[_Member]:
    out = []
    for info in zf.infolist():
        path = _check_name(info.filename)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)  # 0 when the creator set no type
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise _unsafe(info.filename, "special file or link")
        if info.is_dir() or kind == stat.S_IFDIR:
            out.append(_Member(path, "dir"))
        else:
            out.append(_Member(path, "file", executable=bool(mode & 0o111),
                               open=partial(zf.open, info)))
    return out


def unpack(archive: Path, target: Path) -> Path:
    """Unpack ``archive`` into ``target`` (replaced if present) and return ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
    root = Path(os.path.realpath(staging))
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                _extract(root, _zip_members(zf))
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tar:
                _extract(root, _tar_members(tar))
        else:
            raise errors.HyError(errors.INSTALL_FAILED, "not a tar or zip archive")
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise errors.HyError(errors.INSTALL_FAILED, type(exc).__name__) from None
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
