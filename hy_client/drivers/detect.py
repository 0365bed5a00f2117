"""Which drivers are installed, whether they load, which one a plugged-in key needs.

Loading a module is the token layer's job; the caller injects it as two callables so this
package never imports it: ``static_check(path) -> ErrorInfo | None`` (file exists, is a library
of our architecture) and ``load_probe(path) -> ModuleLoad`` (load it and list its tokens).
"""

from __future__ import annotations

import json
import ntpath
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .. import errors
from .catalogue import Catalogue, DriverEntry
from .system import (
    UninstallEntry,
    UsbDevice,
    current_arch,
    current_os,
    p11kit_modules,
    usb_devices,
    vendor_programs,
    windows_system_dirs,
    windows_uninstall_entries,
)

MANIFEST = ".hy-driver.json"  # written by install into each unpacked driver dir


@dataclass(frozen=True)
class TokenSeen:
    """A token as a loaded module reports it (strings stripped of PKCS#11 padding)."""

    label: str
    manufacturer: str
    model: str
    serial: str


@dataclass(frozen=True)
class ModuleLoad:
    """What a successful load reported."""

    library_version: str = ""
    manufacturer: str = ""
    tokens: tuple[TokenSeen, ...] = ()


def tokens_from(items: Iterable[Any]) -> tuple[TokenSeen, ...]:
    """Copy any objects with label/manufacturer/model/serial (the token layer's TokenInfo)."""
    return tuple(TokenSeen(str(t.label).strip(), str(t.manufacturer).strip(),
                           str(t.model).strip(), str(t.serial).strip()) for t in items)


StaticCheck = Callable[[str], errors.ErrorInfo | None]
LoadProbe = Callable[[str], ModuleLoad]  # raises HyError when the module does not load


ModuleState = Literal["loads", "fails", "unprobed", "missing"]


@dataclass(frozen=True)
class InstalledModule:
    """One module file and its tri-state ``loads``: True (loaded and listed its tokens), False
    (missing, refused by the static check — e.g. a 32-bit DLL — or failed to load), None (the
    file is there and nothing found wrong, but it was not loaded). A module with a ``problem``
    never reads as loading: that is enforced here, not left to each caller."""

    path: str
    sources: tuple[str, ...]  # "config", "catalogue", "p11-kit", "user", "system32", …
    driver_id: str | None  # the catalogue entry it belongs to, if any
    exists: bool
    version: str = ""  # installed version where readable (our manifest, the registry)
    stale: bool = False  # older than the catalogue's version
    problem: errors.ErrorInfo | None = None  # static check or load failure
    problem_detail: str = ""
    loads: bool | None = None  # None: not probed; False whenever ``problem`` is set
    load: ModuleLoad | None = None

    def __post_init__(self) -> None:
        if self.problem is not None or not self.exists:
            if self.loads:
                raise ValueError(f"{self.path}: a module with a problem cannot load")
            object.__setattr__(self, "loads", False)

    @property
    def state(self) -> ModuleState:
        if not self.exists:
            return "missing"
        if self.loads is None:
            return "unprobed"
        return "loads" if self.loads else "fails"

    @property
    def installed(self) -> bool:
        """Counts as an installed driver: it loads, or it is there and no check refused it."""
        return self.state in ("loads", "unprobed")

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "sources": list(self.sources), "driver_id": self.driver_id,
            "exists": self.exists, "version": self.version, "stale": self.stale,
            "problem": ({"code": self.problem.code, "message": self.problem.zh,
                         "detail": self.problem_detail} if self.problem else None),
            "loads": self.loads, "state": self.state,
            "library_version": self.load.library_version if self.load else "",
            "tokens": [t.__dict__ for t in self.load.tokens] if self.load else [],
        }


@dataclass(frozen=True)
class Match:
    """A plugged-in key (a token a module lists, or a USB device) and the drivers for it."""

    key: str  # "token:<manufacturer>/<model>/<serial>" or "usb:<vid:pid>"
    driver_ids: tuple[str, ...]
    installed: bool  # one of them is installed: loads, or exists and passed the static check


