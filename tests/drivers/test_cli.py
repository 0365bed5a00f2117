"""`hy-client drivers …` end to end: update from the served repo, install, check, list."""

from __future__ import annotations

import json

from hy_client import config
from hy_client.cli import main
from hy_client.drivers.install import driver_root
from hy_client.sandbox.driver_repo import TEST_DRIVER_ID


def test_update_install_check(sandbox_repo, softhsm_token, monkeypatch, capsys):
    server, pub = sandbox_repo
    monkeypatch.setenv("HY_PLATFORM_URL", server.base_url)
    config.update(catalogue_keys=(pub,))

    assert main(["drivers", "update"]) == 0
    assert "驱动目录已更新" in capsys.readouterr().out

    assert main(["drivers", "install", TEST_DRIVER_ID]) == 0
    out = capsys.readouterr().out
    module = str(driver_root() / TEST_DRIVER_ID / "lib" / "libsofthsm2.so")
    assert module in out and softhsm_token in out  # loaded by the token layer, token listed
    assert config.load().pkcs11_modules == (module,)

    main(["drivers", "check", "--json"])
    report = json.loads(capsys.readouterr().out)
    ours = next(m for m in report["modules"] if m["path"] == module)
    assert ours["loads"] and ours["driver_id"] == TEST_DRIVER_ID
    assert softhsm_token in [t["label"] for t in ours["tokens"]]

    assert main(["drivers", "list"]) == 0
    assert f"{TEST_DRIVER_ID}" in capsys.readouterr().out


def test_unknown_driver_and_untrusted_catalogue(sandbox_repo, monkeypatch, capsys):
    server, _ = sandbox_repo
    monkeypatch.setenv("HY_PLATFORM_URL", server.base_url)
    assert main(["drivers", "update"]) == 1  # the sandbox key is not pinned
    assert "D101" in capsys.readouterr().err
    assert main(["drivers", "install", "no-such-driver"]) == 1
    assert "D111" in capsys.readouterr().err


def test_sign_command(tmp_path, capsys):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hy_client.drivers.catalogue import verify_signature

    key = Ed25519PrivateKey.generate()
    pem = tmp_path / "k.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    cat = tmp_path / "catalogue.json"
    cat.write_bytes(b'{"x": 1}\n')
    assert main(["drivers", "sign", str(cat), "--key", str(pem)]) == 0
    pub = capsys.readouterr().out.split()[-1]
    verify_signature(cat.read_bytes(), (tmp_path / "catalogue.json.sig").read_bytes(), [pub])
