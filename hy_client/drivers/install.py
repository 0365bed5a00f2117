"""Install a catalogue driver: verified download, then unpack (Linux) or the vendor installer.

Order matters: nothing is unpacked or run before the SHA-256 matched; a module is registered in
the config only after it passed the static check and (when a probe is given) loaded.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path

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
                    load_probe: LoadProbe | None = None, register: bool = True) -> InstallResult:
    """Unpack into ``root/<id>``, check the modules the catalogue names, register them."""
    root = root or driver_root()
    target = unpack(archive, root / entry.id)
    try:
        result = _finish_archive(entry, root, target, static_check, load_probe)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # a driver that does not work is not kept
        raise
    if register:
        register_modules(result.modules)
    return replace(result, registered=register)


def _finish_archive(entry: DriverEntry, root: Path, target: Path,
                    static_check: StaticCheck | None,
                    load_probe: LoadProbe | None) -> InstallResult:
    (target / MANIFEST).write_text(json.dumps(
        {"id": entry.id, "version": entry.version, "sha256": entry.sha256}), "utf-8")
    modules = tuple(p for p in entry_module_paths(entry, root, "linux")
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


def run_elevated(installer: Path) -> int:
    """Run the vendor installer with ShellExecuteExW "runas" and wait; its exit code."""
    if sys.platform != "win32":
        raise errors.HyError(errors.INSTALL_FAILED, "vendor installers run on Windows only")
    import ctypes
    from ctypes import wintypes

    class ShellExecuteInfo(ctypes.Structure):
        _fields_ = [
            ("cbSize", wintypes.DWORD), ("fMask", ctypes.c_ulong), ("hwnd", wintypes.HWND),
            ("lpVerb", wintypes.LPCWSTR), ("lpFile", wintypes.LPCWSTR),
            ("lpParameters", wintypes.LPCWSTR), ("lpDirectory", wintypes.LPCWSTR),
            ("nShow", ctypes.c_int), ("hInstApp", wintypes.HINSTANCE),
            ("lpIDList", ctypes.c_void_p), ("lpClass", wintypes.LPCWSTR),
            ("hkeyClass", wintypes.HKEY), ("dwHotKey", wintypes.DWORD),
            ("hIcon", wintypes.HANDLE), ("hProcess", wintypes.HANDLE)]

    file, params = installer_command(installer)
    info = ShellExecuteInfo()
    info.cbSize = ctypes.sizeof(info)
    info.fMask = 0x00000040  # SEE_MASK_NOCLOSEPROCESS
    info.lpVerb, info.lpFile, info.lpParameters = "runas", file, params or None
    info.lpDirectory, info.nShow = str(installer.parent), 1  # SW_SHOWNORMAL
    if not ctypes.windll.shell32.ShellExecuteExW(ctypes.byref(info)):
        code = ctypes.GetLastError()
        info_ = errors.INSTALL_NEEDS_ADMIN if code == ERROR_CANCELLED else errors.INSTALL_FAILED
        raise errors.HyError(info_, f"ShellExecuteEx {code}")
    kernel32 = ctypes.windll.kernel32
    kernel32.WaitForSingleObject(info.hProcess, 0xFFFFFFFF)
    exit_code = wintypes.DWORD()
    kernel32.GetExitCodeProcess(info.hProcess, ctypes.byref(exit_code))
    kernel32.CloseHandle(info.hProcess)
    return int(exit_code.value)


def install_windows(entry: DriverEntry, installer: Path, *,
                    static_check: StaticCheck | None = None,
                    load_probe: LoadProbe | None = None) -> InstallResult:
    """Run the verified vendor installer elevated, then look for its modules again."""
    code = run_elevated(installer)
    if code not in (0, *REBOOT_REQUIRED):
        raise errors.HyError(errors.INSTALL_FAILED, f"exit code {code}")
    modules = tuple(p for p in entry_module_paths(entry, driver_root(), "windows")
                    if os.path.isfile(p))
    load = None
    for path in modules[:1]:
        problem = static_check(path) if static_check else None
        if problem is not None:
            raise errors.HyError(problem, Path(path).name)
        load = load_probe(path) if load_probe else None
    return InstallResult(entry.id, entry.version, modules, False, load,
                         reboot_required=code in REBOOT_REQUIRED)


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
    return install_archive(entry, path, static_check=static_check, load_probe=load_probe)
