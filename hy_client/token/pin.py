"""Rules for a new PIN, checked before the token is asked (a refused C_SetPIN may count)."""

from __future__ import annotations

from .. import errors
from ..errors import HyError

MIN_LENGTH = 6
_SEQUENCES = "01234567890", "09876543210"


def new_pin_problem(pin: str) -> str | None:
    """Why a new PIN is too weak (English, for the detail), or None."""
    if len(pin) < MIN_LENGTH:
        return "too short"
    if len(set(pin)) == 1:
        return "one repeated character"
    if pin.isdigit() and any(pin in seq for seq in _SEQUENCES):
        return "a digit sequence"
    return None


def check_new_pin(pin: str) -> None:
    """Raise PIN_WEAK for 123456, 000000 and the like; the PIN itself never goes in the error."""
    problem = new_pin_problem(pin)
    if problem:
        raise HyError(errors.PIN_WEAK, problem)
