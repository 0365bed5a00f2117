"""Verified download over real HTTP: size bound, hash, resume, cancel, URL policy."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from hy_client import errors
from hy_client.drivers.download import download, safe_file_name


@pytest.fixture
def out(tmp_path):
    path = tmp_path / "downloads"
    path.mkdir()
    return path


@pytest.fixture
def payload(repo_server):
    data = os.urandom(300_000)
    (repo_server.root / "files").mkdir()
    (repo_server.root / "files" / "pkg.bin").write_bytes(data)
    return data


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_download_verified_with_progress(repo_server, payload, session, out):
    seen: list[tuple[int, int]] = []
    dest = download(session, repo_server.file_url("pkg.bin"), out / "dl" / "pkg.bin",
                    size=len(payload), sha256=_sha(payload),
                    progress=lambda got, total: seen.append((got, total)))
    assert dest.read_bytes() == payload
    assert seen[-1] == (len(payload), len(payload))
    assert [g for g, _ in seen] == sorted(g for g, _ in seen)
    assert not (out / "dl" / "pkg.bin.part").exists()


def test_oversize_download_aborted_and_deleted(repo_server, payload, session, out):
    dest = out / "pkg.bin"
    with pytest.raises(errors.HyError) as exc:
        download(session, repo_server.file_url("pkg.bin"), dest, size=len(payload) - 1,
                 sha256=_sha(payload))
    assert exc.value.code == "D105"
    assert list(out.iterdir()) == []


def test_hash_mismatch_deleted(repo_server, payload, session, out):
    dest = out / "pkg.bin"
    with pytest.raises(errors.HyError) as exc:
        download(session, repo_server.file_url("pkg.bin"), dest, size=len(payload),
                 sha256=_sha(payload + b"x"))
    assert exc.value.code == "D106"
    assert list(out.iterdir()) == []


def test_interrupted_download_resumes_with_range(repo_server, payload, session, out):
    dest = out / "pkg.bin"
    repo_server.cut_after = 100_000
    with pytest.raises(errors.HyError) as exc:
        download(session, repo_server.file_url("pkg.bin"), dest, size=len(payload),
                 sha256=_sha(payload))
    assert exc.value.code == "D107"
    part = out / "pkg.bin.part"
    assert 0 < part.stat().st_size < len(payload) and not dest.exists()
    kept = part.stat().st_size
    download(session, repo_server.file_url("pkg.bin"), dest, size=len(payload),
             sha256=_sha(payload))
    assert dest.read_bytes() == payload
    assert repo_server.ranges == [f"bytes={kept}-"]


def test_cancel_keeps_partial_for_resume(repo_server, payload, session, out):
    cancel = threading.Event()

    def progress(got: int, total: int) -> None:
        if got >= 65536:
            cancel.set()

    dest = out / "pkg.bin"
    with pytest.raises(errors.UserCancelled):
        download(session, repo_server.file_url("pkg.bin"), dest, size=len(payload),
                 sha256=_sha(payload), progress=progress, cancel=cancel)
    assert (out / "pkg.bin.part").exists() and not dest.exists()
    download(session, repo_server.file_url("pkg.bin"), dest, size=len(payload),
             sha256=_sha(payload))
    assert dest.read_bytes() == payload and repo_server.ranges


def test_http_to_non_loopback_refused_before_any_request(session, out):
    with pytest.raises(errors.HyError) as exc:
        download(session, "http://drivers.example.org/pkg.bin", out / "x", size=1,
                 sha256="00" * 32)
    assert exc.value.code == "D112"
    assert list(out.iterdir()) == []


def test_missing_file_is_download_failed(repo_server, payload, session, out):
    with pytest.raises(errors.HyError) as exc:
        download(session, repo_server.file_url("nope.bin"), out / "x", size=1,
                 sha256="00" * 32)
    assert exc.value.code == "D107" and "404" in exc.value.detail


@pytest.mark.parametrize(("url", "name"), [
    ("https://d.example.cn/a%5C..%5C..%5CStartup%5Cevil.exe", "evil.exe"),
    ("https://d.example.cn/a\\..\\..\\Startup\\evil.exe", "evil.exe"),
    ("https://d.example.cn/C:evil.exe", "evil.exe"),
    ("https://d.example.cn/files/CON", "driver"),
    ("https://d.example.cn/nul.txt", "driver"),
    ("https://d.example.cn/com1.msi", "driver"),
    ("https://d.example.cn/..", "driver"),
    ("https://d.example.cn/x%00y%0A.msi", "xy.msi"),
    ("https://d.example.cn/setup.exe.%20.", "setup.exe"),
    ("https://d.example.cn/a%3Cb%3E%7C.exe", "ab.exe"),
    ("https://d.example.cn/%E9%A9%B1%E5%8A%A8-1.2.tar.gz", "驱动-1.2.tar.gz"),
])
def test_download_names_are_plain_on_windows_and_posix(url, name):
    assert safe_file_name(url) == name


def test_install_download_path_stays_in_the_download_dir():
    from hy_client.drivers import install as inst
    from hy_client.drivers.catalogue import DriverEntry, TokenHints, Vendor

    entry = DriverEntry(id="acme", vendor=Vendor("某厂", "Acme"), token_hints=TokenHints(),
                        os=("windows",), arch=("x86_64",), modules={}, version="1",
                        url="https://d.example.cn/a%5C..%5C..%5CStartup%5Cevil.exe",
                        size=1, sha256="ab" * 32, install="windows-installer")
    name = inst._file_name(entry)
    assert "\\" not in name and "/" not in name and name.endswith("-evil.exe")
