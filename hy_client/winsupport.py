"""Windows integration the core needs, importable everywhere (pure ctypes, no pywin32).

Vendor PKCS#11 DLLs are loaded by absolute path only, with a safe search order for the DLLs they
depend on: python-pkcs11 calls plain ``LoadLibraryW``, whose default order includes the current
directory and PATH, where anyone can plant a DLL. ``load_library_safely`` first restricts the
process to the application folder, System32 and folders added explicitly
(``SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_DEFAULT_DIRS)``), adds the vendor's own folder for
the duration of the load (``AddDllDirectory``; python-pkcs11 runs ``C_Initialize`` inside the
load, so its lazy loads are covered) and removes it afterwards. Elsewhere it only checks the path.

The 32/64-bit check of a module file (PE/ELF header) lives in ``token.modules``
(``binary_arch``, ``process_arch``, ``diagnose_module_file``): one reader of headers.
"""

from __future__ import annotations

import ctypes
import logging
import ntpath
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from . import errors

log = logging.getLogger(__name__)
T = TypeVar("T")

LOAD_LIBRARY_SEARCH_DEFAULT_DIRS = 0x00001000
APP_USER_MODEL_ID = "Hengyang.HyClient"


def is_windows(plat: str = sys.platform) -> bool:
    return plat.startswith("win")


class Kernel32(Protocol):
    """The three kernel32 calls used here (typed for a real ``WinDLL`` or a recorder in tests)."""

    def SetDefaultDllDirectories(self, flags: int) -> int: ...
    def AddDllDirectory(self, path: str) -> Any: ...
    def RemoveDllDirectory(self, cookie: Any) -> int: ...


def _kernel32() -> Kernel32:
    if sys.platform != "win32":
        raise OSError("kernel32 exists only on Windows")
    from ctypes import wintypes

    k32 = ctypes.WinDLL("kernel32", use_last_error=True)
    k32.SetDefaultDllDirectories.argtypes = [wintypes.DWORD]
    k32.SetDefaultDllDirectories.restype = wintypes.BOOL
    k32.AddDllDirectory.argtypes = [wintypes.LPCWSTR]
    k32.AddDllDirectory.restype = ctypes.c_void_p  # DLL_DIRECTORY_COOKIE
    k32.RemoveDllDirectory.argtypes = [ctypes.c_void_p]
    k32.RemoveDllDirectory.restype = wintypes.BOOL
    return k32


def _last_error() -> int:
    get = getattr(ctypes, "get_last_error", None)
    return int(get()) if get else 0


@contextmanager
def vendor_dll_directory(module_path: str, *, plat: str = sys.platform,
                         kernel32: Kernel32 | None = None) -> Iterator[None]:
    """While inside: DLLs resolve only from the app folder, System32 and the module's folder.

    A no-op outside Windows. Fails with MODULE_LOAD_FAILED when Windows refuses (pre-KB2533623
    Windows 7, which lacks these calls): loading with the unsafe order is never the fallback.
    """
    if not is_windows(plat):
        yield
        return
    k32 = kernel32 if kernel32 is not None else _kernel32()
    try:
        set_default = k32.SetDefaultDllDirectories
    except AttributeError:
        raise errors.HyError(errors.MODULE_LOAD_FAILED, "SetDefaultDllDirectories missing") \
            from None
    if not set_default(LOAD_LIBRARY_SEARCH_DEFAULT_DIRS):
        raise errors.HyError(errors.MODULE_LOAD_FAILED,
                             f"SetDefaultDllDirectories WinError {_last_error()}")
    folder = ntpath.dirname(module_path)
    cookie = k32.AddDllDirectory(folder)
    if not cookie:
        raise errors.HyError(errors.MODULE_LOAD_FAILED, f"AddDllDirectory WinError {_last_error()}")
    try:
        yield
    finally:
        if not k32.RemoveDllDirectory(cookie):
            log.warning("RemoveDllDirectory failed (WinError %s)", _last_error())


def is_absolute(path: str, plat: str = sys.platform) -> bool:
    """An absolute path by the rules of ``plat``: on Windows a drive letter too (``\\dir`` is
    relative to the current drive, so a DLL there could be swapped)."""
    return ntpath.isabs(path) and bool(ntpath.splitdrive(path)[0]) if plat.startswith("win") \
        else os.path.isabs(path)


def load_library_safely(path: str, loader: Callable[[str], T] | None = None, *,
                        plat: str = sys.platform, kernel32: Kernel32 | None = None) -> T:
    """``loader(path)`` (default ``ctypes.CDLL``; the token layer passes ``pkcs11.lib``) for an
    absolute path only, inside ``vendor_dll_directory``. Relative paths: MODULE_PATH_NOT_ABSOLUTE.
    """
    if not is_absolute(path, plat):
        raise errors.HyError(errors.MODULE_PATH_NOT_ABSOLUTE, path)
    load: Callable[[str], Any] = loader if loader is not None else ctypes.CDLL
    with vendor_dll_directory(path, plat=plat, kernel32=kernel32):
        return load(path)


def set_app_user_model_id(app_id: str = APP_USER_MODEL_ID) -> bool:
    """Windows: group the GUI's taskbar button under its own icon, not python's. Call before the
    first window is shown. True when set; False elsewhere or when Windows refuses."""
    if sys.platform != "win32":
        return False
    try:
        shell32 = ctypes.WinDLL("shell32")
        return int(shell32.SetCurrentProcessExplicitAppUserModelID(ctypes.c_wchar_p(app_id))) == 0
    except (OSError, AttributeError):
        return False
