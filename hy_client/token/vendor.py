"""Vendor-defined PKCS#11 mechanisms (``CKM_VENDOR_DEFINED + n``) as python-pkcs11 accepts them.

python-pkcs11 refuses a plain int as a mechanism (ArgumentsBad: it must be a ``Mechanism``),
and its enum has no member for a vendor's value; a pseudo-member carries the value through.
"""

from __future__ import annotations

from pkcs11 import Mechanism

_pseudo: dict[int, Mechanism] = {}


def vendor_mechanism(value: int) -> Mechanism:
    """The ``Mechanism`` for ``value``: the real member if python-pkcs11 knows it."""
    try:
        return Mechanism(value)
    except ValueError:
        pass
    member = _pseudo.get(value)
    if member is None:
        member = int.__new__(Mechanism, value)
        member._name_ = f"VENDOR_0x{value:08X}"
        member._value_ = value
        _pseudo[value] = member
    return member
