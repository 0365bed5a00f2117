"""TokenService: scanning and sessions, every call on the one token thread.

Every method here returns a ``concurrent.futures.Future`` whose work runs on the token thread
(``thread.TOKEN_THREAD``); callers never see a pkcs11 object, only the dataclasses of
``models``. The thread and module loading live in ``thread``; mechanism choice and signature
verification, which need no token, in ``mechanisms`` (their public names are re-exported here).

What a real key costs is the number of calls (each one a USB round trip), so each token's
certificates, key IDs and mechanisms are read once per insertion and cached by serial; the PIN
flags are read afresh. A hot-plug ``poll`` with nothing changed costs one call
(``C_WaitForSlotEvent`` without blocking, where the module supports it) or one ``C_GetSlotList``.

Modules can be added and dropped while the service runs (``set_modules``: a driver installed
or a path repaired takes effect without a restart). One library file is loaded once per process
whatever path string names it (``load_name``), and reported under the path the caller gave.

The PIN is an argument of one job and is dropped after it; ``C_Login`` is never retried here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pkcs11 import Attribute, Mechanism, ObjectClass, SlotFlag, TokenFlag

from .. import config, errors, sm2
from ..errors import HyError
from ..sm2_conventions import CKM_VENDOR_DEFINED, Sm2Convention, Sm2Resolver
from .certificate import EXPIRING_DAYS, parse_certificate
from .mechanisms import (
    SignPlan,
    choose_mechanism,
    effective_sm2,
    mechanism_names,
    sm2_ciphertext,
    sm2_mechanism,
    verify,
)
from .models import (
    Algorithm,
    CertificateInfo,
    ModuleInfo,
    SelfTestResult,
    SlotInfo,
    TokenEvent,
    TokenFlags,
    TokenInfo,
)
from .modules import module_key, module_paths, unique_paths
from .pin import check_new_pin
from .pkcs11_errors import is_removal, map_error
from .thread import (
    THREAD_NAME,
    TOKEN_THREAD,
    LoadedModule,
    load_module,
    load_name,
    raw_module,
)
from .vendor import vendor_mechanism

__all__ = ["CKM_VENDOR_DEFINED", "THREAD_NAME", "TokenService", "flags_of", "load_name",
           "mechanism_names", "token_service", "verify"]

log = logging.getLogger(__name__)
_SAID_TWICE: set[tuple[str, str]] = set()  # (serial, module) already logged
T = TypeVar("T")


def flags_of(token: Any) -> TokenFlags:
    f = token.flags
    return TokenFlags(
        login_required=bool(f & TokenFlag.LOGIN_REQUIRED),
        protected_auth_path=bool(f & TokenFlag.PROTECTED_AUTHENTICATION_PATH),
        user_pin_count_low=bool(f & TokenFlag.USER_PIN_COUNT_LOW),
        user_pin_final_try=bool(f & TokenFlag.USER_PIN_FINAL_TRY),
        user_pin_locked=bool(f & TokenFlag.USER_PIN_LOCKED),
        user_pin_to_be_changed=bool(f & TokenFlag.USER_PIN_TO_BE_CHANGED),
        token_initialized=bool(f & TokenFlag.TOKEN_INITIALIZED),
    )


def _serial(token: Any) -> str:
    return bytes(token.serial).decode("ascii", "replace").strip()


def _version(v: tuple[int, int]) -> str:
    return f"{v[0]}.{v[1]}"


@dataclass


class _Token:
    serial: str
    module: LoadedModule
    slot: Any
    token: Any
    info: TokenInfo
    mechanisms: set[Any]
    session: Any = None  # the one logged-in session
    keys: dict[str, Any] = field(default_factory=dict)  # cert id hex → (key, key type)
    plans: dict[tuple[str, str], SignPlan] = field(default_factory=dict)
    sm2: Sm2Convention | None = None  # the module's SM2 mechanisms this token offers


class TokenService:
    """Owns the PKCS#11 modules; construct cheaply, the thread starts on first use.

    ``loader`` loads a module (``pkcs11.lib``); tests wrap its result to inject faults a real
    token cannot produce. One TokenService per process: modules are process-wide.
    ``sm2`` says how each module does SM2 (from the signed driver catalogue); without it an SM2
    key is listed with T280 and never signs.
    """

    def __init__(self, module_paths: Sequence[str], *, loader: Callable[[str], Any] = pkcs11.lib,
                 expiring_days: int = EXPIRING_DAYS, sm2: Sm2Resolver | None = None) -> None:
        self._paths = unique_paths(module_paths)
        self._sm2 = sm2
        self._loader = loader
        self._expiring_days = expiring_days
        self._started = False  # a job was ever submitted (close() then has sessions to end)
        self._closed = False
        self._listeners: tuple[Callable[[TokenEvent], None], ...] = ()
        # Owned by the token thread only:
        self._modules: list[LoadedModule] | None = None
        self._tokens: dict[str, _Token] = {}
        self._probes: dict[str, LoadedModule] = {}  # modules loaded by ``probe`` only, by file

    # --- the thread ----------------------------------------------------------------------

    @property
    def module_paths(self) -> list[str]:
        return list(self._paths)

    def call(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on the token thread (inline when already on it)."""
        future: Future[T] = Future()
        if self.on_token_thread():
            future.set_running_or_notify_cancel()
            try:
                future.set_result(fn(*args))
            except BaseException as exc:
                future.set_exception(exc)
            return future
        if self._closed:
            raise RuntimeError("TokenService is closed")
        self._started = True
        TOKEN_THREAD.submit(future, (lambda: fn(*args)) if args else fn)
        return future

    def on_token_thread(self) -> bool:
        return TOKEN_THREAD.current()

    def assert_token_thread(self) -> None:
        """Guard for code that touches PKCS#11: it must run on this service's thread."""
        if not self.on_token_thread():
            raise AssertionError(
                f"PKCS#11 call outside the token thread ({threading.current_thread().name})")

    def close(self, timeout: float = 10.0) -> None:
        """Log out and close sessions. Modules and the token thread stay (process-wide)."""
        if self._closed:
            return
        if self._started:
            self.call(self._close_sessions).result(timeout)
        self._closed = True

    def __enter__(self) -> TokenService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- events --------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[TokenEvent], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on the token thread for each insertion/removal.

        Returns the function that unsubscribes. Callbacks must be quick and must not block on
        this service's futures (the GUI re-emits them as queued signals).
        """
        self._listeners = (*self._listeners, callback)

        def unsubscribe() -> None:
            self._listeners = tuple(c for c in self._listeners if c is not callback)
        return unsubscribe

    def _emit(self, events: Iterable[TokenEvent]) -> None:
        for event in events:
            for callback in self._listeners:
                try:
                    callback(event)
                except Exception:
                    log.exception("token event listener failed")

    # --- public API (each a Future) -----------------------------------------------------

    def scan(self, *, refresh: bool = False) -> Future[list[ModuleInfo]]:
        """Modules → slots → initialised tokens → certificates. PIN flags are read afresh.

        ``refresh`` re-initialises each module with no logged-in session and reads its tokens
        afresh: some modules (and SoftHSM) only see a token plugged in after start once
        C_Finalize/C_Initialize ran.
        """
        return self.call(self._scan, refresh)

    def poll(self) -> Future[list[TokenEvent]]:
        """Hot-plug check; listeners get the same events."""
        return self.call(self._poll)

    def set_modules(self, paths: Sequence[str]) -> Future[list[ModuleInfo]]:
        """Make ``paths`` the service's modules while it runs; returns the fresh scan.

        New modules are loaded, dropped ones forgotten; listeners get ``inserted``/``removed``
        for the tokens that appear or go. A module with a logged-in key is never dropped: the
        whole change is refused with MODULE_IN_USE and nothing changes. (A dropped library
        stays loaded in the process, as every module does after ``close``.)
        """
        return self.call(self._set_modules, unique_paths(paths))

    def probe(self, paths: Sequence[str]) -> Future[list[ModuleInfo]]:
        """Does each module load, and which tokens does it list? One ModuleInfo per path.

        The service's own modules answer from a scan. Any other is loaded (once per process)
        and its slots listed, without becoming one of the service's modules: no session, no
        certificates read, no events — what a driver check needs before a module is registered.
        """
        return self.call(self._probe, list(paths))

    def login(self, serial: str, pin: str | None) -> Future[None]:
        """Log in with ``pin``, or through the PIN pad (protected path) when ``pin`` is None;
        a key that needs no login gets its session with no PIN (``pin`` None)."""
        return self.call(self._login, serial, pin)

    def logout(self, serial: str) -> Future[None]:
        return self.call(self._logout, serial)

    def sign(self, serial: str, cert_id: str, data: bytes, algorithm: Algorithm
             ) -> Future[bytes]:
        """Sign ``data`` (the message; hashing is part of the algorithm). ECDSA: raw r‖s."""
        return self.call(self.sign_now, serial, cert_id, data, algorithm)

    def sign_batch(self, serial: str, cert_id: str, items: Sequence[bytes],
                   algorithm: Algorithm) -> Future[list[bytes]]:
        """Several signatures in one job (one thread hand-off, one key and mechanism lookup)."""
        return self.call(self._sign_batch, serial, cert_id, items, algorithm)

    def change_pin(self, serial: str, old: str, new: str) -> Future[None]:
        return self.call(self._change_pin, serial, old, new)

    def self_test(self, serial: str, cert_id: str) -> Future[SelfTestResult]:
        return self.call(self._self_test, serial, cert_id)

    def token_flags(self, serial: str) -> Future[TokenFlags]:
        return self.call(self._fresh_flags_of, serial)

    def with_session(self, serial: str, fn: Callable[[Any, set[Any]], T]) -> Future[T]:
        """Run ``fn(session, mechanisms)`` on the token thread with a read-write session of the
        logged-in key.

        For this package's own writers (renewal: key generation, certificate objects); a
        PKCS#11 failure comes back as its catalogue error, a removal forgets the token's
        handles as any other operation does."""
        return self.call(self._with_session, serial, fn)

    def reread(self, serial: str) -> Future[TokenInfo]:
        """Read a logged-in token's certificates and key IDs again (after objects were written);
        its mechanisms and PIN state are kept."""
        return self.call(self._reread, serial)

    def token_info(self, serial: str) -> Future[TokenInfo]:
        """The cached description of one token (flags as of the last scan, login or poll)."""
        return self.call(lambda: self._entry(serial).info)

    # --- scanning (token thread) ---------------------------------------------------------

    def _ensure_modules(self) -> list[LoadedModule]:
        self.assert_token_thread()
        if self._modules is None:
            self._modules = [load_module(p, self._loader) for p in self._paths]
        return self._modules

    def _scan(self, refresh: bool) -> list[ModuleInfo]:
        modules = self._ensure_modules()
        events: list[TokenEvent] = []
        for m in modules:
            if m.lib is not None:
                reinit = (refresh or m.stale) and not self._logged_in(m)
                events += self._scan_module(m, reinit=reinit)
        self._emit(events)
        return [self._module_info(m) for m in modules]

    def _set_modules(self, paths: list[str]) -> list[ModuleInfo]:
        if self._modules is None:
            self._paths = paths
            return self._scan(False)
        current = {module_key(m.path): m for m in self._modules}
        wanted = {module_key(p): p for p in paths}
        dropped = [m for key, m in current.items() if key not in wanted]
        busy = [m.path for m in dropped if self._logged_in(m)]
        if busy:
            raise HyError(errors.MODULE_IN_USE, "、".join(busy))
        events: list[TokenEvent] = []
        for m in dropped:
            for serial in sorted(s for s, t in self._tokens.items() if t.module is m):
                events.append(TokenEvent("removed", serial, self._tokens.pop(serial).info.label,
                                         m.path))
        modules = []
        for key, path in wanted.items():
            m = current.get(key) or self._probes.pop(key, None) or load_module(path, self._loader)
            if m.path != path:  # the same file under the name the caller uses now
                m.path, m.info = path, None
            modules.append(m)
        self._modules, self._paths = modules, paths
        self._emit(events)
        return self._scan(False)

    def _probe(self, paths: list[str]) -> list[ModuleInfo]:
        own = {module_key(m.path): m for m in self._ensure_modules()}
        if any(module_key(p) in own for p in paths):
            self._scan(False)
        out = []
        for path in paths:
            key = module_key(path)
            m = own.get(key)
            if m is None:
                m = self._probes.get(key)
                if m is None or m.lib is None:  # a failed load is tried again (a fixed file)
                    m = self._probes[key] = load_module(path, self._loader)
                    m.info = None
                else:
                    m.stale = True  # listed before: a key plugged in since needs a re-init
                if m.lib is not None:
                    m.info = self._list_module(m)
            out.append(replace(self._module_info(m), path=path))
        return out

    def _list_module(self, m: LoadedModule) -> ModuleInfo:
        """Slots and token descriptions of a module that is not one of ours (``probe``)."""
        slots: list[SlotInfo] = []
        try:
            if m.stale:
                m.lib.reinitialize()
                m.stale = False
            for slot in m.lib.get_slots():
                token_info = None
                if slot.flags & SlotFlag.TOKEN_PRESENT:
                    with contextlib.suppress(pkcs11.TokenNotPresent,
                                             pkcs11.TokenNotRecognised):
                        token = slot.get_token()
                        flags = flags_of(token)
                        if flags.token_initialized:
                            token_info = TokenInfo(
                                token.label.strip(), token.manufacturer_id.strip(),
                                token.model.strip(), _serial(token), flags, [], [])
                slots.append(SlotInfo(slot.slot_id, slot.slot_description.strip(),
                                      token_info))
            m.error, m.detail = None, ""
        except pkcs11.PKCS11Error as exc:
            m.error, m.detail, slots = errors.MODULE_LOAD_FAILED, type(exc).__name__, []
        return self._build_module_info(m, slots)

    def _logged_in(self, m: LoadedModule) -> bool:
        return any(t.session is not None for t in self._tokens.values() if t.module is m)

    def _reinitialize(self, m: LoadedModule) -> None:
        """C_Finalize + C_Initialize; every handle dies, so the module's cache is dropped too
        (a key re-issued at the CA office while unplugged is read afresh)."""
        for serial in [s for s, t in self._tokens.items() if t.module is m]:
            del self._tokens[serial]
        m.lib.reinitialize()
        m.slot_events, m.stale = None, False

    def _scan_module(self, m: LoadedModule, *, reinit: bool) -> list[TokenEvent]:
        """Relist one module; returns insert/remove events against what was known."""
        before = {s: t.info.label for s, t in self._tokens.items() if t.module is m}
        listed = True
        try:
            if reinit:
                self._reinitialize(m)
            slots = m.lib.get_slots()
        except pkcs11.PKCS11Error as exc:
            # A token vanished under an open session (SoftHSM: GeneralError): start afresh.
            log.info("slot listing failed (%s): re-initialising %s", type(exc).__name__, m.path)
            try:
                self._reinitialize(m)
                slots = m.lib.get_slots()
            except pkcs11.PKCS11Error as exc2:
                m.error, m.detail = errors.MODULE_LOAD_FAILED, type(exc2).__name__
                slots, listed = [], False
        slot_infos: list[SlotInfo] = []
        present: list[int] = []
        seen: set[str] = set()
        for slot in slots:
            token_info = None
            try:
                if slot.flags & SlotFlag.TOKEN_PRESENT:
                    present.append(slot.slot_id)
                    token_info = self._token_in(m, slot, seen)
            except pkcs11.PKCS11Error as exc:
                log.info("slot %s skipped: %s", slot.slot_id, type(exc).__name__)
            slot_infos.append(SlotInfo(slot.slot_id, slot.slot_description.strip(), token_info))
        m.present, m.dirty = tuple(sorted(present)), False
        if listed:
            m.error, m.detail = None, ""
        events = [TokenEvent("inserted", s, self._tokens[s].info.label, m.path)
                  for s in sorted(seen - before.keys())]
        for serial in sorted(before.keys() - seen):
            self._tokens.pop(serial, None)
            events.append(TokenEvent("removed", serial, before[serial], m.path))
        m.info = self._build_module_info(m, slot_infos)
        return events

    def _token_in(self, m: LoadedModule, slot: Any, seen: set[str]) -> TokenInfo | None:
        try:
            token = slot.get_token()
        except (pkcs11.TokenNotPresent, pkcs11.TokenNotRecognised):
            return None
        flags = flags_of(token)
        if not flags.token_initialized:
            return None  # SoftHSM's spare "free" slot, or a blank card
        serial = _serial(token)
        entry = self._tokens.get(serial)
        if entry is not None and entry.module is not m:
            if (serial, m.path) not in _SAID_TWICE:  # once, not on every hot-plug scan
                _SAID_TWICE.add((serial, m.path))
                log.info("token %s also seen through %s; keeping %s", serial, m.path,
                         entry.module.path)
            return None
        seen.add(serial)
        if entry is None:
            entry = self._read_token(m, slot, token, flags)
            self._tokens[serial] = entry
        else:
            if entry.slot.slot_id != slot.slot_id:
                entry.session, entry.keys, entry.plans = None, {}, {}
            entry.slot, entry.token = slot, token
            entry.info = replace(entry.info, flags=flags, logged_in=entry.session is not None)
        return entry.info

    def _read_token(self, m: LoadedModule, slot: Any, token: Any, flags: TokenFlags) -> _Token:
        """Everything cached for one insertion: mechanisms, certificates, visible key IDs."""
        mechanisms = slot.get_mechanisms()
        certs: list[tuple[bytes, str, bytes]] = []
        key_ids: set[bytes] = set()
        with token.open() as session:
            for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                certs.append(self._cert_attrs(obj))
            for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}):
                key_ids.add(bytes(key[Attribute.ID]))
        known = not flags.login_required
        manufacturer, model = token.manufacturer_id.strip(), token.model.strip()
        described = self._sm2(m.path, manufacturer, model) if self._sm2 else None
        convention = effective_sm2(described, mechanisms)
        certificates = self._certificates(certs, key_ids, known, convention)
        info = TokenInfo(
            label=token.label.strip(), manufacturer=manufacturer, model=model,
            serial=_serial(token), flags=flags, certificates=certificates,
            mechanisms=mechanism_names(mechanisms),
            keys_without_certificate=sorted(k.hex() for k in key_ids - {c[0] for c in certs}),
        )
        return _Token(info.serial, m, slot, token, info, mechanisms, sm2=convention)

    @staticmethod
    def _cert_attrs(obj: Any) -> tuple[bytes, str, bytes]:
        try:
            attrs = obj.get_attributes([Attribute.ID, Attribute.LABEL, Attribute.VALUE])
        except pkcs11.PKCS11Error:  # one unreadable object must not hide the others
            return b"", "", b""
        return (bytes(attrs.get(Attribute.ID) or b""), str(attrs.get(Attribute.LABEL) or ""),
                bytes(attrs.get(Attribute.VALUE) or b""))

    def _certificates(self, certs: list[tuple[bytes, str, bytes]], key_ids: set[bytes],
                      known: bool, sm2: Sm2Convention | None) -> list[CertificateInfo]:
        """Parsed certificates; an SM2 one says whether the token's SM2 mechanism is known."""
        out = []
        for cert_id, label, der in certs:
            has_key: bool | None = True if cert_id in key_ids else (False if known else None)
            cert = parse_certificate(der, cert_id=cert_id, label=label, has_private_key=has_key,
                                     expiring_days=self._expiring_days)
            if cert.key_kind == "SM2":
                cert = replace(cert, sm2_mechanism_known=sm2 is not None)
            out.append(cert)
        return out

    def _module_info(self, m: LoadedModule) -> ModuleInfo:
        return m.info or self._build_module_info(m, [])

    @staticmethod
    def _build_module_info(m: LoadedModule, slots: list[SlotInfo]) -> ModuleInfo:
        lib = m.lib
        return ModuleInfo(
            path=m.path,
            manufacturer=lib.manufacturer_id.strip() if lib else "",
            library_version=_version(lib.library_version) if lib else "",
            cryptoki_version=_version(lib.cryptoki_version) if lib else "",
            error=m.error, error_detail=m.detail, slots=slots)

    # --- hot-plug ------------------------------------------------------------------------

    def _poll(self) -> list[TokenEvent]:
        first = self._modules is None
        modules = self._ensure_modules()
        events: list[TokenEvent] = []
        for m in modules:
            if m.lib is None:
                continue
            if first or m.present is None or m.dirty or m.stale:
                reinit = (m.dirty or m.stale) and not self._logged_in(m)
                events += self._scan_module(m, reinit=reinit)
            elif self._slot_event(m) or self._slots_changed(m):
                events += self._scan_module(m, reinit=False)
        self._emit(events)
        return events

    @staticmethod
    def _slot_event(m: LoadedModule) -> bool:
        """One non-blocking C_WaitForSlotEvent; False when nothing happened or unsupported."""
        if m.slot_events is False:
            return False
        try:
            m.lib.wait_for_slot_event(blocking=False)
        except pkcs11.NoEvent:
            m.slot_events = True
            return False
        except pkcs11.PKCS11Error:
            m.slot_events = False
            return False
        m.slot_events = True
        return True

    def _slots_changed(self, m: LoadedModule) -> bool:
        if m.slot_events:
            return False  # the event call already answered
        raw = raw_module(m)
        if raw is None:
            present: tuple[int, ...] | int = tuple(sorted(
                s.slot_id for s in m.lib.get_slots(token_present=True)))
        else:
            present = raw.present_slots()
        return present != m.present

    # --- login, signing, PIN (token thread) ---------------------------------------------

    def _entry(self, serial: str) -> _Token:
        self.assert_token_thread()
        if self._modules is None:
            self._scan(False)
        entry = self._tokens.get(serial)
        if entry is None:
            raise HyError(errors.NO_TOKEN, serial)
        return entry

    def _fresh_flags(self, entry: _Token) -> TokenFlags | None:
        try:
            token = entry.slot.get_token()
        except pkcs11.PKCS11Error:
            return None
        flags = flags_of(token)
        entry.token = token
        entry.info = replace(entry.info, flags=flags)
        return flags

    def _fresh_flags_of(self, serial: str) -> TokenFlags:
        entry = self._entry(serial)
        flags = self._fresh_flags(entry)
        if flags is None:
            self._lost(entry)
            raise HyError(errors.TOKEN_REMOVED, "GetTokenInfo")
        return flags

    def _lost(self, entry: _Token) -> None:
        """The token vanished mid-operation: forget its handles; the next poll relists."""
        entry.session, entry.keys, entry.plans = None, {}, {}
        entry.module.dirty = True
        entry.info = replace(entry.info, logged_in=False)

    def _fail(self, entry: _Token, exc: BaseException, *, pin: bool = False) -> HyError:
        if is_removal(exc):
            self._lost(entry)
            return map_error(exc)
        flags = self._fresh_flags(entry) if pin else None
        return map_error(exc, flags)

    def _login(self, serial: str, pin: str | None) -> None:
        entry = self._entry(serial)
        self._logout_entry(entry)
        flags = self._fresh_flags(entry) or entry.info.flags
        if flags.user_pin_locked:
            raise HyError(errors.PIN_LOCKED, "flags", locked=True)
        if pin is None and flags.login_required and not flags.protected_auth_path:
            raise HyError(errors.PIN_INVALID, "no PIN pad on this key")
        # None: no C_Login at all, for a key that needs none
        user_pin = pkcs11.PROTECTED_AUTH if pin is None and flags.login_required else pin
        try:
            entry.session = entry.token.open(user_pin=user_pin)
        except pkcs11.PKCS11Error as exc:
            # C_OpenSession succeeded before C_Login failed: that session is still open and
            # would block an SO login (SessionReadOnlyExists). Close it; never retry C_Login.
            raw = raw_module(entry.module)
            if raw is not None:
                raw.close_all_sessions(entry.slot.slot_id)
            raise self._fail(entry, exc, pin=True) from None
        finally:
            del pin, user_pin
        self._after_login(entry)

    def _after_login(self, entry: _Token) -> None:
        """Private keys are visible now: fill in ``has_private_key`` and the orphan keys."""
        try:
            ids = {bytes(k[Attribute.ID]) for k in entry.session.get_objects(
                {Attribute.CLASS: ObjectClass.PRIVATE_KEY})}
        except pkcs11.PKCS11Error as exc:
            raise self._fail(entry, exc) from None
        certs = [replace(c, has_private_key=bytes.fromhex(c.id) in ids) if c.error is None
                 else c for c in entry.info.certificates]
        cert_ids = {c.id for c in entry.info.certificates}
        flags = self._fresh_flags(entry) or entry.info.flags
        entry.info = replace(entry.info, certificates=certs, flags=flags, logged_in=True,
                             keys_without_certificate=sorted(i.hex() for i in ids
                                                             if i.hex() not in cert_ids))

    def _with_session(self, serial: str, fn: Callable[[Any, set[Any]], T]) -> T:
        entry = self._entry(serial)
        if entry.session is None:
            raise HyError(errors.TOKEN_NOT_LOGGED_IN, serial)
        try:
            # A read-write session beside the logged-in one: it shares the login, and closing
            # it (opened without a PIN) does not log the token out.
            with entry.token.open(rw=True) as session:
                return fn(session, entry.mechanisms)
        except pkcs11.PKCS11Error as exc:
            raise self._fail(entry, exc) from None

    def _reread(self, serial: str) -> TokenInfo:
        entry = self._entry(serial)
        if entry.session is None:
            raise HyError(errors.TOKEN_NOT_LOGGED_IN, serial)
        try:
            certs = [self._cert_attrs(o) for o in entry.session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE})]
            ids = {bytes(k[Attribute.ID]) for k in entry.session.get_objects(
                {Attribute.CLASS: ObjectClass.PRIVATE_KEY})}
        except pkcs11.PKCS11Error as exc:
            raise self._fail(entry, exc) from None
        entry.keys, entry.plans = {}, {}
        entry.info = replace(
            entry.info, certificates=self._certificates(certs, ids, True, entry.sm2),
            keys_without_certificate=sorted(i.hex() for i in ids - {c[0] for c in certs}))
        return entry.info

    def _logout(self, serial: str) -> None:
        self._logout_entry(self._entry(serial))

    def _logout_entry(self, entry: _Token) -> None:
        session, entry.session = entry.session, None
        entry.keys, entry.plans = {}, {}
        entry.info = replace(entry.info, logged_in=False)
        if session is not None:
            try:
                session.close()  # C_Logout + C_CloseSession
            except pkcs11.PKCS11Error as exc:
                log.info("logout: %s", type(exc).__name__)

    def _close_sessions(self) -> None:
        for entry in self._tokens.values():
            self._logout_entry(entry)

    def _key(self, entry: _Token, cert_id: str) -> tuple[Any, Any]:
        """(private key object, key type), cached per logged-in session."""
        cached = entry.keys.get(cert_id)
        if cached is None:
            if entry.session is None:
                raise HyError(errors.TOKEN_NOT_LOGGED_IN, entry.serial)
            try:
                key = entry.session.get_key(object_class=ObjectClass.PRIVATE_KEY,
                                            id=bytes.fromhex(cert_id))
                cached = entry.keys[cert_id] = (key, key.key_type)
            except pkcs11.NoSuchKey:
                raise HyError(errors.KEY_NOT_FOUND, cert_id) from None
            except pkcs11.PKCS11Error as exc:
                raise self._fail(entry, exc) from None
            except ValueError:  # a vendor key type python-pkcs11 has no class for
                raise HyError(errors.MECHANISM_UNSUPPORTED, "unknown key type") from None
        return cached

    def _plan(self, entry: _Token, cert_id: str, algorithm: Algorithm) -> SignPlan:
        """Key, mechanism and host-side hashing for one (certificate, algorithm), cached."""
        plan = entry.plans.get((cert_id, algorithm))
        if plan is None:
            finish = None
            if algorithm == "SM2-SM3":
                public, convention = self._sm2_key(entry, cert_id)
                key, _ = self._key(entry, cert_id)
                mechanism, param, prepare, finish = sm2_mechanism(convention, public)
            else:
                key, key_type = self._key(entry, cert_id)
                mechanism, param, prepare = choose_mechanism(algorithm, key_type,
                                                             entry.mechanisms)
            if not hasattr(key, "sign"):
                raise HyError(errors.MECHANISM_UNSUPPORTED, "key has no CKA_SIGN")
            plan = entry.plans[(cert_id, algorithm)] = (key.sign, mechanism, param, prepare,
                                                        finish)
        return plan

    @staticmethod
    def _sm2_key(entry: _Token, cert_id: str) -> tuple[sm2.PublicKey, Sm2Convention]:
        """The certificate's SM2 key and the module's convention; T280 when none is known."""
        cert = next((c for c in entry.info.certificates if c.id == cert_id), None)
        public = sm2.certificate_public_key(cert.der) if cert is not None else None
        if public is None:
            raise HyError(errors.ALGORITHM_UNSUPPORTED, "SM2-SM3 needs an SM2 certificate")
        if entry.sm2 is None:
            raise HyError(errors.SM2_MECHANISM_UNKNOWN, entry.module.path)
        return public, entry.sm2

    def sign_now(self, serial: str, cert_id: str, data: bytes, algorithm: Algorithm) -> bytes:
        """Sign on the calling thread, which must be the token thread (inside ``call``)."""
        return self._sign_batch(serial, cert_id, (data,), algorithm)[0]

    def _sign_batch(self, serial: str, cert_id: str, items: Iterable[bytes],
                    algorithm: Algorithm) -> list[bytes]:
        entry = self._entry(serial)
        items = list(items)
        sign, mechanism, param, prepare, finish = self._plan(entry, cert_id, algorithm)
        try:
            if param is None:  # as a plain python-pkcs11 caller would call it
                if prepare is None:
                    out = [sign(d, mechanism=mechanism) for d in items]
                else:
                    out = [sign(prepare(d), mechanism=mechanism) for d in items]
            else:
                out = [sign(prepare(d) if prepare else d, mechanism=mechanism,
                            mechanism_param=param) for d in items]
        except pkcs11.PKCS11Error as exc:
            raise self._fail(entry, exc) from None
        if finish is None:
            return out
        return [finish(d, s) for d, s in zip(items, out, strict=True)]

    def _change_pin(self, serial: str, old: str, new: str) -> None:
        check_new_pin(new)
        entry = self._entry(serial)
        try:
            with entry.token.open(rw=True) as session:
                session.set_pin(old, new)
        except pkcs11.PKCS11Error as exc:
            raise self._fail(entry, exc, pin=True) from None
        finally:
            del old, new
        self._fresh_flags(entry)

    def _self_test(self, serial: str, cert_id: str) -> SelfTestResult:
        entry = self._entry(serial)
        cert = next((c for c in entry.info.certificates if c.id == cert_id), None)
        if cert is None or cert.error is not None:
            raise HyError(errors.CERT_NOT_FOUND if cert is None else errors.CERT_UNPARSEABLE,
                          cert_id)
        if cert.key_kind == "SM2":
            return self._sm2_self_test(entry, cert)
        public = x509.load_der_x509_certificate(cert.der).public_key() \
            if cert.key_kind in ("RSA", "EC") else None
        algorithm: Algorithm
        if isinstance(public, rsa.RSAPublicKey):
            algorithm = "RS256"
        elif isinstance(public, ec.EllipticCurvePublicKey):
            algorithm = "ES384" if public.curve.name == "secp384r1" else "ES256"
        else:
            return SelfTestResult(serial, cert_id, cert.key_algorithm, False, None,
                                  errors.ALGORITHM_UNSUPPORTED, cert.key_algorithm)
        challenge = os.urandom(64)
        try:
            signature = self.sign_now(serial, cert_id, challenge, algorithm)
        except HyError as exc:
            if exc.info in (errors.TOKEN_NOT_LOGGED_IN, errors.TOKEN_REMOVED):
                raise
            return SelfTestResult(serial, cert_id, algorithm, False, None, exc.info, exc.detail)
        signature_ok = verify(public, algorithm, challenge, signature)
        decrypt_ok: bool | None = None
        detail = "" if signature_ok else "signature does not verify with the certificate"
        if isinstance(public, rsa.RSAPublicKey):
            decrypt_ok, why = self._decrypt_check(entry, cert_id, public)
            detail = detail or why
        failed = not signature_ok or decrypt_ok is False
        return SelfTestResult(serial, cert_id, algorithm, signature_ok, decrypt_ok,
                              errors.SELF_TEST_FAILED if failed else None, detail)

    def _sm2_self_test(self, entry: _Token, cert: CertificateInfo) -> SelfTestResult:
        """Sign and verify with SM2-SM3; decrypt an SM2 ciphertext (GM/T 0003.4) when the
        module describes an SM2 decrypt mechanism, else say plainly that it was not checked."""
        serial, cert_id = entry.serial, cert.id
        if entry.sm2 is None:
            return SelfTestResult(serial, cert_id, "SM2-SM3", False, None,
                                  errors.SM2_MECHANISM_UNKNOWN, entry.module.path)
        challenge = os.urandom(64)
        try:
            signature = self.sign_now(serial, cert_id, challenge, "SM2-SM3")
        except HyError as exc:
            if exc.info in (errors.TOKEN_NOT_LOGGED_IN, errors.TOKEN_REMOVED):
                raise
            return SelfTestResult(serial, cert_id, "SM2-SM3", False, None, exc.info, exc.detail)
        public, _ = self._sm2_key(entry, cert_id)
        if not sm2.verify(public, challenge, signature):  # checked here whatever the plan did
            return SelfTestResult(serial, cert_id, "SM2-SM3", False, None,
                                  errors.SELF_TEST_FAILED,
                                  "signature does not verify with the certificate")
        decrypt = entry.sm2.decrypt
        if decrypt is None:
            return SelfTestResult(serial, cert_id, "SM2-SM3", True, None,
                                  note=errors.SM2_NO_DECRYPTION)
        key, _ = self._key(entry, cert_id)
        if not hasattr(key, "decrypt"):
            return SelfTestResult(serial, cert_id, "SM2-SM3", True, False,
                                  errors.SELF_TEST_FAILED, "key has no CKA_DECRYPT")
        secret = os.urandom(32)
        try:
            clear = key.decrypt(sm2_ciphertext(sm2.encrypt(public, secret), decrypt.ciphertext),
                                mechanism=vendor_mechanism(decrypt.mechanism))
        except pkcs11.PKCS11Error as exc:
            if is_removal(exc):
                raise self._fail(entry, exc) from None
            return SelfTestResult(serial, cert_id, "SM2-SM3", True, False,
                                  errors.SELF_TEST_FAILED, type(exc).__name__)
        ok = bytes(clear) == secret
        return SelfTestResult(serial, cert_id, "SM2-SM3", True, ok,
                              None if ok else errors.SELF_TEST_FAILED,
                              "" if ok else "decrypted text differs")

    def _decrypt_check(self, entry: _Token, cert_id: str, public: rsa.RSAPublicKey
                       ) -> tuple[bool, str]:
        """Encrypt to the certificate, decrypt on the token: what bid opening will do."""
        key, _ = self._key(entry, cert_id)
        if not hasattr(key, "decrypt"):
            return False, "key has no CKA_DECRYPT"
        secret = os.urandom(32)
        try:
            clear = key.decrypt(public.encrypt(secret, padding.PKCS1v15()),
                                mechanism=Mechanism.RSA_PKCS)
        except pkcs11.PKCS11Error as exc:
            if is_removal(exc):
                raise self._fail(entry, exc) from None
            return False, type(exc).__name__
        return bytes(clear) == secret, "" if bytes(clear) == secret else "decrypted text differs"


def token_service(explicit: Sequence[str] | None = None,
                  settings: config.Settings | None = None, *,
                  sm2: Sm2Resolver | None = None) -> TokenService:
    """The service over the discovered modules (only ``explicit`` ones when given), as the
    commands build it; NO_MODULE when there is none. ``settings`` default: the config file.
    ``sm2``: the driver catalogue's SM2 conventions (``drivers.sm2.catalogue_resolver``)."""
    paths = module_paths(settings if settings is not None else config.load(), explicit or ())
    if not paths:
        raise HyError(errors.NO_MODULE)
    return TokenService(paths, sm2=sm2)
