"""Real SoftHSM2 tokens for tests: a private SOFTHSM2_CONF and tokens in a temp dir.

Use from a conftest: ``from tests.softhsm_fixtures import *``. Session-scoped: provisioning
(RSA key generation) is the slow part. Tokens:

- ``hy-py`` written with python-pkcs11: 01 RSA-2048 with a Chinese subject and a valid USCC,
  02 EC P-256, 03 expired, 04 not yet valid, 05 a key with no certificate, 06 EC P-384,
  07 RSA-2048 that cannot decrypt, 09 a certificate object holding garbage;
- ``hy-tool`` written with OpenSC's pkcs11-tool: 0a RSA-2048 (sign+decrypt), 0b EC P-256.

Also the fault-injecting wrappers ``FaultyLib`` for PIN states SoftHSM never sets and
``NoLoginLib`` for a key that needs no login (SoftHSM's always need one).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pkcs11 import TokenFlag

from hy_client.forms.validators import uscc_check_char
from hy_client.sandbox import softhsm
from hy_client.sandbox.ca import TestCA
from hy_client.sandbox.softhsm import SoftHSMEnv
from hy_client.token.service import load_name

__all__ = [
    "VALID_USCC",
    "FaultyLib",
    "NoLoginLib",
    "Provisioned",
    "TokenSpec",
    "provisioned",
    "softhsm_env",
    "softhsm_module",
    "test_ca",
]

ORG = "衡阳市某某建设工程有限公司"
VALID_USCC = "91430400MA4L8XXX0" + uscc_check_char("91430400MA4L8XXX0")
SO_PIN = "so-87654321"


@dataclass
class TokenSpec:
    label: str
    serial: str
    pin: str
    certs: dict[str, x509.Certificate] = field(default_factory=dict)  # id hex → certificate


@dataclass
class Provisioned:
    env: SoftHSMEnv
    module: str
    ca: TestCA
    tokens: dict[str, TokenSpec]

    def new_token(self, label: str, pin: str = "246810", *, key: str = "ec") -> TokenSpec:
        """One more token, made only with external tools (softhsm2-util, pkcs11-tool), so this
        process's module state is not touched (as when a key is plugged in)."""
        serial = self.env.init_token(label, SO_PIN, pin)
        private = (ec.generate_private_key(ec.SECP256R1()) if key == "ec"
                   else rsa.generate_private_key(public_exponent=65537, key_size=2048))
        cert = self.ca.issue(private.public_key(), cn=f"{label} 用户", organization=ORG)
        softhsm.pkcs11_tool_write(self.env, self.module, label, pin, private, cert, b"\x01",
                                  "签名证书", decrypt=key != "ec")
        return TokenSpec(label, serial, pin, {"01": cert})


@pytest.fixture(scope="session")
def softhsm_module() -> str:
    module = softhsm.softhsm_module()
    if module is None or shutil.which("softhsm2-util") is None:
        pytest.skip("SoftHSM2 is not installed")
    return module


@pytest.fixture(scope="session")
def softhsm_env(tmp_path_factory, softhsm_module):
    env = SoftHSMEnv.create(tmp_path_factory.mktemp("softhsm"))
    previous = os.environ.get("SOFTHSM2_CONF")
    env.activate()
    yield env
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="session")
def test_ca() -> TestCA:
    return TestCA.create()


