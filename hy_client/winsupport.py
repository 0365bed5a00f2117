"""Windows integration the core needs, importable everywhere (pure ctypes, no pywin32).

Vendor PKCS#11 DLLs are loaded by absolute path only, and the DLLs they depend on are found in a
safe order without changing the process: ``load_library_safely`` first loads the module itself
with ``LoadLibraryExW(path, NULL, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR |
LOAD_LIBRARY_SEARCH_DEFAULT_DIRS)`` — its static dependencies come from its own folder, the
application folder, System32 and folders added with ``AddDllDirectory``, never the current
directory or PATH — and only then calls the loader (python-pkcs11's plain ``LoadLibraryW`` finds
the module already mapped). The handle and an ``AddDllDirectory`` cookie for the vendor folder are
kept for as long as the module is loaded (python-pkcs11 never unloads one: the process lifetime),
so loads the vendor makes later with the LOAD_LIBRARY_SEARCH flags still find its folder. The
process-wide ``SetDefaultDllDirectories`` is never called: it cannot be undone, and delay-loaded
DLLs at C_Login/C_Sign and ``reinitialize()`` would lose PATH, where vendor installers put their
folder (a failed delay load, 0xC06D007E, ends the process).

Error codes of a failed load (``GetLastError``) are mapped once, in ``windows_load_error``.
The 32/64-bit check of a module file (PE/ELF header) lives in ``token.modules``.
"""

from __future__ import annotations

import ctypes
import logging
import ntpath
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from . import errors

log = logging.getLogger(__name__)
T = TypeVar("T")

LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR = 0x00000100
LOAD_LIBRARY_SEARCH_DEFAULT_DIRS = 0x00001000
SAFE_LOAD_FLAGS = LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS
APP_USER_MODEL_ID = "Hengyang.HyClient"

ERROR_FILE_NOT_FOUND = 2
ERROR_PATH_NOT_FOUND = 3
ERROR_ACCESS_DENIED = 5
ERROR_MOD_NOT_FOUND = 126  # the file exists: a DLL it needs is missing (often the VC++ runtime)
ERROR_PROC_NOT_FOUND = 127  # a DLL it needs lacks a function: a wrong version of it
ERROR_BAD_EXE_FORMAT = 193  # 32/64-bit mismatch
ERROR_DLL_INIT_FAILED = 1114  # a DllMain returned FALSE


def is_windows(plat: str = sys.platform) -> bool:
    return plat.startswith("win")


def windows_load_error(code: int, path: str) -> tuple[errors.ErrorInfo, str]:
    """(catalogue entry, detail with the full path) for a Win32 error of a module load."""
    known = {
        ERROR_MOD_NOT_FOUND: errors.MODULE_MISSING_DEPENDENCY,
        ERROR_PROC_NOT_FOUND: errors.MODULE_ENTRY_POINT_MISSING,
        ERROR_BAD_EXE_FORMAT: errors.MODULE_WRONG_ARCH,
        ERROR_DLL_INIT_FAILED: errors.MODULE_INIT_FAILED,
        ERROR_FILE_NOT_FOUND: errors.MODULE_NOT_FOUND,
        ERROR_PATH_NOT_FOUND: errors.MODULE_NOT_FOUND,
    }
    return known.get(code, errors.MODULE_LOAD_FAILED), f"WinError {code}: {path}"


class Kernel32(Protocol):
    """The kernel32 calls used here (a real ``WinDLL`` wrapper, or a recorder in tests)."""

    def LoadLibraryExW(self, path: str, file: Any, flags: int) -> Any: ...
    def AddDllDirectory(self, path: str) -> Any: ...
    def RemoveDllDirectory(self, cookie: Any) -> int: ...
    def last_error(self) -> int: ...


class _RealKernel32:
    """A private ``WinDLL`` with ``use_last_error``: GetLastError is not lost to other ctypes
    calls, and every function has its argtypes/restype (a 64-bit handle is never truncated)."""

    def __init__(self) -> None:
        from ctypes import wintypes

        k32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        k32.LoadLibraryExW.argtypes = [wintypes.LPCWSTR, wintypes.HANDLE, wintypes.DWORD]
        k32.LoadLibraryExW.restype = wintypes.HMODULE
        k32.AddDllDirectory.argtypes = [wintypes.LPCWSTR]
        k32.AddDllDirectory.restype = ctypes.c_void_p  # DLL_DIRECTORY_COOKIE
        k32.RemoveDllDirectory.argtypes = [ctypes.c_void_p]
        k32.RemoveDllDirectory.restype = wintypes.BOOL
        self._k32 = k32

    def LoadLibraryExW(self, path: str, file: Any, flags: int) -> Any:
        return self._k32.LoadLibraryExW(path, file, flags)

    def AddDllDirectory(self, path: str) -> Any:
        return self._k32.AddDllDirectory(path)

    def RemoveDllDirectory(self, cookie: Any) -> int:
        return int(self._k32.RemoveDllDirectory(cookie))

    def last_error(self) -> int:
        return int(ctypes.get_last_error())  # type: ignore[attr-defined]


