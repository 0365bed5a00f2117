"""Where PKCS#11 modules are found, and why one does not load.

Discovery order (first wins, duplicates by real path dropped):
1. explicit paths (``--module``) and ``HY_PKCS11_MODULE`` (``Settings.module_overrides``);
2. ``Settings.pkcs11_modules`` from the config file;
3. module paths the bundled driver catalogue lists for this OS, when the file exists;
4. Linux only: the p11-kit registry, then the usual SoftHSM2 and OpenSC paths.
Explicit and configured paths are kept even when missing, so their error can be shown.
On Windows only absolute paths are accepted: a bare DLL name would be resolved through PATH or
the working directory, where anyone could plant one.

``diagnose_module_file`` explains from the file alone why a module cannot load (missing, not a
shared library, 32/64-bit mismatch); ``load_error`` explains a failed load (missing dependency,
missing entry point, failed initialisation, not PKCS#11). The drivers and diagnostics code reuse
them.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import struct
import sys
import sysconfig
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .. import config, errors
from ..errors import ErrorInfo
from ..winsupport import is_absolute

Source = Literal["explicit", "config", "catalogue", "p11-kit", "default"]
P11KIT_DIRS = ("/etc/pkcs11/modules", "/usr/share/p11-kit/modules", "~/.config/pkcs11/modules")
_P11KIT_SKIP = ("p11-kit-trust",)  # the system trust store, not a key


@dataclass(frozen=True)
class ModuleCandidate:
    path: str
    source: Source
    error: ErrorInfo | None = None  # set when the path is refused before any load (not absolute)


def os_key(plat: str = sys.platform) -> str:
    """The catalogue's name for this OS."""
    if plat.startswith("win"):
        return "windows"
    return "macos" if plat == "darwin" else "linux"


def _multiarch() -> str:
    return str(sysconfig.get_config_var("MULTIARCH") or f"{platform.machine()}-linux-gnu")


def default_linux_paths() -> list[str]:
    arch = _multiarch()
    return [
        "/usr/lib/softhsm/libsofthsm2.so", f"/usr/lib/{arch}/softhsm/libsofthsm2.so",
        "/usr/lib64/pkcs11/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so",
        f"/usr/lib/{arch}/opensc-pkcs11.so", f"/usr/lib/{arch}/pkcs11/opensc-pkcs11.so",
        "/usr/lib64/opensc-pkcs11.so", "/usr/lib/opensc-pkcs11.so",
    ]


def p11kit_modules(dirs: Iterable[str] = P11KIT_DIRS) -> list[str]:
    """Module paths from p11-kit ``*.module`` files; relative names live in p11-kit's dir."""
    base = f"/usr/lib/{_multiarch()}/pkcs11"
    found: list[str] = []
    for d in dirs:
        folder = Path(d).expanduser()
        with contextlib.suppress(OSError):
            for file in sorted(folder.glob("*.module")):
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    for line in file.read_text("utf-8").splitlines():
                        m = re.match(r"\s*module\s*:\s*(\S.*?)\s*$", line)
                        if m and not any(s in m.group(1) for s in _P11KIT_SKIP):
                            value = m.group(1)
                            found.append(value if os.path.isabs(value) else f"{base}/{value}")
    return found


def catalogue_modules(plat: str = sys.platform) -> list[str]:
    """Module paths the bundled driver catalogue lists for this OS (none if it is absent)."""
    try:
        from ..paths import bundled_drivers_dir
        data = json.loads((bundled_drivers_dir() / "catalogue.json").read_text("utf-8"))
        drivers = data.get("drivers", []) if isinstance(data, dict) else []
    except (OSError, ValueError, ModuleNotFoundError, TypeError):
        return []
    out: list[str] = []
    for driver in drivers:
        modules = driver.get("modules", {}) if isinstance(driver, dict) else {}
        value = modules.get(os_key(plat)) if isinstance(modules, dict) else None
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, str))
    return [os.path.expandvars(p) for p in out]