@pytest.fixture(scope="session")
def provisioned(softhsm_env, softhsm_module, test_ca) -> Provisioned:
    module, ca, now = softhsm_module, test_ca, datetime.now(UTC)
    py = TokenSpec("hy-py", softhsm_env.init_token("hy-py", SO_PIN, "123987"), "123987")

    def key(kind: softhsm.KeyKind, key_id: str, label: str, decrypt: bool = True) -> Any:
        return softhsm.generate_key(module, py.label, py.pin, kind, bytes.fromhex(key_id), label,
                                    decrypt=decrypt)

    def put(key_id: str, cert: x509.Certificate) -> None:
        softhsm.write_certificate(module, py.label, py.pin, cert, bytes.fromhex(key_id),
                                  f"cert-{key_id}")
        py.certs[key_id] = cert

    put("01", ca.issue(key("rsa2048", "01", "张三的签名密钥"), cn="张三", organization=ORG,
                       uscc=VALID_USCC))
    put("02", ca.issue(key("ec-p256", "02", "ec"), cn="李四", organization=ORG))
    put("03", ca.issue(key("ec-p256", "03", "old"), cn="过期", not_before=now - timedelta(400),
                       not_after=now - timedelta(days=35)))
    put("04", ca.issue(key("ec-p256", "04", "new"), cn="未生效", not_before=now + timedelta(30),
                       days=365))
    key("ec-p256", "05", "orphan")
    put("06", ca.issue(key("ec-p384", "06", "p384"), cn="王五", organization=ORG))
    put("07", ca.issue(key("rsa2048", "07", "sign-only", decrypt=False), cn="只签名"))
    softhsm.write_garbage_certificate(module, py.label, py.pin, b"\x09", "damaged")

    tool = TokenSpec("hy-tool", softhsm_env.init_token("hy-tool", SO_PIN, "556677"), "556677")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    for key_id, private, cn in (("0a", rsa_key, "赵六"), ("0b", ec_key, "钱七")):
        cert = ca.issue(private.public_key(), cn=cn, organization=ORG, uscc=VALID_USCC)
        softhsm.pkcs11_tool_write(softhsm_env, module, tool.label, tool.pin, private, cert,
                                  bytes.fromhex(key_id), f"tool-{key_id}")
        tool.certs[key_id] = cert
    # this process now sees hy-tool, as a fresh one would
    pkcs11.lib(load_name(module)).reinitialize()
    return Provisioned(softhsm_env, module, ca, {py.label: py, tool.label: tool})


# --- fault injection around the real module objects -----------------------------------------

class _Proxy:
    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class FaultyLib(_Proxy):
    """The real ``pkcs11.lib`` whose token ``serial`` behaves like a card with ``tries`` PIN
    attempts: after each real refusal the flags show COUNT_LOW, then FINAL_TRY, then LOCKED,
    and a locked card refuses every login with PinLocked (SoftHSM never does any of this)."""

    def __init__(self, real: Any, serial: str, tries: int = 3) -> None:
        super().__init__(real)
        self.serial, self.tries, self.failures = serial, tries, 0

    def extra_flags(self) -> TokenFlag:
        left = self.tries - self.failures
        if left <= 0:
            return TokenFlag.USER_PIN_LOCKED
        if left == 1:
            return TokenFlag.USER_PIN_FINAL_TRY | TokenFlag.USER_PIN_COUNT_LOW
        return TokenFlag.USER_PIN_COUNT_LOW if self.failures else TokenFlag(0)

    def get_slots(self, token_present: bool = False) -> list[Any]:
        return [_FaultySlot(s, self) for s in self._real.get_slots(token_present=token_present)]

    def wrap(self, token: Any) -> Any:
        return _FaultyToken(token, self)


class _FaultySlot(_Proxy):
    def __init__(self, real: Any, lib: FaultyLib) -> None:
        super().__init__(real)
        self._lib = lib

    def get_token(self) -> Any:
        token = self._real.get_token()
        ours = bytes(token.serial).decode().strip() == self._lib.serial
        return self._lib.wrap(token) if ours else token


class _FaultyToken(_Proxy):
    def __init__(self, real: Any, lib: FaultyLib) -> None:
        super().__init__(real)
        self._lib = lib

    @property
    def flags(self) -> TokenFlag:
        return self._real.flags | self._lib.extra_flags()

    def open(self, **kwargs: Any) -> Any:
        if kwargs.get("user_pin") is not None and self._lib.failures >= self._lib.tries:
            raise pkcs11.PinLocked()
        try:
            return self._real.open(**kwargs)
        except pkcs11.PinIncorrect:
            self._lib.failures += 1
            raise


class NoLoginLib(FaultyLib):
    """The real ``pkcs11.lib`` whose token ``serial`` behaves like a card that needs no login:
    its flags lack LOGIN_REQUIRED, and a read-only session opened with no PIN can use its keys
    (SoftHSM's keys are private, so that session is logged in with ``pin`` underneath)."""

    def __init__(self, real: Any, serial: str, pin: str) -> None:
        super().__init__(real, serial)
        self.pin = pin

    def wrap(self, token: Any) -> Any:
        return _NoLoginToken(token, self)


class _NoLoginToken(_Proxy):
    def __init__(self, real: Any, lib: NoLoginLib) -> None:
        super().__init__(real)
        self._lib = lib

    @property
    def flags(self) -> TokenFlag:
        return self._real.flags & ~TokenFlag.LOGIN_REQUIRED

    def open(self, **kwargs: Any) -> Any:
        given = kwargs.get("user_pin") is not None or kwargs.get("so_pin") is not None
        if given or kwargs.get("rw"):
            return self._real.open(**kwargs)
        return self._real.open(**{**kwargs, "user_pin": self._lib.pin})