@dataclass
class _Pin:
    handle: Any
    cookie: Any


class VendorLoads:
    """The vendor modules this process loaded: per file, the module handle and the cookie of its
    folder, both kept while the module is loaded."""

    def __init__(self, kernel32: Kernel32) -> None:
        self._k32 = kernel32
        self._pins: dict[str, _Pin] = {}
        self._lock = threading.Lock()

    def folders(self) -> list[str]:
        with self._lock:
            return sorted({ntpath.dirname(k) for k in self._pins})

    def preload(self, path: str) -> None:
        """Load ``path`` and its dependencies in the safe order; HyError with the mapped
        Win32 error when Windows refuses. A file already loaded is not loaded twice."""
        key = ntpath.normcase(path)
        with self._lock:
            if key in self._pins:
                return
            cookie = self._k32.AddDllDirectory(ntpath.dirname(path))
            if not cookie:
                raise errors.HyError(errors.MODULE_LOAD_FAILED,
                                     f"AddDllDirectory WinError {self._k32.last_error()}: {path}")
            handle = self._k32.LoadLibraryExW(path, None, SAFE_LOAD_FLAGS)
            if not handle:
                code = self._k32.last_error()
                if not self._k32.RemoveDllDirectory(cookie):
                    log.warning("RemoveDllDirectory failed (WinError %s)", self._k32.last_error())
                raise errors.HyError(*windows_load_error(code, path))
            self._pins[key] = _Pin(handle, cookie)


_loads: VendorLoads | None = None
_loads_lock = threading.Lock()


def vendor_loads(kernel32: Kernel32 | None = None) -> VendorLoads:
    """The process's one ``VendorLoads`` (a test passes its own kernel32 and gets a fresh one)."""
    global _loads
    if kernel32 is not None:
        return VendorLoads(kernel32)
    with _loads_lock:
        if _loads is None:
            if sys.platform != "win32":
                raise OSError("kernel32 exists only on Windows")
            _loads = VendorLoads(_RealKernel32())
        return _loads


def is_absolute(path: str, plat: str = sys.platform) -> bool:
    """An absolute path by the rules of ``plat``: on Windows a drive letter too (``\\dir`` is
    relative to the current drive, so a DLL there could be swapped)."""
    return ntpath.isabs(path) and bool(ntpath.splitdrive(path)[0]) if plat.startswith("win") \
        else os.path.isabs(path)


def load_library_safely(path: str, loader: Callable[[str], T] | None = None, *,
                        plat: str = sys.platform, loads: VendorLoads | None = None) -> T:
    """``loader(path)`` (default ``ctypes.CDLL``; the token layer passes ``pkcs11.lib``) for an
    absolute path only; on Windows after ``VendorLoads.preload``. Relative paths:
    MODULE_PATH_NOT_ABSOLUTE, before anything is loaded."""
    if not is_absolute(path, plat):
        raise errors.HyError(errors.MODULE_PATH_NOT_ABSOLUTE, path)
    load: Callable[[str], Any] = loader if loader is not None else ctypes.CDLL
    if is_windows(plat):
        (loads or vendor_loads()).preload(path)
    return load(path)


def set_app_user_model_id(app_id: str = APP_USER_MODEL_ID, *, plat: str = sys.platform,
                          shell32: Any = None) -> bool:
    """Windows: the taskbar button and toast notifications carry the app's identity, not
    python's. Called by the GUI before its first window. True when set (S_OK)."""
    if not is_windows(plat):
        return False
    try:
        if shell32 is None:
            from ctypes import wintypes

            shell32 = ctypes.WinDLL("shell32", use_last_error=True)  # type: ignore[attr-defined]
            set_id = shell32.SetCurrentProcessExplicitAppUserModelID
            set_id.argtypes = [wintypes.LPCWSTR]
            set_id.restype = ctypes.c_long  # HRESULT
        hresult = int(shell32.SetCurrentProcessExplicitAppUserModelID(app_id))
    except (OSError, AttributeError):
        return False
    if hresult != 0:
        log.warning("SetCurrentProcessExplicitAppUserModelID HRESULT %#x", hresult & 0xFFFFFFFF)
    return hresult == 0
