"""What this machine is and what it has installed, as plain data (no PKCS#11 here).

Windows parts (the uninstall registry, System32/SysWOW64) and Linux parts (the p11-kit module
registry, USB ids from sysfs) are guarded by ``sys.platform``; each returns empty elsewhere.
"""

from __future__ import annotations

import os
import platform
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

P11KIT_DIRS = (Path("/etc/pkcs11/modules"), Path("/usr/share/p11-kit/modules"))
P11KIT_MODULE_DIRS = (Path("/usr/lib/x86_64-linux-gnu/pkcs11"), Path("/usr/lib64/pkcs11"),
                      Path("/usr/lib/pkcs11"))
SYSFS_USB = Path("/sys/bus/usb/devices")
_ARCH = {"amd64": "x86_64", "x86_64": "x86_64", "x64": "x86_64", "i386": "x86", "i686": "x86",
         "x86": "x86", "aarch64": "arm64", "arm64": "arm64"}


def current_os() -> str:
    return {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")


def current_arch() -> str:
    """The architecture of this process (a 32-bit program on 64-bit Windows is ``x86``)."""
    arch = _ARCH.get(platform.machine().lower(), platform.machine().lower())
    if arch == "x86_64" and struct.calcsize("P") == 4:
        return "x86"
    return arch


@dataclass(frozen=True)
class UsbDevice:
    vid_pid: str  # "096e:0703", lower-case
    manufacturer: str = ""
    product: str = ""


def usb_devices(root: Path = SYSFS_USB) -> list[UsbDevice]:
    """Plugged USB devices from sysfs (Linux); empty where there is no sysfs."""
    found = []
    try:
        devices = sorted(root.iterdir())
    except OSError:
        return []
    for dev in devices:
        try:
            vid = (dev / "idVendor").read_text().strip().lower()
            pid = (dev / "idProduct").read_text().strip().lower()
        except OSError:
            continue  # interfaces and hubs without ids

        def attr(name: str, dev: Path = dev) -> str:
            try:
                return (dev / name).read_text(errors="replace").strip()
            except OSError:
                return ""
        found.append(UsbDevice(f"{vid}:{pid}", attr("manufacturer"), attr("product")))
    return found


def p11kit_modules(dirs: tuple[Path, ...] = P11KIT_DIRS) -> list[tuple[str, str]]:
    """(name, module path) from p11-kit's ``*.module`` files; relative paths resolved."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for folder in dirs:
        try:
            files = sorted(folder.glob("*.module"))
        except OSError:
            continue
        for file in files:
            if file.name in seen:
                continue  # /etc overrides /usr/share by file name
            seen.add(file.name)
            path = _p11kit_module_line(file)
            if path:
                out.append((file.stem, path))
    return out


def _p11kit_module_line(file: Path) -> str:
    try:
        lines = file.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() == "module" and value.strip():
            path = value.strip()
            if os.path.isabs(path):
                return path
            for base in P11KIT_MODULE_DIRS:
                if (base / path).exists():
                    return str(base / path)
            return str(P11KIT_MODULE_DIRS[0] / path)
    return ""


@dataclass(frozen=True)
class UninstallEntry:
    """One program from the Windows uninstall registry."""

    name: str
    version: str
    publisher: str
    location: str


def windows_uninstall_entries() -> list[UninstallEntry]:
    if sys.platform != "win32":
        return []
    import winreg

    roots = [(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall"),
             (winreg.HKEY_LOCAL_MACHINE,
              r"SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall"),
             (winreg.HKEY_CURRENT_USER, r"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall")]
    out = []
    for hive, path in roots:
        try:
            key = winreg.OpenKey(hive, path)
        except OSError:
            continue
        with key:
            for i in range(winreg.QueryInfoKey(key)[0]):
                try:
                    with winreg.OpenKey(key, winreg.EnumKey(key, i)) as sub:
                        values = {}
                        for name in ("DisplayName", "DisplayVersion", "Publisher",
                                     "InstallLocation"):
                            try:
                                values[name] = str(winreg.QueryValueEx(sub, name)[0])
                            except OSError:
                                values[name] = ""
                except OSError:
                    continue
                if values["DisplayName"]:
                    out.append(UninstallEntry(values["DisplayName"], values["DisplayVersion"],
                                              values["Publisher"], values["InstallLocation"]))
    return out


def windows_system_dirs() -> list[Path]:
    """System32 and SysWOW64 (where vendor installers put their PKCS#11 DLLs)."""
    if sys.platform != "win32":
        return []
    root = Path(os.environ.get("SYSTEMROOT", r"C:\Windows"))
    return [root / "System32", root / "SysWOW64"]
