"""Install a catalogue driver: verified download, then unpack (an archive, any OS) or the vendor
installer (Windows, elevated).

Order matters: nothing is unpacked or run before the SHA-256 matched; a module is registered in
the config only after it passed the static check and (when a probe is given) loaded.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import shutil
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import requests

from .. import config, errors
from .archive import unpack
from .catalogue import DriverEntry
from .detect import MANIFEST, LoadProbe, ModuleLoad, StaticCheck, entry_module_paths, suitable
from .download import ProgressCallback, download, safe_file_name
from .system import current_arch, current_os

log = logging.getLogger(__name__)

ERROR_CANCELLED = 1223  # the user declined the UAC prompt
REBOOT_REQUIRED = (3010, 1641)  # msiexec: success, restart needed


def driver_root() -> Path:
    """Where archives are unpacked: the user's driver dir (no administrator needed)."""
    return config.data_dir() / "drivers" / "installed"


def download_dir() -> Path:
    return config.data_dir() / "drivers" / "downloads"


def catalogue_dir() -> Path:
    return config.data_dir() / "drivers" / "catalogue"


@dataclass(frozen=True)
class InstallResult:
    driver_id: str
    version: str
    modules: tuple[str, ...]  # absolute paths now registered (archive) or expected (installer)
    registered: bool
    load: ModuleLoad | None = None  # what the first module reported after install
    reboot_required: bool = False


def _file_name(entry: DriverEntry) -> str:
    return f"{entry.id}-{entry.sha256[:12]}-{safe_file_name(entry.url)}"


def fetch(entry: DriverEntry, session: requests.Session, *,
          progress: ProgressCallback | None = None, cancel: threading.Event | None = None,
          timeout: float = 30.0) -> Path:
    """Download an entry's file into the download dir; the result always matches its sha256."""
    if not entry.downloadable or entry.install is None:
        raise errors.HyError(errors.DRIVER_UNKNOWN, f"{entry.id}: no download")
    return download(session, entry.url, download_dir() / _file_name(entry), size=entry.size,
                    sha256=entry.sha256, progress=progress, cancel=cancel, timeout=timeout)


def register_modules(paths: tuple[str, ...]) -> None:
    settings = config.load()
    merged = tuple(dict.fromkeys((*settings.pkcs11_modules, *paths)))
    if merged != settings.pkcs11_modules:
        config.update(pkcs11_modules=merged)


def install_archive(entry: DriverEntry, archive: Path, *, root: Path | None = None,
                    static_check: StaticCheck | None = None,
                    load_probe: LoadProbe | None = None, register: bool = True,
                    os_name: str | None = None) -> InstallResult:
    """Unpack into ``root/<id>``, check the modules the catalogue names for this OS, register
    them. Windows too: a catalogue entry may ship its DLLs as an archive."""
    root = root or driver_root()
    target = unpack(archive, root / entry.id)
    try:
        result = _finish_archive(entry, root, target, static_check, load_probe,
                                 os_name or current_os())
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # a driver that does not work is not kept
        raise
    if register:
        register_modules(result.modules)
    return replace(result, registered=register)


def _finish_archive(entry: DriverEntry, root: Path, target: Path,
                    static_check: StaticCheck | None,
                    load_probe: LoadProbe | None, os_name: str) -> InstallResult:
    (target / MANIFEST).write_text(json.dumps(
        {"id": entry.id, "version": entry.version, "sha256": entry.sha256}), "utf-8")
    modules = tuple(p for p in entry_module_paths(entry, root, os_name)
                    if p.startswith(str(target)))
    if not modules:
        raise errors.HyError(errors.INSTALL_FAILED, f"{entry.id}: no module for this system")
    load = None
    for path in modules:
        if not os.path.isfile(path):
            raise errors.HyError(errors.INSTALL_FAILED, f"missing {Path(path).name}")
        problem = static_check(path) if static_check else None
        if problem is not None:
            raise errors.HyError(problem, Path(path).name)
        if load_probe is not None and load is None:
            load = load_probe(path)
    return InstallResult(entry.id, entry.version, modules, False, load)


