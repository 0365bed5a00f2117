"""What this machine is and what it has installed, as plain data (no PKCS#11 here).

Windows parts (the uninstall registry, System32/SysWOW64, USB ids from SetupAPI) and Linux parts
(the p11-kit module registry, USB ids from sysfs) are guarded by ``sys.platform``; each returns
empty elsewhere.
"""

from __future__ import annotations

import os
import platform
import re
import struct
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..registry import Hive, Registry, View, system_registry, walk

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
    """Plugged USB devices: from SetupAPI on Windows, else from sysfs (``root``, injectable);
    empty where neither answers."""
    if sys.platform == "win32" and root == SYSFS_USB:
        return windows_usb_devices()
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


# "USB\VID_096E&PID_0703\5&2A3B&0&2"; a composite device's interfaces add "&MI_00"
_INSTANCE_ID = re.compile(r"USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(?:&REV_[0-9A-F]{4})?"
                          r"(&MI_[0-9A-F]{2})?(?:\\.*)?", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class UsbInstanceId:
    vid_pid: str  # "096e:0703", lower-case
    interface: bool  # one interface (MI_xx) of a composite device, not the device itself


def parse_usb_instance_id(instance_id: str) -> UsbInstanceId | None:
    """The USB ids in a Windows device instance id; None for hubs, other buses and garbage."""
    match = _INSTANCE_ID.fullmatch(instance_id.strip())
    if match is None:
        return None
    vid, pid, interface = match.groups()
    return UsbInstanceId(f"{vid.lower()}:{pid.lower()}", interface is not None)


def usb_devices_from_instances(rows: Iterable[tuple[str, str, str]]) -> list[UsbDevice]:
    """The devices in ``(instance id, manufacturer, description)`` rows, one per device node as
    sysfs lists them; a composite device's interfaces (``MI_xx``) stand for it only when its
    parent node is missing, once per USB id."""
    devices: list[UsbDevice] = []
    interfaces: dict[str, UsbDevice] = {}
    for instance_id, manufacturer, description in rows:
        parsed = parse_usb_instance_id(instance_id)
        if parsed is None:
            continue
        device = UsbDevice(parsed.vid_pid, manufacturer.strip(), description.strip())
        if parsed.interface:
            interfaces.setdefault(parsed.vid_pid, device)
        else:
            devices.append(device)
    listed = {d.vid_pid for d in devices}
    return [*devices, *(d for k, d in interfaces.items() if k not in listed)]


def windows_usb_devices() -> list[UsbDevice]:
    """Present USB devices through SetupAPI (works before any vendor driver is installed)."""
    try:
        return usb_devices_from_instances(_setupapi_usb_rows())
    except OSError:
        return []


DIGCF_PRESENT = 0x02
DIGCF_ALLCLASSES = 0x04
SPDRP_DEVICEDESC = 0x00
SPDRP_MFG = 0x0B
ERROR_INSUFFICIENT_BUFFER = 122
MAX_DEVICE_ID_LEN = 200


def _setupapi_usb_rows() -> list[tuple[str, str, str]]:
    """(instance id, SPDRP_MFG, SPDRP_DEVICEDESC) of every present device the USB enumerator
    lists; setupapi.dll is loaded from the system folder by its full path."""
    if sys.platform != "win32":
        return []
    import ctypes
    from ctypes import wintypes

    class SP_DEVINFO_DATA(ctypes.Structure):  # the Windows name
        _fields_ = [("cbSize", wintypes.DWORD), ("ClassGuid", ctypes.c_ubyte * 16),
                    ("DevInst", wintypes.DWORD), ("Reserved", ctypes.c_size_t)]

    api = ctypes.WinDLL(str(windows_system_dirs()[0] / "setupapi.dll"), use_last_error=True)
    get_class_devs = api.SetupDiGetClassDevsW
    get_class_devs.argtypes = [ctypes.c_void_p, wintypes.LPCWSTR, wintypes.HWND, wintypes.DWORD]
    get_class_devs.restype = ctypes.c_void_p
    enum_info = api.SetupDiEnumDeviceInfo
    enum_info.argtypes = [ctypes.c_void_p, wintypes.DWORD, ctypes.POINTER(SP_DEVINFO_DATA)]
    enum_info.restype = wintypes.BOOL
    instance_id = api.SetupDiGetDeviceInstanceIdW
    instance_id.argtypes = [ctypes.c_void_p, ctypes.POINTER(SP_DEVINFO_DATA), wintypes.LPWSTR,
                            wintypes.DWORD, ctypes.POINTER(wintypes.DWORD)]
    instance_id.restype = wintypes.BOOL
    property_of = api.SetupDiGetDeviceRegistryPropertyW
    property_of.argtypes = [ctypes.c_void_p, ctypes.POINTER(SP_DEVINFO_DATA), wintypes.DWORD,
                            ctypes.POINTER(wintypes.DWORD), ctypes.c_void_p, wintypes.DWORD,
                            ctypes.POINTER(wintypes.DWORD)]
    property_of.restype = wintypes.BOOL
    destroy = api.SetupDiDestroyDeviceInfoList
    destroy.argtypes = [ctypes.c_void_p]
    destroy.restype = wintypes.BOOL

    def text_property(info: SP_DEVINFO_DATA, prop: int) -> str:
        needed = wintypes.DWORD(0)
        buffer = ctypes.create_unicode_buffer(256)
        for _attempt in range(2):
            size = ctypes.sizeof(buffer)
            if property_of(handle, ctypes.byref(info), prop, None, buffer, size,
                           ctypes.byref(needed)):
                return buffer.value
            if ctypes.get_last_error() != ERROR_INSUFFICIENT_BUFFER:
                return ""  # not set for this device
            buffer = ctypes.create_unicode_buffer(needed.value // ctypes.sizeof(ctypes.c_wchar)
                                                  + 1)
        return ""

    handle = get_class_devs(None, "USB", None, DIGCF_PRESENT | DIGCF_ALLCLASSES)
    if handle is None or handle == ctypes.c_void_p(-1).value:  # INVALID_HANDLE_VALUE
        raise ctypes.WinError(ctypes.get_last_error())
    rows: list[tuple[str, str, str]] = []
    try:
        index = 0
        while True:
            info = SP_DEVINFO_DATA()
            info.cbSize = ctypes.sizeof(SP_DEVINFO_DATA)
            if not enum_info(handle, index, ctypes.byref(info)):
                break  # ERROR_NO_MORE_ITEMS (or a failure: what was listed stands)
            index += 1
            ident = ctypes.create_unicode_buffer(MAX_DEVICE_ID_LEN + 1)
            if not instance_id(handle, ctypes.byref(info), ident, len(ident), None):
                continue
            rows.append((ident.value, text_property(info, SPDRP_MFG),
                         text_property(info, SPDRP_DEVICEDESC)))
    finally:
        destroy(handle)
    return rows


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


UNINSTALL_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall"


def windows_uninstall_entries(reg: Registry | None = None) -> list[UninstallEntry]:
    """Programs from both registry views of HKLM (64- and 32-bit installers: the view flags,
    not a ``WOW6432Node`` path, which a 32-bit process would see redirected) and from HKCU."""
    reg = reg if reg is not None else system_registry()
    if reg is None:
        return []
    out: list[UninstallEntry] = []
    seen: set[tuple[str, str]] = set()
    roots: list[tuple[Hive, View]] = [("HKLM", 64), ("HKLM", 32), ("HKCU", None)]
    for hive, view in roots:
        for _name, values in walk(reg, hive, UNINSTALL_KEY, view):
            def text(name: str, values: dict[str, Any] = values) -> str:
                value = values.get(name)
                return str(value[0]) if value else ""
            entry = UninstallEntry(text("DisplayName"), text("DisplayVersion"),
                                   text("Publisher"), text("InstallLocation"))
            if entry.name and (entry.name, entry.version) not in seen:
                seen.add((entry.name, entry.version))
                out.append(entry)
    return out


def vendor_programs(programs: list[UninstallEntry], vendor_zh: str, vendor_en: str
                    ) -> list[UninstallEntry]:
    """The programs whose name or publisher names the vendor; none for an empty vendor name
    (an empty string is in every name)."""
    needles = [n.casefold() for n in (vendor_zh.strip(), vendor_en.strip()) if n]
    return [p for p in programs
            if needles and any(n in f"{p.name} {p.publisher}".casefold() for n in needles)]


def windows_system_dirs() -> list[Path]:
    """System32 and SysWOW64 (where vendor installers put their PKCS#11 DLLs)."""
    if sys.platform != "win32":
        return []
    root = Path(os.environ.get("SYSTEMROOT", r"C:\Windows"))
    return [root / "System32", root / "SysWOW64"]
