"""How one vendor's PKCS#11 module does SM2: the ``sm2`` object of a driver catalogue entry.

PKCS#11 has no SM2 mechanism all vendors share: each module uses its own
``CKM_VENDOR_DEFINED + n`` and differs on who computes Z_A and SM3 and on the signature's
encoding. The signed driver catalogue says, per driver (docs/sm2.md)::

    "sm2": {
      "sign": [                                   # in order of preference
        {"mechanism": "0x80005301", "input": "message", "id": "parameter", "output": "raw"},
        {"mechanism": "0x80005302", "input": "digest", "output": "der"}
      ],
      "decrypt": {"mechanism": "0x80005303", "ciphertext": "gmt0009-der"}
    }

- ``input``: ``message`` — the token computes Z_A and e = SM3(Z_A ‖ M) itself; ``digest`` — the
  caller passes the 32-byte e.
- ``id`` (``message`` only): ``default`` — the token uses "1234567812345678" itself, no
  parameter; ``parameter`` — the caller passes the ID bytes as the mechanism parameter.
- ``output``: ``raw`` r‖s (64 bytes) or ``der`` SEQUENCE {r, s}.
- ``decrypt.ciphertext``: ``gmt0009-der`` (GM/T 0009 SM2Cipher, C1 C3 C2 in ASN.1) or
  ``c1c3c2`` (04 ‖ x ‖ y ‖ C3 ‖ C2, raw).

Both the driver catalogue (parsing) and the token layer (signing) use these types; neither
imports the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

CKM_VENDOR_DEFINED = 0x80000000
SignInput = Literal["message", "digest"]
IdMode = Literal["default", "parameter"]
Encoding = Literal["raw", "der"]
CipherFormat = Literal["gmt0009-der", "c1c3c2"]


@dataclass(frozen=True)
class Sm2Sign:
    mechanism: int
    input: SignInput
    id: IdMode = "default"
    output: Encoding = "raw"

    def to_json(self) -> dict[str, str]:
        out = {"mechanism": f"0x{self.mechanism:08X}", "input": self.input,
               "output": self.output}
        if self.input == "message":
            out["id"] = self.id
        return out


@dataclass(frozen=True)
class Sm2Decrypt:
    mechanism: int
    ciphertext: CipherFormat = "gmt0009-der"

    def to_json(self) -> dict[str, str]:
        return {"mechanism": f"0x{self.mechanism:08X}", "ciphertext": self.ciphertext}


@dataclass(frozen=True)
class Sm2Convention:
    sign: tuple[Sm2Sign, ...]
    decrypt: Sm2Decrypt | None = None

    def to_json(self) -> dict[str, Any]:
        return {"sign": [s.to_json() for s in self.sign],
                "decrypt": self.decrypt.to_json() if self.decrypt else None}


# (module path, token manufacturer, token model) → the module's convention, or None.
Sm2Resolver = Callable[[str, str, str], "Sm2Convention | None"]


def _mechanism(value: Any, where: str) -> int:
    if not isinstance(value, str) or not value.lower().startswith("0x"):
        raise ValueError(f"{where}.mechanism")
    try:
        number = int(value, 16)
    except ValueError:
        raise ValueError(f"{where}.mechanism") from None
    if not CKM_VENDOR_DEFINED <= number <= 0xFFFFFFFF:
        raise ValueError(f"{where}.mechanism: not vendor-defined")
    return number


def _choice(obj: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str | None,
            where: str) -> str:
    value = obj.get(key, default)
    if value not in allowed:
        raise ValueError(f"{where}.{key}")
    return str(value)


def parse_convention(raw: Any, where: str = "sm2") -> Sm2Convention:
    """The ``sm2`` object of a catalogue entry; ValueError(where) on any shape error."""
    if not isinstance(raw, dict):
        raise ValueError(where)
    signs = raw.get("sign", [])
    if not isinstance(signs, list) or len(signs) > 8:
        raise ValueError(f"{where}.sign")
    parsed = []
    for i, item in enumerate(signs):
        w = f"{where}.sign[{i}]"
        if not isinstance(item, dict):
            raise ValueError(w)
        kind = _choice(item, "input", ("message", "digest"), None, w)
        ident = _choice(item, "id", ("default", "parameter"), "default", w)
        if kind == "digest" and "id" in item:
            raise ValueError(f"{w}.id: only for input message")
        output = _choice(item, "output", ("raw", "der"), None, w)
        parsed.append(Sm2Sign(_mechanism(item.get("mechanism"), w), cast(SignInput, kind),
                              cast(IdMode, ident), cast(Encoding, output)))
    decrypt = None
    if raw.get("decrypt") is not None:
        d = raw["decrypt"]
        if not isinstance(d, dict):
            raise ValueError(f"{where}.decrypt")
        fmt = _choice(d, "ciphertext", ("gmt0009-der", "c1c3c2"), "gmt0009-der",
                      f"{where}.decrypt")
        decrypt = Sm2Decrypt(_mechanism(d.get("mechanism"), f"{where}.decrypt"),
                             cast(CipherFormat, fmt))
    return Sm2Convention(tuple(parsed), decrypt)
