"""One answer on every surface for an SM2 key: `token list` (table and JSON), `token test`,
diagnostics and the GUI's certificate panel — unknown driver convention, then a described one."""

from __future__ import annotations

import io
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hy_client import config, diagnostics
from hy_client.cli import main
from hy_client.drivers import catalogue as cat
from hy_client.drivers.catalogue import trusted_keys
from hy_client.drivers.install import catalogue_dir
from hy_client.drivers.sm2 import catalogue_resolver
from hy_client.drivers.store import CatalogueStore
from hy_client.firstrun import FirstRun
from hy_client.sandbox import sm2token
from hy_client.signin import no_candidate_reason
from hy_client.token.service import TokenService
from tests.sandbox_fixtures import threaded_sandbox
from ui.widgets.cert import CertificatePanel

UNKNOWN = "已发现SM2密钥，但该驱动的SM2算法未知"


def _cert_json(capsys, module, serial):
    assert main(["token", "list", "--json", "--module", module]) == 0
    doc = json.loads(capsys.readouterr().out)
    token = next(s["token"] for m in doc["modules"] for s in m["slots"]
                 if s["token"] and s["token"]["serial"] == serial)
    return token["certificates"][0]


def _describe_module(module):
    """A test-signed catalogue describing the module, trusted through the config's keys."""
    key = Ed25519PrivateKey.generate()
    config.update(catalogue_keys=(cat.public_key_hex(key),))
    body, signature = cat.sign_catalogue({
        "format": cat.FORMAT, "version": 90, "expires": "2099-01-01T00:00:00Z",
        "drivers": [{"id": "hy-test-sm2", "vendor": {"zh": "国密测试CA锁", "en": "SM2 test"},
                     "os": ["linux"], "arch": ["x86_64"], "version": "1",
                     "modules": {"linux": [module]}, "sm2": sm2token.catalogue_sm2()}]}, key)
    CatalogueStore(catalogue_dir(), trusted_keys(config.load().catalogue_keys)).accept(
        body, signature, "test")


def test_unknown_then_described_on_every_surface(sm2_module, sm2_token, capsys, monkeypatch,
                                                 qtbot, tmp_path):
    # 1. no catalogue describes the module: listed as SM2 with T280, never used
    cert = _cert_json(capsys, sm2_module, sm2_token.serial)
    assert cert["key_algorithm"] == "SM2" and cert["organization"] == "衡阳市国密建设工程有限公司"
    assert "CN=衡阳市国密建设工程有限公司" in cert["subject"] and cert["uscc"]
    assert cert["warning"]["message"] == UNKNOWN and cert["usable_for_login"] is False
    assert main(["token", "list", "--module", sm2_module]) == 0
    assert f"[T280] {UNKNOWN}" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(sm2_token.pin + "\n"))
    assert main(["token", "test", "--token", sm2_token.label, "--pin-stdin", "--module",
                 sm2_module]) != 0
    assert UNKNOWN in capsys.readouterr().err
    with threaded_sandbox(tmp_path / "sandbox") as sb:
        monkeypatch.setenv("HY_PLATFORM_URL", sb.url)
        monkeypatch.setattr("sys.stdin", io.StringIO(sm2_token.pin + "\n"))
        assert main(["login", "--ca", "--pin-stdin", "--module", sm2_module]) != 0
    assert UNKNOWN in capsys.readouterr().err  # not "no key found"

    service = TokenService([sm2_module], sm2=catalogue_resolver())
    try:
        report = diagnostics.run_diagnostics(sections=["tokens"], token_service=service)
        modules = service.scan().result(30)
        listed = next(t for m in modules for t in m.tokens if t.serial == sm2_token.serial)
    finally:
        service.close()
    assert any(f.code == "T280" and f.title_zh == UNKNOWN for f in report.findings), \
        [(f.id, f.code, f.title_zh) for f in report.findings]
    assert no_candidate_reason(modules).info.code == "T280"
    step = FirstRun(path=tmp_path / "firstrun.json").check_certificate(listed)
    assert (step.status, step.sentence_zh, step.data["code"]) == ("failed", UNKNOWN + "。", "T280")
    panel = CertificatePanel()
    qtbot.addWidget(panel)
    panel.set_certificate(listed.certificates[0])
    assert UNKNOWN in panel.values["algorithm"].text()

    # 2. the catalogue describes it: usable, self-test signs and decrypts
    _describe_module(sm2_module)
    cert = _cert_json(capsys, sm2_module, sm2_token.serial)
    assert cert["warning"] is None and cert["usable_for_login"] is True
    monkeypatch.setattr("sys.stdin", io.StringIO(sm2_token.pin + "\n"))
    assert main(["token", "test", "--token", sm2_token.label, "--pin-stdin", "--module",
                 sm2_module]) == 0
    out = capsys.readouterr().out
    assert "SM2-SM3  签名验签 通过  解密 通过" in out and "自检通过" in out