def module_key(path: str) -> str:
    """One key per library file: symlinks and p11-kit's name for a file the catalogue also
    lists resolve to the same key (a file loaded under a second name fails C_Initialize)."""
    return os.path.normcase(os.path.realpath(path)) if os.path.isabs(path) else path


def unique_paths(paths: Iterable[str]) -> list[str]:
    """``paths`` without a second name for the same file; the first name (the user's) stays."""
    seen: set[str] = set()
    out = []
    for path in paths:
        key = module_key(path)
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def discover_modules(settings: config.Settings | None = None, explicit: Sequence[str] = (), *,
                     plat: str = sys.platform, include_system: bool = True
                     ) -> list[ModuleCandidate]:
    """Candidate modules in the documented order. With ``explicit`` paths, only those."""
    settings = settings if settings is not None else config.Settings()
    windows = plat.startswith("win")
    wanted: list[tuple[str, Source]] = []
    if explicit:
        wanted += [(p, "explicit") for p in explicit]
    else:
        wanted += [(p, "explicit") for p in settings.module_overrides]
        wanted += [(p, "config") for p in settings.pkcs11_modules]
        if include_system:
            wanted += [(p, "catalogue") for p in catalogue_modules(plat)]
            if not windows and plat != "darwin":
                wanted += [(p, "p11-kit") for p in p11kit_modules()]
                wanted += [(p, "default") for p in default_linux_paths()]
    seen: set[str] = set()
    out: list[ModuleCandidate] = []
    for path, source in wanted:
        path = os.path.expanduser(path)
        keep_missing = source in ("explicit", "config")
        if not is_absolute(path, plat):
            if windows or not keep_missing:
                out.append(ModuleCandidate(path, source, errors.MODULE_PATH_NOT_ABSOLUTE))
                continue
            path = os.path.abspath(path)  # typed on a Linux command line: relative to here
        if not keep_missing and not os.path.isfile(path):
            continue
        key = module_key(path)
        if key in seen:
            continue
        seen.add(key)
        out.append(ModuleCandidate(path, source))
    return out


def module_paths(settings: config.Settings | None = None, explicit: Sequence[str] = ()
                 ) -> list[str]:
    """The paths ``TokenService`` is given: every candidate, refused ones included (reported)."""
    return [c.path for c in discover_modules(settings, explicit)]


# --- why a module does not load ------------------------------------------------------------

_ELF_MACHINES = {3: "x86", 62: "x86_64", 40: "arm", 183: "arm64"}
_PE_MACHINES = {0x14C: "x86", 0x8664: "x86_64", 0xAA64: "arm64", 0x1C4: "arm"}


def process_arch() -> str:
    machine = platform.machine().lower()
    bits = struct.calcsize("P") * 8
    if machine in ("aarch64", "arm64", "armv8l") or machine.startswith("arm"):
        return "arm64" if bits == 64 else "arm"
    return "x86_64" if bits == 64 else "x86"


