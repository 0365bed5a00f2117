"""SoftHSM2 provisioning for tests, the demo and the sandbox: tokens, keys and certificates.

A ``SoftHSMEnv`` is a token directory with its own ``softhsm2.conf``; ``activate()`` points
``SOFTHSM2_CONF`` at it (SoftHSM reads it at C_Initialize). Tokens are made with
``softhsm2-util``; keys and certificates are written with python-pkcs11 here, and with OpenSC's
``pkcs11-tool`` by ``pkcs11_tool_write`` (objects written by a tool this project did not write).

These helpers call PKCS#11 on the calling thread and re-initialise the module first (a token
made by another process is invisible until then): use them while no TokenService in this
process holds a session.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.ec import encode_named_curve_parameters

from ..token.service import load_name

KeyKind = Literal["rsa2048", "ec-p256", "ec-p384"]
SOFTHSM_MODULE_PATHS = ("/usr/lib/softhsm/libsofthsm2.so",
                        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                        "/usr/lib64/pkcs11/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so")
_CURVES = {"ec-p256": ("secp256r1", ec.SECP256R1()), "ec-p384": ("secp384r1", ec.SECP384R1())}


def softhsm_module() -> str | None:
    """The SoftHSM2 module on this machine, or None."""
    return next((p for p in SOFTHSM_MODULE_PATHS if os.path.isfile(p)), None)


@dataclass(frozen=True)
class SoftHSMEnv:
    """A private SoftHSM2 token directory and the config file pointing at it."""

    directory: Path

    @property
    def conf(self) -> Path:
        return self.directory / "softhsm2.conf"

    @property
    def tokendir(self) -> Path:
        return self.directory / "tokens"

    @classmethod
    def create(cls, directory: str | Path) -> SoftHSMEnv:
        env = cls(Path(directory))
        env.tokendir.mkdir(parents=True, exist_ok=True)
        if not env.conf.exists():
            env.conf.write_text(
                f"directories.tokendir = {env.tokendir}\nobjectstore.backend = file\n"
                "log.level = ERROR\nslots.removable = false\n", "utf-8")
        return env

    def activate(self) -> None:
        os.environ["SOFTHSM2_CONF"] = str(self.conf)

    def environ(self) -> dict[str, str]:
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf)}

    def _util(self, *args: str) -> str:
        done = subprocess.run(["softhsm2-util", *args], env=self.environ(), capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"softhsm2-util {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def init_token(self, label: str, so_pin: str, pin: str) -> str:
        """A new initialised token; returns its serial."""
        self._util("--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", pin)
        return self.serial_of(label)

    def serial_of(self, label: str) -> str:
        text = self._util("--show-slots")
        for block in text.split("Slot ")[1:]:
            if re.search(rf"^\s*Label:\s*{re.escape(label)}\s*$", block, re.M):
                m = re.search(r"^\s*Serial number:\s*(\S+)", block, re.M)
                if m:
                    return m.group(1)
        raise LookupError(label)

    def delete_token(self, label: str) -> None:
        self._util("--delete-token", "--token", label)


def _session(module: str, token_label: str, pin: str) -> Any:
    lib = pkcs11.lib(load_name(module))
    lib.reinitialize()
    return lib.get_token(token_label=token_label).open(rw=True, user_pin=pin)


def _to_cryptography(public: Any, kind: KeyKind) -> Any:
    from ..token.renewal import public_key_of

    return public_key_of(public, None if kind == "rsa2048" else _CURVES[kind][1])


def generate_key(module: str, token_label: str, pin: str, key_type: KeyKind, key_id: bytes,
                 label: str, *, decrypt: bool = True) -> Any:
    """A key pair on the token (sign; RSA also decrypt unless ``decrypt=False``); returns the
    cryptography public key."""
    with _session(module, token_label, pin) as session:
        common = {Attribute.ID: key_id, Attribute.LABEL: label, Attribute.TOKEN: True}
        if key_type == "rsa2048":
            public, _ = session.generate_keypair(
                KeyType.RSA, 2048, store=True, public_template={**common},
                private_template={**common, Attribute.SIGN: True, Attribute.DECRYPT: decrypt,
                                  Attribute.PRIVATE: True, Attribute.SENSITIVE: True})
        else:
            params = session.create_domain_parameters(
                KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters(
                    _CURVES[key_type][0])}, local=True)
            public, _ = params.generate_keypair(
                store=True, public_template={**common},
                private_template={**common, Attribute.SIGN: True, Attribute.PRIVATE: True,
                                  Attribute.SENSITIVE: True})
        return _to_cryptography(public, key_type)


def write_certificate(module: str, token_label: str, pin: str, cert: x509.Certificate,
                      key_id: bytes, label: str) -> None:
    _write_cert_object(module, token_label, pin, cert.public_bytes(serialization.Encoding.DER),
                       key_id, label, cert.subject.public_bytes())


def write_garbage_certificate(module: str, token_label: str, pin: str, key_id: bytes,
                              label: str, data: bytes = b"\x30\x03not a certificate") -> None:
    """A certificate object whose value does not parse (seen on damaged keys)."""
    _write_cert_object(module, token_label, pin, data, key_id, label, b"\x30\x00")


def _write_cert_object(module: str, token_label: str, pin: str, der: bytes, key_id: bytes,
                       label: str, subject: bytes) -> None:
    attrs: dict[Attribute, Any] = {
        Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True, Attribute.PRIVATE: False, Attribute.ID: key_id,
        Attribute.LABEL: label, Attribute.VALUE: der, Attribute.SUBJECT: subject}
    with _session(module, token_label, pin) as session:
        session.create_object(attrs)


def delete_objects(module: str, token_label: str, pin: str, key_id: bytes) -> None:
    """Remove every object with this CKA_ID (a key without its certificate, for tests)."""
    with _session(module, token_label, pin) as session:
        for obj in list(session.get_objects({Attribute.ID: key_id})):
            obj.destroy()


def pkcs11_tool_write(env: SoftHSMEnv, module: str, token_label: str, pin: str,
                      private_key: Any, cert: x509.Certificate | None, key_id: bytes,
                      label: str, *, decrypt: bool = True) -> None:
    """Write a private key (and its certificate) with OpenSC's pkcs11-tool."""
    tool = shutil.which("pkcs11-tool")
    if tool is None:
        raise FileNotFoundError("pkcs11-tool")
    base = [tool, "--module", module, "--token-label", token_label, "--login", "--pin", pin,
            "--id", key_id.hex(), "--label", label]
    with tempfile.TemporaryDirectory() as tmp:
        key_file = Path(tmp) / "key.der"
        key_file.write_bytes(private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        usage = ["--usage-sign"] + (["--usage-decrypt"] if decrypt else [])
        jobs = [["--write-object", str(key_file), "--type", "privkey", *usage]]
        if cert is not None:
            cert_file = Path(tmp) / "cert.der"
            cert_file.write_bytes(cert.public_bytes(serialization.Encoding.DER))
            jobs.append(["--write-object", str(cert_file), "--type", "cert"])
        for job in jobs:
            done = subprocess.run([*base, *job], env=env.environ(), capture_output=True,
                                  text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"pkcs11-tool failed: {done.stderr.strip()[-300:]}")
