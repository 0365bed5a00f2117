"""The token thread and module loading: the one thread that calls into PKCS#11, and the one
way a module file is loaded (once per file per process, safe DLL search order on Windows).

python-pkcs11 initialises modules without OS locking and releases the GIL inside C calls, so two
threads in a vendor module at once is undefined (it crashed SoftHSM): every PKCS#11 call of the
process runs on ``TOKEN_THREAD``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import pkcs11

from .. import errors
from ..errors import ErrorInfo
from ..winsupport import load_library_safely
from .models import ModuleInfo
from .modules import diagnose_module_file_detail, is_absolute, load_error, module_key
from .raw import RawModule

log = logging.getLogger(__name__)
THREAD_NAME = "token"

# The path string each library file was first loaded by in this process (see ``load_name``).
_load_names: dict[str, str] = {}
_load_lock = threading.Lock()


def load_name(path: str) -> str:
    """The path string to load ``path``'s file by: the one this process first used for it.

    python-pkcs11 caches a library by its path string; the same file under a second string
    (a symlink, p11-kit's path vs the catalogue's) gets a second wrapper whose C_Initialize
    fails with CKR_CRYPTOKI_ALREADY_INITIALIZED (M105). A file that other code in this process
    loaded directly through ``pkcs11.lib`` is found in python-pkcs11's cache.
    """
    key = module_key(path)
    with _load_lock:
        name = _load_names.get(key)
        if name is None:
            cached = list(getattr(pkcs11, "_loaded", {}))
            name = _load_names[key] = next(
                (so for so in cached if module_key(so) == key), path)
        return name


def loaded_before(path: str) -> bool:
    """Loaded earlier in this process: its token list may be stale (re-initialise it)."""
    key = module_key(path)
    with _load_lock:
        return key in _load_names or any(module_key(so) == key
                                         for so in list(getattr(pkcs11, "_loaded", {})))


@dataclass


class LoadedModule:
    """One module file as the token thread holds it: the library, or why it did not load."""

    path: str
    lib: Any = None
    raw: RawModule | None = None
    raw_failed: bool = False
    error: ErrorInfo | None = None
    detail: str = ""
    present: tuple[int, ...] | None = None
    slot_events: bool | None = None  # C_WaitForSlotEvent(DONT_BLOCK) supported?
    dirty: bool = False  # an operation saw the token vanish: relist fully on the next poll
    info: ModuleInfo | None = None
    stale: bool = False  # loaded earlier in this process: re-initialise before the first listing


class TokenThread:
    """The one thread of the process that calls into PKCS#11, shared by every TokenService.

    A module initialised without OS locking must never see two threads at once, and a second
    service (a short-lived probe, diagnostics) would otherwise bring its own thread into the
    same library. Started on first use; a daemon, so it never holds up the exit.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]]] = (
            queue.SimpleQueue())
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def current(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def submit(self, future: Future[Any], fn: Callable[[], Any]) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name=THREAD_NAME,
                                                    daemon=True)
                    self._thread.start()
        self._queue.put((future, fn))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            future, fn = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except BaseException as exc:
                    future.set_exception(exc)
            del item, future, fn  # drop job arguments (a PIN) at once


TOKEN_THREAD = TokenThread()


def load_module(path: str, loader: Callable[[str], Any]) -> LoadedModule:
    """Load one module by absolute path; a failure is kept in the result, never raised."""
    m = LoadedModule(path)
    if not is_absolute(path):
        m.error, m.detail = errors.MODULE_PATH_NOT_ABSOLUTE, path
        return m
    m.stale = loaded_before(path)
    try:
        # safe DLL search order on Windows; one path string per file in this process
        m.lib = load_library_safely(load_name(path), loader)
    except errors.HyError as exc:
        m.error, m.detail = exc.info, exc.detail
        log.warning("module %s not loaded: %s %s", path, m.error.code, m.detail)
        return m
    except Exception as exc:
        info, detail = diagnose_module_file_detail(path)
        if info is None:
            info, detail = load_error(path, exc)
        m.error, m.detail = info, detail
        log.warning("module %s not loaded: %s %s", path, m.error.code, m.detail)
        return m
    return m


def raw_module(m: LoadedModule) -> RawModule | None:
    """The direct entry points, opened on first need (a poll, a refused login)."""
    if m.raw is None and not m.raw_failed:
        try:
            m.raw = RawModule(m.path)
        except (OSError, AttributeError):
            m.raw_failed = True  # polling falls back to python-pkcs11's slot listing
    return m.raw
