"""The SM2 test token's store: a directory the C module in tests/sm2token reads.

No packaged PKCS#11 module implements SM2, so the sandbox's SM2 key is served by a small module
built from tests/sm2token (never shipped). Each token is a subdirectory with ``token.conf``
(the PIN only as SHA-256, a tries counter), ``cert-<id>.der`` and ``key-<id>.pem``; the module
reads them at C_Initialize, so a token written later appears after a re-initialise (a rescan).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from .. import sm2
from ..private import open_private

ENV_DIR = "SM2TOKEN_DIR"
ENV_MODULE = "HY_SM2TOKEN_MODULE"
SOURCE_DIR = Path(__file__).resolve().parents[2] / "tests" / "sm2token"
MODULE_NAME = "libsm2token.so"
# The module's vendor mechanisms (sm2token.c), as its catalogue entry describes them.
CKM_SM2_SM3 = 0x80005301  # the token computes Z_A and SM3: input is the message
CKM_SM2 = 0x80005302  # the caller passes e = SM3(Z_A ‖ M)
CKM_SM2_ENCRYPT = 0x80005303  # C_Decrypt of a GM/T 0009 SM2Cipher (DER)


def module_path() -> str | None:
    """The built test module: ``HY_SM2TOKEN_MODULE``, else the one built in the source tree."""
    explicit = os.environ.get(ENV_MODULE)
    if explicit:
        return explicit if os.path.isfile(explicit) else None
    built = SOURCE_DIR / MODULE_NAME
    return str(built) if built.is_file() else None


def write_token(root: Path, label: str, serial: str, pin: str, *, max_tries: int = 6,
                mechanisms: Sequence[str] = ("hash", "digest", "encrypt"),
                sig_encoding: str = "raw") -> Path:
    """A new token directory under ``root`` (the module's ``SM2TOKEN_DIR``)."""
    folder = root / serial
    folder.mkdir(parents=True, exist_ok=False)
    pin_hash = hashlib.sha256(pin.encode("utf-8")).hexdigest()
    (folder / "token.conf").write_text(
        f"label={label}\nserial={serial}\npin_sha256={pin_hash}\ntries={max_tries}\n"
        f"max_tries={max_tries}\nsig_encoding={sig_encoding}\n"
        f"mechanisms={','.join(mechanisms)}\n", "utf-8")
    return folder


def write_key(folder: Path, key_id: bytes, key: sm2.PrivateKey, label: str = "") -> None:
    path = folder / f"key-{key_id.hex()}.pem"
    fd = open_private(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.pem)
    if label:
        (folder / f"key-{key_id.hex()}.label").write_text(label, "utf-8")


def write_certificate(folder: Path, key_id: bytes, der: bytes, label: str = "") -> None:
    (folder / f"cert-{key_id.hex()}.der").write_bytes(der)
    if label:
        (folder / f"cert-{key_id.hex()}.label").write_text(label, "utf-8")


def catalogue_sm2() -> dict[str, object]:
    """The test module's SM2 conventions, in the driver catalogue's ``sm2`` format."""
    return {
        "sign": [
            {"mechanism": f"0x{CKM_SM2_SM3:08X}", "input": "message", "id": "parameter",
             "output": "raw"},
            {"mechanism": f"0x{CKM_SM2:08X}", "input": "digest", "output": "raw"},
        ],
        "decrypt": {"mechanism": f"0x{CKM_SM2_ENCRYPT:08X}", "ciphertext": "gmt0009-der"},
    }
