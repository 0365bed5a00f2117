"""A key pulled at a chosen moment: the real python-pkcs11 objects, wrapped.

``PullableLib(real)`` is the real module; after ``pull()`` every call through one of its
sessions, keys or tokens raises ``DeviceRemoved`` (what a vendor module answers when the key is
unplugged mid-operation), until ``replug()``. SoftHSM cannot be unplugged, hence the wrapper.
"""

from __future__ import annotations

from typing import Any

import pkcs11


class _Wrap:
    def __init__(self, real: Any, lib: PullableLib) -> None:
        self._real, self._lib = real, lib

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._real, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._lib.check()
            return self._lib.wrap(value(*args, **kwargs))
        return call

    def __getitem__(self, key: Any) -> Any:
        self._lib.check()
        return self._real[key]

    def __enter__(self) -> Any:
        self._lib.check()
        return _Wrap(self._real.__enter__(), self._lib)

    def __exit__(self, *exc: Any) -> Any:
        return self._real.__exit__(*exc)

    def __iter__(self) -> Any:
        for item in self._real:
            self._lib.check()
            yield self._lib.wrap(item)

    def __eq__(self, other: object) -> bool:
        return bool(self._real == (other._real if isinstance(other, _Wrap) else other))

    def __hash__(self) -> int:
        return hash(self._real)


class PullableLib:
    def __init__(self, real: Any) -> None:
        self._real = real
        self.pulled = False
        self.pulls = 0

    def pull(self) -> None:
        self.pulled = True

    def replug(self) -> None:
        self.pulled = False

    def check(self) -> None:
        if self.pulled:
            self.pulls += 1
            raise pkcs11.DeviceRemoved()

    def wrap(self, value: Any) -> Any:
        if isinstance(value, (pkcs11.Session, pkcs11.Token, pkcs11.Slot)) or (
                type(value).__module__.startswith("pkcs11") and hasattr(value, "sign")) or (
                isinstance(value, pkcs11.Object)):
            return _Wrap(value, self)
        if isinstance(value, tuple):
            return tuple(self.wrap(v) for v in value)
        if isinstance(value, list):
            return [self.wrap(v) for v in value]
        if hasattr(value, "__next__"):
            return (self.wrap(v) for v in value)
        return value

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._real, name)
        if name in ("get_slots", "get_tokens", "get_token"):
            def call(*args: Any, **kwargs: Any) -> Any:
                return self.wrap(value(*args, **kwargs))
            return call
        return value
