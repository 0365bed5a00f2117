"""The SM2 test token (tests/sm2token, C on libcrypto) loaded like any vendor PKCS#11 module.

Use from a conftest: ``from tests.sm2_fixtures import *``. The module reads ``SM2TOKEN_DIR`` at
C_Initialize, so one directory serves the whole test process; a token written after the module
was initialised appears after a re-initialise, as a key plugged in later does.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from hy_client import sm2
from hy_client.forms.validators import uscc_check_char
from hy_client.sandbox import sm2token
from hy_client.sandbox.sm2ca import Sm2TestCA

__all__ = ["SM2_ORG", "SM2_USCC", "Sm2Token", "make_sm2_token", "sm2_ca", "sm2_module",
           "sm2_root", "sm2_token"]

SM2_ORG = "衡阳市国密建设工程有限公司"
SM2_USCC = "91430400MA4L8GM2X" + uscc_check_char("91430400MA4L8GM2X")
KEY_ID = b"\x21"


@dataclass
class Sm2Token:
    folder: Path
    label: str
    serial: str
    pin: str
    key: sm2.PrivateKey
    cert_der: bytes
    key_id: bytes = KEY_ID

    @property
    def cert_id(self) -> str:
        return self.key_id.hex()


@pytest.fixture(scope="session")
def sm2_module() -> str:
    """Build the module if needed (``make test`` builds it first) and return its path."""
    done = subprocess.run(["make", "-s", "-C", str(sm2token.SOURCE_DIR)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"building tests/sm2token failed: {done.stderr[-2000:]}")
    return str(sm2token.SOURCE_DIR / sm2token.MODULE_NAME)


@pytest.fixture(scope="session")
def sm2_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sm2tokens")
    os.environ[sm2token.ENV_DIR] = str(root)
    return root


@pytest.fixture(scope="session")
def sm2_ca(tmp_path_factory) -> Sm2TestCA:
    return Sm2TestCA.create(tmp_path_factory.mktemp("sm2ca"))


def make_sm2_token(root: Path, ca: Sm2TestCA, *, label: str, serial: str, pin: str = "123456",
                   **kwargs) -> Sm2Token:
    key = sm2.PrivateKey.generate()
    der = ca.issue(key.public, cn=SM2_ORG, organization=SM2_ORG, uscc=SM2_USCC)
    folder = sm2token.write_token(root, label, serial, pin, **kwargs)
    sm2token.write_key(folder, KEY_ID, key, "国密签名密钥")
    sm2token.write_certificate(folder, KEY_ID, der, "国密签名证书")
    return Sm2Token(folder, label, serial, pin, key, der)


@pytest.fixture(scope="session")
def sm2_token(sm2_module, sm2_root, sm2_ca) -> Sm2Token:
    """One token offering both sign variants and SM2 decryption."""
    return make_sm2_token(sm2_root, sm2_ca, label="HY-SM2", serial="SM2TOKEN0001")