@dataclass(frozen=True)
class Conflict:
    kind: str  # "claimed-twice" | "stale"
    driver_ids: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class DriverReport:
    catalogue_version: int
    catalogue_source: str
    out_of_date: bool
    modules: tuple[InstalledModule, ...]
    usb: tuple[UsbDevice, ...]
    matches: tuple[Match, ...]
    conflicts: tuple[Conflict, ...]
    os: str = field(default_factory=current_os)
    arch: str = field(default_factory=current_arch)

    def to_json(self) -> dict[str, Any]:
        return {
            "catalogue": {"version": self.catalogue_version, "source": self.catalogue_source,
                          "out_of_date": self.out_of_date},
            "os": self.os, "arch": self.arch,
            "modules": [m.to_json() for m in self.modules],
            "usb": [u.__dict__ for u in self.usb],
            "matches": [m.__dict__ | {"driver_ids": list(m.driver_ids)} for m in self.matches],
            "conflicts": [c.__dict__ | {"driver_ids": list(c.driver_ids)}
                          for c in self.conflicts],
        }


# --- module paths ---------------------------------------------------------------------------

def _key(path: str) -> str:
    """A comparison key: symlinks resolved, case folded on Windows."""
    try:
        real = os.path.realpath(path)
    except OSError:
        real = path
    return os.path.normcase(real)


def entry_module_paths(entry: DriverEntry, driver_root: Path, os_name: str) -> list[str]:
    """Absolute candidate paths of an entry's modules on this OS.

    A relative path lives inside our unpacked copy (``driver_root/<id>/…``); on Windows a bare
    DLL name is also looked for in System32/SysWOW64, where vendor installers put it.
    """
    out = []
    for module in entry.modules_for(os_name):
        module = ntpath.expandvars(module) if os_name == "windows" else module
        if os.path.isabs(module) or re.match(r"^[A-Za-z]:[\\/]", module):
            out.append(module)
            continue
        out.append(str(driver_root / entry.id / module))
        if os_name == "windows" and "/" not in module and "\\" not in module:
            out.extend(str(d / module) for d in windows_system_dirs())
    return out


