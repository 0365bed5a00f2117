"""The two PKCS#11 calls python-pkcs11 does not expose on their own, through the module's own
function list (the library python-pkcs11 already loaded and initialised; same process handle).

- ``C_GetSlotList(present, buf)`` once: python-pkcs11's ``get_slots`` adds a ``C_GetSlotInfo``
  per slot, and on a real key every call is a USB round trip; a hot-plug poll must stay cheap.
- ``C_CloseAllSessions(slot)``: a refused ``C_Login`` leaves python-pkcs11's session open (no
  Session object is returned to close it), which later blocks an SO login.

Only the token thread calls these, like every other PKCS#11 call.
"""

from __future__ import annotations

import ctypes
import sys

from ..winsupport import load_library_safely

CKR_OK = 0
CKR_BUFFER_TOO_SMALL = 0x150
_CK_ULONG = ctypes.c_ulong  # unsigned long: 32-bit on Windows, 64-bit on Linux — as in pkcs11.h
_INDEX = {"C_GetSlotList": 4, "C_CloseAllSessions": 14}


class _FunctionList(ctypes.Structure):
    # PKCS#11 headers pack structures to 1 byte on Windows; natural alignment elsewhere.
    if sys.platform == "win32":
        _pack_ = 1
    _fields_ = [("major", ctypes.c_ubyte), ("minor", ctypes.c_ubyte),
                *[(f"f{i}", ctypes.c_void_p) for i in range(15)]]


_GetSlotList = ctypes.CFUNCTYPE(_CK_ULONG, ctypes.c_ubyte, ctypes.POINTER(_CK_ULONG),
                                ctypes.POINTER(_CK_ULONG))
_CloseAllSessions = ctypes.CFUNCTYPE(_CK_ULONG, _CK_ULONG)


class RawModule:
    """Direct entry points into an already loaded PKCS#11 module."""

    def __init__(self, path: str) -> None:
        self._dll = load_library_safely(path, ctypes.CDLL)
        fl = ctypes.POINTER(_FunctionList)()
        rv = self._dll.C_GetFunctionList(ctypes.byref(fl))
        if rv != CKR_OK or not fl:
            raise OSError(f"C_GetFunctionList returned {rv:#x}")
        table = fl.contents
        self._get_slot_list = _GetSlotList(getattr(table, f"f{_INDEX['C_GetSlotList']}"))
        self._close_all = _CloseAllSessions(getattr(table, f"f{_INDEX['C_CloseAllSessions']}"))
        self._buf = (_CK_ULONG * 32)()

    def present_slots(self) -> tuple[int, ...] | int:
        """Slot IDs holding a token, in one call; the CK_RV (an int) when the call fails."""
        count = _CK_ULONG(len(self._buf))
        rv = self._get_slot_list(1, self._buf, ctypes.byref(count))
        if rv == CKR_BUFFER_TOO_SMALL:
            self._buf = (_CK_ULONG * (count.value + 8))()
            count = _CK_ULONG(len(self._buf))
            rv = self._get_slot_list(1, self._buf, ctypes.byref(count))
        if rv != CKR_OK:
            return int(rv)
        return tuple(sorted(self._buf[i] for i in range(count.value)))

    def close_all_sessions(self, slot_id: int) -> int:
        return int(self._close_all(slot_id))