def installer_command(installer: Path) -> tuple[str, str]:
    """(file, parameters) for ShellExecute: an .msi goes through msiexec, an .exe runs itself."""
    if installer.suffix.lower() == ".msi":
        return "msiexec.exe", f'/i "{installer}"'
    return str(installer), ""


class ShellExecuteInfo(ctypes.Structure):
    """SHELLEXECUTEINFOW (shellapi.h); pointer-sized handles, so the 64-bit layout is right."""

    _fields_ = [
        ("cbSize", ctypes.c_uint32), ("fMask", ctypes.c_uint32), ("hwnd", ctypes.c_void_p),
        ("lpVerb", ctypes.c_wchar_p), ("lpFile", ctypes.c_wchar_p),
        ("lpParameters", ctypes.c_wchar_p), ("lpDirectory", ctypes.c_wchar_p),
        ("nShow", ctypes.c_int), ("hInstApp", ctypes.c_void_p), ("lpIDList", ctypes.c_void_p),
        ("lpClass", ctypes.c_wchar_p), ("hkeyClass", ctypes.c_void_p),
        ("dwHotKey", ctypes.c_uint32), ("hIcon", ctypes.c_void_p),  # union hIcon/hMonitor
        ("hProcess", ctypes.c_void_p)]


SEE_MASK_NOCLOSEPROCESS = 0x00000040  # hProcess receives the process handle
SEE_MASK_NOASYNC = 0x00000100  # finish the execution before returning
SW_SHOWNORMAL = 1
INFINITE = 0xFFFFFFFF
WAIT_OBJECT_0 = 0


def elevation_request(installer: Path) -> ShellExecuteInfo:
    """The SHELLEXECUTEINFOW that runs ``installer`` elevated ("runas") and returns its
    process handle."""
    file, params = installer_command(installer)
    info = ShellExecuteInfo()
    info.cbSize = ctypes.sizeof(info)
    info.fMask = SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC
    info.lpVerb, info.lpFile, info.lpParameters = "runas", file, params or None
    info.lpDirectory, info.nShow = str(installer.parent), SW_SHOWNORMAL
    return info


class ShellApi(Protocol):
    """The shell32/kernel32 calls ``run_elevated`` makes (real, or recorded in tests)."""

    def ShellExecuteExW(self, info: Any) -> int: ...
    def WaitForSingleObject(self, handle: Any, milliseconds: int) -> int: ...
    def GetExitCodeProcess(self, handle: Any, code: Any) -> int: ...
    def CloseHandle(self, handle: Any) -> int: ...
    def last_error(self) -> int: ...


class _RealShellApi:
    """Private ``WinDLL`` objects with ``use_last_error`` (1223, UAC declined, is not lost to
    another ctypes call) and argtypes/restype on every function."""

    def __init__(self) -> None:
        from ctypes import wintypes

        shell32 = ctypes.WinDLL("shell32", use_last_error=True)  # type: ignore[attr-defined]
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        shell32.ShellExecuteExW.argtypes = [ctypes.POINTER(ShellExecuteInfo)]
        shell32.ShellExecuteExW.restype = wintypes.BOOL
        kernel32.WaitForSingleObject.argtypes = [wintypes.HANDLE, wintypes.DWORD]
        kernel32.WaitForSingleObject.restype = wintypes.DWORD
        kernel32.GetExitCodeProcess.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD)]
        kernel32.GetExitCodeProcess.restype = wintypes.BOOL
        kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
        kernel32.CloseHandle.restype = wintypes.BOOL
        self.ShellExecuteExW = shell32.ShellExecuteExW
        self.WaitForSingleObject = kernel32.WaitForSingleObject
        self.GetExitCodeProcess = kernel32.GetExitCodeProcess
        self.CloseHandle = kernel32.CloseHandle

    def last_error(self) -> int:
        return int(ctypes.get_last_error())  # type: ignore[attr-defined]


