"""Unpacking refuses any way out of the target dir and leaves nothing behind."""

from __future__ import annotations

import io
import posixpath
import tarfile
import zipfile

import pytest

from hy_client import errors
from hy_client.drivers.archive import unpack


def make_tar(path, members):
    """members: (name, bytes | None, linkname | None, type)."""
    with tarfile.open(path, "w:gz") as tar:
        for name, body, link, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(body)
                tar.addfile(info, io.BytesIO(body))
            else:
                info.type = tarfile.SYMTYPE if kind == "sym" else tarfile.LNKTYPE
                info.linkname = link
                tar.addfile(info)
    return path


def test_good_tar_unpacks_with_internal_symlink(tmp_path):
    archive = make_tar(tmp_path / "ok.tar.gz", [
        ("lib/libx.so.1", b"ELF", None, "file"), ("lib/libx.so", None, "libx.so.1", "sym")])
    target = unpack(archive, tmp_path / "out" / "drv")
    assert (target / "lib" / "libx.so").read_bytes() == b"ELF"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["drv"]


@pytest.mark.parametrize("members", [
    [("ok.txt", b"a", None, "file"), ("../evil.so", b"x", None, "file")],
    [("lib/../../evil.so", b"x", None, "file")],
    [("/tmp/evil.so", b"x", None, "file")],
    [("lib/link", None, "../../../etc/passwd", "sym")],
    [("lib/link", None, "/etc/passwd", "sym")],
    [("lib/hard", None, "../outside", "hard")],
], ids=["dotdot", "nested-dotdot", "absolute", "symlink-out", "symlink-abs", "hardlink-out"])
def test_unsafe_tar_refused_and_nothing_unpacked(tmp_path, members):
    archive = make_tar(tmp_path / "bad.tar.gz", members)
    out = tmp_path / "out"
    with pytest.raises(errors.HyError) as exc:
        unpack(archive, out / "drv")
    assert exc.value.code == "D108"
    assert list(out.iterdir()) == []
    assert not (tmp_path / "evil.so").exists()


def test_unsafe_zip_refused(tmp_path):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ok.txt", b"a")
        zf.writestr("../evil.dll", b"x")
    with pytest.raises(errors.HyError) as exc:
        unpack(archive, tmp_path / "out" / "drv")
    assert exc.value.code == "D108"
    assert list((tmp_path / "out").iterdir()) == []


def test_good_zip_and_non_archive(tmp_path):
    archive = tmp_path / "ok.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("bin/x.dll", b"MZ")
    assert (unpack(archive, tmp_path / "o" / "d") / "bin" / "x.dll").read_bytes() == b"MZ"
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not an archive")
    with pytest.raises(errors.HyError) as exc:
        unpack(junk, tmp_path / "o2" / "d")
    assert exc.value.code == "D110"


def cve_2025_4517_tar(path, escape_levels: int = 2):
    """The CVE-2025-4517 construction: symlink chains whose real path passes PATH_MAX, so a
    realpath-based check (tarfile's "data" filter) stops resolving and sees a path inside,
    while a textual check sees ``..`` that stays inside too."""
    comp = "d" * 247
    steps = "abcdefghijklmnop"
    prefix = ""
    with tarfile.open(path, "w") as tar:
        for step in steps:
            directory = tarfile.TarInfo(posixpath.join(prefix, comp))
            directory.type = tarfile.DIRTYPE
            tar.addfile(directory)
            link = tarfile.TarInfo(posixpath.join(prefix, step))
            link.type = tarfile.SYMTYPE
            link.linkname = comp
            tar.addfile(link)
            prefix = posixpath.join(prefix, comp)
        long_link = posixpath.join(*steps, "l" * 254)
        up = tarfile.TarInfo(long_link)
        up.type = tarfile.SYMTYPE
        up.linkname = posixpath.join(*[".."] * len(steps))  # back to the archive root
        tar.addfile(up)
        escape = tarfile.TarInfo("escape")
        escape.type = tarfile.SYMTYPE
        escape.linkname = posixpath.join(long_link, *[".."] * escape_levels)
        tar.addfile(escape)
        payload = b"pwned"
        evil = tarfile.TarInfo("escape/pwned.so")
        evil.size = len(payload)
        tar.addfile(evil, io.BytesIO(payload))
    return path


def test_cve_2025_4517_symlink_chain_cannot_escape(tmp_path):
    archive = cve_2025_4517_tar(tmp_path / "cve.tar")
    out = tmp_path / "out"
    with pytest.raises(errors.HyError) as exc:
        unpack(archive, out / "drv")
    assert exc.value.code == "D108"
    written = [p for p in tmp_path.rglob("pwned.so")]
    assert written == []
    assert list(out.iterdir()) == []
