"""The Windows registry behind a small interface, so the logic that reads and writes it runs
(and is tested) anywhere: ``WinRegistry`` is the real one (``winreg``), ``MemoryRegistry`` holds
keys in memory — tests load it from a recorded export of a real machine.

Keys are ``(hive, path)`` with hive ``"HKCU"`` or ``"HKLM"``. ``view`` selects the 64-bit or
32-bit registry view (``KEY_WOW64_64KEY`` / ``KEY_WOW64_32KEY``) instead of spelling the
``WOW6432Node`` redirection into a path. Values are ``(data, kind)`` with winreg's type numbers.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

Hive = Literal["HKCU", "HKLM"]
View = Literal[32, 64] | None
REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD = 1, 2, 3, 4
Value = tuple[Any, int]


class RegistryDenied(OSError):
    """Windows refused a write (ERROR_ACCESS_DENIED): policy keys are often admin-only."""


class Registry(Protocol):
    def get(self, hive: Hive, path: str, name: str, view: View = None) -> Value | None: ...
    def values(self, hive: Hive, path: str, view: View = None) -> dict[str, Value]: ...
    def subkeys(self, hive: Hive, path: str, view: View = None) -> list[str]: ...
    def set(self, hive: Hive, path: str, name: str, data: Any, kind: int) -> None: ...
    def delete(self, hive: Hive, path: str, name: str) -> None: ...


def _norm(path: str) -> str:
    return "\\".join(p for p in path.replace("/", "\\").split("\\") if p).casefold()


@dataclass
class MemoryRegistry:
    """Keys in memory: ``keys[(hive, view, normalised path)] = {name: (data, kind)}``. A key
    recorded without a view is seen from both views (as most of HKCU is)."""

    keys: dict[tuple[str, int | None, str], dict[str, Value]] = field(default_factory=dict)
    names: dict[tuple[str, int | None, str], str] = field(default_factory=dict)  # display case
    writes: list[tuple[str, str, str, str, Any]] = field(default_factory=list)
    deny: set[str] = field(default_factory=set)  # normalised paths that refuse writes

    @classmethod
    def load(cls, file: Path) -> MemoryRegistry:
        """From a recorded export: ``{"HKLM|64|SOFTWARE\\...": {"Name": [data, kind]}}``
        (view empty for both views; REG_BINARY data as hex)."""
        reg = cls()
        for key, values in json.loads(file.read_text("utf-8")).items():
            hive, view, path = key.split("|", 2)
            slot = reg._key(hive, int(view) if view else None, path, create=True)
            for name, (data, kind) in values.items():
                slot[name] = (bytes.fromhex(data) if kind == REG_BINARY else data, kind)
        return reg

    def _key(self, hive: str, view: int | None, path: str, *, create: bool = False
             ) -> dict[str, Value]:
        k = (hive, view, _norm(path))
        if k not in self.keys and create:
            self.keys[k] = {}
            parts = path.replace("/", "\\").split("\\")
            for i in range(1, len(parts) + 1):  # parents exist too, with their display names
                parent = (hive, view, _norm("\\".join(parts[:i])))
                self.keys.setdefault(parent, {})
                self.names.setdefault(parent, parts[i - 1])
        found = self.keys.get(k)
        if found is None:
            found = self.keys.get((hive, None, _norm(path)))
        return found if found is not None else {}

    def get(self, hive: Hive, path: str, name: str, view: View = None) -> Value | None:
        values = self.values(hive, path, view)
        return next((v for n, v in values.items() if n.casefold() == name.casefold()), None)

    def values(self, hive: Hive, path: str, view: View = None) -> dict[str, Value]:
        return dict(self._key(hive, view, path))

    def subkeys(self, hive: Hive, path: str, view: View = None) -> list[str]:
        base = _norm(path)
        out = []
        for (h, v, p), display in self.names.items():
            if h == hive and v in (view, None) and "\\" in p \
                    and p.rsplit("\\", 1)[0] == base and display not in out:
                out.append(display)
        return out

    def set(self, hive: Hive, path: str, name: str, data: Any, kind: int) -> None:
        if _norm(path) in self.deny:
            raise RegistryDenied(5, "Access is denied")
        self._key(hive, None, path, create=True)
        self.keys[(hive, None, _norm(path))][name] = (data, kind)
        self.writes.append(("set", hive, path, name, data))

    def delete(self, hive: Hive, path: str, name: str) -> None:
        values = self.keys.get((hive, None, _norm(path)), {})
        for n in [n for n in values if n.casefold() == name.casefold()]:
            del values[n]
        self.writes.append(("delete", hive, path, name, None))


def _winreg() -> Any:
    """``winreg``, typed loosely: mypy checks this module as on Linux, where it does not exist."""
    import importlib

    return importlib.import_module("winreg")


class WinRegistry:
    """The real registry through ``winreg`` (Windows only)."""

    def __init__(self) -> None:
        _winreg()  # fails early elsewhere

    @staticmethod
    def _open(hive: Hive, path: str, view: View, write: bool = False) -> Any:
        winreg = _winreg()
        root = winreg.HKEY_CURRENT_USER if hive == "HKCU" else winreg.HKEY_LOCAL_MACHINE
        access = (winreg.KEY_SET_VALUE | winreg.KEY_QUERY_VALUE) if write else winreg.KEY_READ
        if view == 64:
            access |= winreg.KEY_WOW64_64KEY
        elif view == 32:
            access |= winreg.KEY_WOW64_32KEY
        if write:
            return winreg.CreateKeyEx(root, path, 0, access)
        return winreg.OpenKey(root, path, 0, access)

    def get(self, hive: Hive, path: str, name: str, view: View = None) -> Value | None:
        winreg = _winreg()
        try:
            with self._open(hive, path, view) as key:
                data, kind = winreg.QueryValueEx(key, name)
        except OSError:
            return None
        return data, kind

    def values(self, hive: Hive, path: str, view: View = None) -> dict[str, Value]:
        winreg = _winreg()
        out: dict[str, Value] = {}
        try:
            with self._open(hive, path, view) as key:
                for i in range(winreg.QueryInfoKey(key)[1]):
                    name, data, kind = winreg.EnumValue(key, i)
                    out[name] = (data, kind)
        except OSError:
            pass
        return out

    def subkeys(self, hive: Hive, path: str, view: View = None) -> list[str]:
        winreg = _winreg()
        try:
            with self._open(hive, path, view) as key:
                return [winreg.EnumKey(key, i) for i in range(winreg.QueryInfoKey(key)[0])]
        except OSError:
            return []

    def set(self, hive: Hive, path: str, name: str, data: Any, kind: int) -> None:
        winreg = _winreg()
        try:
            with self._open(hive, path, None, write=True) as key:
                winreg.SetValueEx(key, name, 0, kind, data)
        except PermissionError as exc:
            raise RegistryDenied(5, str(exc)) from None

    def delete(self, hive: Hive, path: str, name: str) -> None:
        winreg = _winreg()
        root = winreg.HKEY_CURRENT_USER if hive == "HKCU" else winreg.HKEY_LOCAL_MACHINE
        try:  # opened, not created: deleting from a key that is not there changes nothing
            with winreg.OpenKey(root, path, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, name)
        except FileNotFoundError:
            pass
        except PermissionError as exc:
            raise RegistryDenied(5, str(exc)) from None


def system_registry() -> Registry | None:
    """The real registry on Windows, None elsewhere."""
    return WinRegistry() if sys.platform == "win32" else None


def walk(reg: Registry, hive: Hive, path: str, view: View = None
         ) -> Iterator[tuple[str, dict[str, Value]]]:
    """(subkey name, its values) for each direct subkey of ``path``."""
    for name in reg.subkeys(hive, path, view):
        yield name, reg.values(hive, f"{path}\\{name}", view)