def binary_arch(header: bytes) -> tuple[str, str] | None:
    """(format, arch) of a shared-library header; None when it is no shared library at all."""
    if header[:4] == b"\x7fELF" and len(header) >= 20:
        little = header[5] == 1
        e_type, e_machine = struct.unpack("<HH" if little else ">HH", header[16:20])
        if e_type != 3:  # ET_DYN: a shared object
            return None
        return "elf", _ELF_MACHINES.get(e_machine, f"elf-{e_machine}")
    if header[:2] == b"MZ" and len(header) >= 64:
        offset = struct.unpack("<I", header[60:64])[0]
        if header[offset:offset + 4] == b"PE\0\0":
            machine = struct.unpack("<H", header[offset + 4:offset + 6])[0]
            return "pe", _PE_MACHINES.get(machine, f"pe-{machine:#x}")
        return None
    if header[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        return "macho", process_arch()  # fat binaries carry several; let the loader decide
    return None


def diagnose_module_file_detail(path: str) -> tuple[ErrorInfo | None, str]:
    """(error or None, a safe detail for support) from the file alone: exists, is a shared
    library, of this process's architecture. It never loads the file: loading runs vendor code
    (DllMain, constructors) and belongs on the token thread (``load_error`` explains a failure
    there), so this check is safe from any thread."""
    if not is_absolute(path):
        return errors.MODULE_PATH_NOT_ABSOLUTE, path
    try:
        with open(path, "rb") as fh:
            header = fh.read(4096)
    except FileNotFoundError:
        return errors.MODULE_NOT_FOUND, path
    except IsADirectoryError:
        return errors.MODULE_NOT_PKCS11, "a directory"
    except OSError as exc:
        return errors.MODULE_LOAD_FAILED, f"{type(exc).__name__}: {path}"
    kind = binary_arch(header)
    if kind is None:
        return errors.MODULE_NOT_PKCS11, "not a shared library"
    if kind[1] != process_arch():
        return errors.MODULE_WRONG_ARCH, f"module {kind[1]}, program {process_arch()}"
    return None, ""


def diagnose_module_file(path: str) -> ErrorInfo | None:
    """Why the module at ``path`` cannot be used, as far as the file tells; None when it looks
    like a library this program can load."""
    return diagnose_module_file_detail(path)[0]


_WINERROR = re.compile(r"\[WinError (\d+)\]")


def _root_cause(exc: BaseException) -> BaseException:
    """The loader's own exception: PyInstaller's frozen ``ctypes.CDLL`` raises
    ``PyInstallerImportError`` (an OSError with only the name) ``from`` the real one."""
    seen = 0
    while type(exc).__name__ == "PyInstallerImportError" and exc.__cause__ is not None \
            and seen < 5:
        exc, seen = exc.__cause__, seen + 1
    return exc


def load_error(path: str, exc: BaseException) -> tuple[ErrorInfo, str]:
    """(catalogue entry, detail) for an exception a module load raised, whatever raised it:
    our own ``HyError``, ctypes (``FileNotFoundError("Could not find module … (or one of its
    dependencies)")`` with ``winerror`` None for error 126, ``OSError`` with ``winerror`` for the
    others), PyInstaller's wrapper, or python-pkcs11's ``PKCS11Error`` with dlerror()'s text."""
    from ..winsupport import ERROR_MOD_NOT_FOUND, windows_load_error

    if isinstance(exc, errors.HyError):
        return exc.info, exc.detail
    exc = _root_cause(exc)
    text = str(exc)
    code = getattr(exc, "winerror", None)
    if code is None:
        m = _WINERROR.search(text)
        code = int(m.group(1)) if m else None
    if code is None and isinstance(exc, FileNotFoundError) and "Could not find module" in text:
        code = ERROR_MOD_NOT_FOUND
    if code is not None:
        info, detail = windows_load_error(int(code), path)
        if info is errors.MODULE_MISSING_DEPENDENCY and not os.path.exists(path):
            info = errors.MODULE_NOT_FOUND  # 126 for the file itself, not a dependency
        return info, detail
    m = re.search(r"([^\s:]+): cannot open shared object file", text)
    if m and os.path.basename(m.group(1)) != os.path.basename(path):
        return errors.MODULE_MISSING_DEPENDENCY, m.group(1)
    if m:
        return errors.MODULE_NOT_FOUND, path
    if "wrong ELF class" in text:
        return errors.MODULE_WRONG_ARCH, "wrong ELF class"
    m = re.search(r"undefined symbol: (\S+)", text)
    if m and m.group(1) == "C_GetFunctionList":
        return errors.MODULE_NOT_PKCS11, "no C_GetFunctionList"
    if m:
        return errors.MODULE_MISSING_DEPENDENCY, m.group(1)
    if "C_GetFunctionList" in text:
        return errors.MODULE_NOT_PKCS11, "no C_GetFunctionList"
    return errors.MODULE_LOAD_FAILED, f"{type(exc).__name__}: {text[:300]}"