def read_manifest(driver_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((driver_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def version_tuple(text: str) -> tuple[int, ...] | None:
    parts = re.findall(r"\d+", text)
    return tuple(int(p) for p in parts) if parts else None


def is_older(installed: str, listed: str) -> bool:
    a, b = version_tuple(installed), version_tuple(listed)
    return a is not None and b is not None and a < b


def _candidates(catalogue: Catalogue, configured: Sequence[str], driver_root: Path,
                os_name: str) -> list[tuple[str, str, str | None]]:
    """(path, source, driver_id) for every module we know of, in trust order."""
    out: list[tuple[str, str, str | None]] = [(p, "config", None) for p in configured]
    for entry in catalogue.drivers:
        for path in entry_module_paths(entry, driver_root, os_name):
            if os.path.exists(path):
                source = "user" if path.startswith(str(driver_root)) else "catalogue"
                out.append((path, source, entry.id))
    if os_name == "linux":
        out.extend((path, "p11-kit", None) for _, path in p11kit_modules())
    return out


def _driver_for(path_key: str, catalogue: Catalogue, driver_root: Path,
                os_name: str) -> DriverEntry | None:
    for entry in catalogue.drivers:
        if any(_key(p) == path_key for p in entry_module_paths(entry, driver_root, os_name)):
            return entry
    return None


def _installed_version(entry: DriverEntry | None, path: str, driver_root: Path,
                       programs: Callable[[], list[UninstallEntry]]) -> str:
    if entry is None:
        return ""
    if path.startswith(str(driver_root / entry.id)):
        return str(read_manifest(driver_root / entry.id).get("version", ""))
    found = vendor_programs(programs(), entry.vendor.zh, entry.vendor.en)
    return found[0].version if found else ""


def candidate_paths(catalogue: Catalogue, configured: Sequence[str], driver_root: Path,
                    os_name: str | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """(path, sources) of every known module, deduplicated by real path (probe these)."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for path, source, _ in _candidates(catalogue, configured, driver_root,
                                       os_name or current_os()):
        key = _key(path)
        if key not in merged:
            merged[key] = (path, [])
        if source not in merged[key][1]:
            merged[key][1].append(source)
    return [(path, tuple(sources)) for path, sources in merged.values()]


def installed_modules(catalogue: Catalogue, configured: Sequence[str], driver_root: Path, *,
                      static_check: StaticCheck | None = None,
                      load_probe: LoadProbe | None = None,
                      os_name: str | None = None) -> list[InstalledModule]:
    """Every known module path, deduplicated by real path, with its status."""
    os_name = os_name or current_os()
    out = []
    cache: list[list[UninstallEntry]] = []

    def programs() -> list[UninstallEntry]:  # the registry is read once per report, if at all
        if not cache:
            cache.append(windows_uninstall_entries())
        return cache[0]

    for path, sources in candidate_paths(catalogue, configured, driver_root, os_name):
        entry = _driver_for(_key(path), catalogue, driver_root, os_name)
        exists = os.path.exists(path)
        version = _installed_version(entry, path, driver_root, programs) if exists else ""
        problem: errors.ErrorInfo | None = None if exists else errors.MODULE_NOT_FOUND
        detail, loads, load = "", None, None
        if exists and static_check is not None:
            problem = static_check(path)
        if exists and problem is None and load_probe is not None:
            try:
                load, loads = load_probe(path), True
            except errors.HyError as exc:
                problem, detail, loads = exc.info, exc.detail, False
        out.append(InstalledModule(
            path=path, sources=sources, driver_id=entry.id if entry else None,
            exists=exists, version=version,
            stale=bool(entry and version and is_older(version, entry.version)),
            problem=problem, problem_detail=detail, loads=loads, load=load))
    return out


# --- matching keys to catalogue entries -----------------------------------------------------

def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def entries_for_token(catalogue: Catalogue, token: TokenSeen) -> list[DriverEntry]:
    """Entries whose hints name this token's manufacturer or model (exact, case-insensitive)."""
    out = []
    for entry in catalogue.drivers:
        hints = entry.token_hints
        if _fold(token.manufacturer) in {_fold(m) for m in hints.manufacturer} or \
                _fold(token.model) in {_fold(m) for m in hints.model}:
            out.append(entry)
    return out


def entries_for_usb(catalogue: Catalogue, device: UsbDevice) -> list[DriverEntry]:
    return [e for e in catalogue.drivers if device.vid_pid in e.token_hints.usb]


def suitable(entry: DriverEntry, os_name: str, arch: str) -> bool:
    return (not entry.os or os_name in entry.os) and (not entry.arch or arch in entry.arch)


def _conflicts(modules: Sequence[InstalledModule],
               catalogue: Catalogue) -> list[Conflict]:
    out = []
    claims: dict[tuple[str, str], set[str]] = {}
    for module in modules:
        for token in module.load.tokens if module.load else ():
            claims.setdefault((token.manufacturer, token.serial), set()).add(
                module.driver_id or module.path)
    for (manufacturer, serial), owners in claims.items():
        if len(owners) > 1:
            out.append(Conflict("claimed-twice", tuple(sorted(owners)),
                                f"{manufacturer} {serial}"))
    for module in modules:
        if module.stale and module.driver_id:
            listed = catalogue.get(module.driver_id).version
            out.append(Conflict("stale", (module.driver_id,), f"{module.version} < {listed}"))
    return out


def detect(catalogue: Catalogue, configured: Sequence[str], driver_root: Path, *,
           static_check: StaticCheck | None = None, load_probe: LoadProbe | None = None,
           tokens: Sequence[TokenSeen] = (), usb: Sequence[UsbDevice] | None = None,
           os_name: str | None = None, arch: str | None = None) -> DriverReport:
    """The whole driver picture: modules, plugged keys, the drivers they need, conflicts."""
    os_name, arch = os_name or current_os(), arch or current_arch()
    modules = installed_modules(catalogue, configured, driver_root, static_check=static_check,
                                load_probe=load_probe, os_name=os_name)
    devices = tuple(usb_devices() if usb is None else usb)
    seen = list(tokens) + [t for m in modules if m.load for t in m.load.tokens]
    working = {m.driver_id for m in modules if m.driver_id and m.installed}
    matches: dict[str, Match] = {}
    for token in seen:
        ids = tuple(e.id for e in entries_for_token(catalogue, token)
                    if suitable(e, os_name, arch))
        key = f"token:{token.manufacturer}/{token.model}/{token.serial}"
        matches[key] = Match(key, ids, any(i in working for i in ids))
    for device in devices:
        ids = tuple(e.id for e in entries_for_usb(catalogue, device) if suitable(e, os_name, arch))
        if ids:
            key = f"usb:{device.vid_pid}"
            matches[key] = Match(key, ids, any(i in working for i in ids))
    conflicts = _conflicts(modules, catalogue)
    for match in matches.values():
        vendors = {catalogue.get(i).vendor.en for i in match.driver_ids if i in working}
        if len(vendors) > 1:
            conflicts.append(Conflict("claimed-twice", match.driver_ids, match.key))
    return DriverReport(catalogue.version, catalogue.source, catalogue.out_of_date(),
                        tuple(modules), devices, tuple(matches.values()), tuple(conflicts),
                        os=os_name, arch=arch)