def run_elevated(installer: Path, api: ShellApi | None = None) -> int | None:
    """Run the vendor installer with ShellExecuteExW "runas" and wait; its exit code, or None
    when Windows ran it without giving us a process handle (then only the files it leaves can
    tell whether it worked). UAC declined: INSTALL_NEEDS_ADMIN."""
    if api is None:
        if sys.platform != "win32":
            raise errors.HyError(errors.INSTALL_FAILED, "vendor installers run on Windows only")
        api = _RealShellApi()
    info = elevation_request(installer)
    if not api.ShellExecuteExW(ctypes.byref(info)):
        code = api.last_error()
        kind = errors.INSTALL_NEEDS_ADMIN if code == ERROR_CANCELLED else errors.INSTALL_FAILED
        raise errors.HyError(kind, f"ShellExecuteEx WinError {code}")
    if not info.hProcess:
        log.warning("installer %s started without a process handle", installer.name)
        return None
    try:
        if api.WaitForSingleObject(info.hProcess, INFINITE) != WAIT_OBJECT_0:
            raise errors.HyError(errors.INSTALL_FAILED,
                                 f"WaitForSingleObject WinError {api.last_error()}")
        exit_code = ctypes.c_ulong()  # wintypes.DWORD, the argtype GetExitCodeProcess takes
        if not api.GetExitCodeProcess(info.hProcess, ctypes.byref(exit_code)):
            raise errors.HyError(errors.INSTALL_FAILED,
                                 f"GetExitCodeProcess WinError {api.last_error()}")
        return int(exit_code.value)
    finally:
        api.CloseHandle(info.hProcess)


def install_windows(entry: DriverEntry, installer: Path, *,
                    static_check: StaticCheck | None = None,
                    load_probe: LoadProbe | None = None,
                    api: ShellApi | None = None) -> InstallResult:
    """Run the verified vendor installer elevated, then look for its modules again. Success
    needs at least one of the catalogue's module paths to exist afterwards: an installer that
    exits 0 and leaves none installed nothing this program can use."""
    code = run_elevated(installer, api)
    if code is not None and code not in (0, *REBOOT_REQUIRED):
        raise errors.HyError(errors.INSTALL_FAILED, f"exit code {code}")
    reboot = code in REBOOT_REQUIRED
    candidates = entry_module_paths(entry, driver_root(), "windows")
    modules = tuple(p for p in candidates if os.path.isfile(p))
    if not modules:
        raise errors.HyError(errors.INSTALL_NO_MODULE,
                             ("重启后请再次检测；" if reboot else "") + "、".join(candidates))
    load = None
    for path in modules[:1]:
        problem = static_check(path) if static_check else None
        if problem is not None:
            raise errors.HyError(problem, Path(path).name)
        load = load_probe(path) if load_probe else None
    return InstallResult(entry.id, entry.version, modules, False, load, reboot_required=reboot)


def install(entry: DriverEntry, session: requests.Session, *,
            progress: ProgressCallback | None = None, cancel: threading.Event | None = None,
            static_check: StaticCheck | None = None, load_probe: LoadProbe | None = None,
            os_name: str | None = None, arch: str | None = None) -> InstallResult:
    """Download, verify and install one driver for this machine."""
    os_name, arch = os_name or current_os(), arch or current_arch()
    if not suitable(entry, os_name, arch):
        raise errors.HyError(errors.DRIVER_UNKNOWN, f"{entry.id}: not for {os_name}/{arch}")
    path = fetch(entry, session, progress=progress, cancel=cancel)
    log.info("driver %s %s downloaded and verified", entry.id, entry.version)
    if entry.install == "windows-installer":
        return install_windows(entry, path, static_check=static_check, load_probe=load_probe)
    return install_archive(entry, path, static_check=static_check, load_probe=load_probe,
                           os_name=os_name)
