"""The sandbox's driver repository: its own signing key, a signed catalogue and a real package.

The package is a tar.gz holding SoftHSM2's PKCS#11 module at ``lib/libsofthsm2.so``, so
installing it from the sandbox proves the whole chain (verify, download, unpack, register, load,
list the token). The private key stays in the sandbox data dir, outside the served directory;
``catalogue.pub`` is the public key (hex) a demo config pins.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..drivers.catalogue import FORMAT, public_key_hex, sign_catalogue
from ..drivers.system import current_arch
from .sm2token import catalogue_sm2

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
TEST_DRIVER_ID = "hy-test-softhsm"
SM2_DRIVER_ID = "hy-test-sm2token"
TEST_DRIVER_VERSION = "2.6.1"
TEST_USB_ID = "1209:0001"
PACKAGE_NAME = "hy-test-softhsm-2.6.1-linux-x86_64.tar.gz"
REPO_DIR = "driver-repo"
KEY_FILE = "driver-repo-signing.pem"
CATALOGUE = "catalogue.json"
SIGNATURE = "catalogue.json.sig"
PUBLIC_KEY = "catalogue.pub"
BUILT_FOR = ".built-for"
SM2_MARKER = "sm2-token-module"


def _signing_key(data_dir: Path) -> Ed25519PrivateKey:
    path = data_dir / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), None)
        assert isinstance(key, Ed25519PrivateKey)
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def build_test_package(out: Path, module: Path = SOFTHSM_MODULE) -> Path:
    """A tar.gz with the real SoftHSM2 module at ``lib/libsofthsm2.so`` and a README."""
    data = module.resolve().read_bytes()
    readme = b"SoftHSM2 PKCS#11 module packaged as the sandbox's test driver.\n"
    with tarfile.open(out, "w:gz") as tar:
        for name, body, mode in (("lib/libsofthsm2.so", data, 0o755),
                                 ("README.txt", readme, 0o644)):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(body), mode, 0
            tar.addfile(info, io.BytesIO(body))
    return out


def test_driver_entry(base_url: str, package: Path) -> dict[str, object]:
    body = package.read_bytes()
    return {
        "id": TEST_DRIVER_ID,
        "vendor": {"zh": "测试CA锁驱动（SoftHSM2）", "en": "Test key driver (SoftHSM2)"},
        # The USB id is pid.codes' test id: a simulated key "plugged in" before any driver.
        "token_hints": {"usb": [TEST_USB_ID], "manufacturer": ["SoftHSM project"],
                        "model": ["SoftHSM v2"]},
        "os": ["linux"], "arch": [current_arch()],
        "modules": {"linux": ["lib/libsofthsm2.so"]},
        "version": TEST_DRIVER_VERSION,
        "url": f"{base_url.rstrip('/')}/api/v1/drivers/files/{package.name}",
        "size": len(body), "sha256": hashlib.sha256(body).hexdigest(), "install": "archive",
    }


def sm2_driver_entry(module: str) -> dict[str, object]:
    """The SM2 test token's entry: no download (built from tests/sm2token), its module path and
    the description of its vendor SM2 mechanisms — the part the bundled catalogue cannot carry,
    because only a catalogue signed with the sandbox's own (test) key can be re-signed here."""
    return {
        "id": SM2_DRIVER_ID,
        "vendor": {"zh": "国密SM2测试CA锁（仅供测试）", "en": "SM2 test token (tests only)"},
        "token_hints": {"manufacturer": ["hy-client test"], "model": ["SM2 test token"]},
        "os": ["linux"], "arch": [current_arch()],
        "modules": {"linux": [module]}, "version": "1",
        "sm2": catalogue_sm2(),
    }


def sm2_module_in_use(data_dir: Path) -> str | None:
    """The SM2 test module, once ``provision-token --key sm2`` used it for this sandbox (its
    marker file): only then does the catalogue list it, so a sandbox without an SM2 key
    offers no test module to register."""
    try:
        path = (data_dir / SM2_MARKER).read_text("utf-8").strip()
    except OSError:
        return None
    return path if path and Path(path).is_file() else None


def _previous_version(repo: Path) -> int:
    try:
        version = json.loads((repo / CATALOGUE).read_bytes()).get("version", 0)
    except (OSError, ValueError, AttributeError):
        return 0
    return version if isinstance(version, int) else 0


def ensure_driver_repo(data_dir: Path, base_url: str) -> Path:
    """The served repo dir, built once per base URL (a new URL re-signs with version + 1)."""
    repo = data_dir / REPO_DIR
    base_url = base_url.rstrip("/")
    sm2_module = sm2_module_in_use(data_dir)
    built_for = base_url + (f"\n{sm2_module}" if sm2_module else "")
    try:
        if (repo / BUILT_FOR).read_text("utf-8") == built_for and (repo / SIGNATURE).exists():
            return repo
    except OSError:
        pass
    (repo / "files").mkdir(parents=True, exist_ok=True)
    key = _signing_key(data_dir)
    package = repo / "files" / PACKAGE_NAME
    if not package.exists():
        build_test_package(package)
    catalogue = {
        "format": FORMAT,
        "version": _previous_version(repo) + 1,
        "expires": (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "drivers": [test_driver_entry(base_url, package)]
        + ([sm2_driver_entry(sm2_module)] if sm2_module else []),
    }
    body, signature = sign_catalogue(catalogue, key)
    (repo / SIGNATURE).write_bytes(signature)
    (repo / CATALOGUE).write_bytes(body)
    (repo / PUBLIC_KEY).write_text(public_key_hex(key) + "\n", "utf-8")
    (repo / BUILT_FOR).write_text(built_for, "utf-8")
    return repo
