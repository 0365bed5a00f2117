"""Every python-pkcs11 exception as an entry of the one error catalogue.

The detail is the exception's class name only: a module's message text is not ours to show and
must not carry anything the caller passed in (a PIN).
"""

from __future__ import annotations

import pkcs11.exceptions as p11e

from .. import errors
from ..errors import ErrorInfo, HyError
from .models import TokenFlags

# Exceptions that mean "the token (or its session) is gone": a rescan recovers.
REMOVED: tuple[type[Exception], ...] = (
    p11e.DeviceRemoved, p11e.TokenNotPresent, p11e.TokenNotRecognised, p11e.SessionClosed,
    p11e.SessionHandleInvalid, p11e.ObjectHandleInvalid, p11e.KeyHandleInvalid,
    p11e.SlotIDInvalid,
)

_SIMPLE: tuple[tuple[tuple[type[Exception], ...], ErrorInfo], ...] = (
    (REMOVED, errors.TOKEN_REMOVED),
    ((p11e.PinLocked,), errors.PIN_LOCKED),
    ((p11e.PinExpired,), errors.PIN_EXPIRED),
    ((p11e.PinInvalid, p11e.PinLenRange), errors.PIN_INVALID),
    ((p11e.PinTooWeak,), errors.PIN_WEAK),
    ((p11e.UserNotLoggedIn, p11e.UserPinNotInitialized), errors.TOKEN_NOT_LOGGED_IN),
    ((p11e.FunctionCancelled,), errors.PIN_PAD_CANCELLED),
    ((p11e.MechanismInvalid, p11e.MechanismParamInvalid, p11e.FunctionNotSupported,
      p11e.KeyTypeInconsistent),
     errors.MECHANISM_UNSUPPORTED),
    ((p11e.TokenWriteProtected, p11e.SessionReadOnly), errors.TOKEN_READ_ONLY),
    ((p11e.OperationActive, p11e.SessionCount, p11e.SessionExists), errors.TOKEN_BUSY),
    ((p11e.NoSuchToken,), errors.NO_TOKEN),
    ((p11e.MultipleTokensReturned,), errors.SEVERAL_TOKENS),
    ((p11e.NoSuchKey,), errors.KEY_NOT_FOUND),
)


def pin_error(flags: TokenFlags | None) -> HyError:
    """A refused PIN, worded by the flags read just after the refusal (tries-left hint)."""
    if flags is not None and flags.user_pin_locked:
        return HyError(errors.PIN_LOCKED, "PinIncorrect", locked=True)
    if flags is not None and flags.user_pin_final_try:
        return HyError(errors.PIN_FINAL_TRY, "PinIncorrect", final_try=True, count_low=True)
    count_low = bool(flags and flags.user_pin_count_low)
    return HyError(errors.PIN_INCORRECT, "PinIncorrect", final_try=False, count_low=count_low)


def map_error(exc: BaseException, flags: TokenFlags | None = None) -> HyError:
    """The catalogue error for any exception raised by python-pkcs11 (HyErrors pass through)."""
    if isinstance(exc, HyError):
        return exc
    name = type(exc).__name__
    if isinstance(exc, p11e.PinIncorrect):
        return pin_error(flags)
    for kinds, info in _SIMPLE:
        if isinstance(exc, kinds):
            if info is errors.PIN_LOCKED:
                return HyError(info, name, locked=True)
            return HyError(info, name, removed=True) if kinds is REMOVED else HyError(info, name)
    return HyError(errors.TOKEN_ERROR, name)


def is_removal(exc: BaseException) -> bool:
    return isinstance(exc, REMOVED) or (
        isinstance(exc, HyError) and exc.info is errors.TOKEN_REMOVED)
