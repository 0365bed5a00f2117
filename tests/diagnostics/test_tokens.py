"""Module and token findings from real situations on real SoftHSM2 tokens."""

from __future__ import annotations

import _ssl

import pytest

from hy_client import config, diagnostics
from hy_client.diagnostics.redact import Redactor
from hy_client.errors import HyError
from hy_client.token.service import TokenService
from tests.softhsm_fixtures import FaultyLib


def by_id(report, prefix):
    return [f for f in report.findings if f.id.startswith(prefix)]


def one(report, fid):
    matches = [f for f in report.findings if f.id == fid]
    assert len(matches) == 1, [f.id for f in report.findings]
    return matches[0]


def test_no_module_at_all_is_an_error():
    service = TokenService([])
    try:
        report = diagnostics.run_diagnostics(sections=["modules", "tokens"],
                                             token_service=service)
    finally:
        service.close()
    assert (one(report, "modules.none").code, one(report, "modules.none").severity) == \
        ("M107", "error")
    assert one(report, "tokens.none").code == "T101"
    assert report.exit_code == 1


@pytest.mark.parametrize("kind", ["text", "shared library"])
def test_module_path_to_a_non_pkcs11_file(tmp_path, monkeypatch, kind):
    if kind == "text":
        path = tmp_path / "vendor-p11.dll.so"
        path.write_text("this is a readme, not a driver", "utf-8")
        path = str(path)
    else:
        path = _ssl.__file__  # a real shared library without C_GetFunctionList
    monkeypatch.setenv("HY_PKCS11_MODULE", path)
    report = diagnostics.run_diagnostics(sections=["modules"])
    shown = Redactor().text(path)  # the home directory shows as ~
    bad = [f for f in by_id(report, "modules.module.") if f.data["path"] == shown]
    assert len(bad) == 1
    assert (bad[0].code, bad[0].severity, bad[0].data["source"]) == ("M102", "error", "explicit")
    assert report.exit_code == 1


def test_configured_module_that_is_missing(tmp_path):
    missing = str(tmp_path / "gone" / "libvendor.so")
    settings = config.Settings(pkcs11_modules=(missing,))
    report = diagnostics.run_diagnostics(settings, sections=["modules"])
    bad = [f for f in by_id(report, "modules.module.")
           if f.data["path"] == Redactor().text(missing)]
    assert (bad[0].code, bad[0].severity) == ("M101", "error")


def test_loaded_module_names_versions(token_service, provisioned):
    report = diagnostics.run_diagnostics(sections=["modules"], token_service=token_service)
    loaded = one(report, "modules.module.0")
    assert loaded.severity == "ok"
    assert loaded.data["manufacturer"] == "SoftHSM" and loaded.data["cryptoki_version"]
    assert loaded.data["tokens"] >= 2


def test_token_with_expired_and_broken_certificates(token_service, provisioned):
    serial = provisioned.tokens["hy-py"].serial
    report = diagnostics.run_diagnostics(sections=["tokens"], token_service=token_service)
    cert = lambda cid: one(report, f"tokens.cert.{serial}.{cid}")  # noqa: E731
    assert (cert("03").severity, cert("03").code) == ("error", "A108")
    assert "过期" in cert("03").advice_zh and cert("03").data["renewal"]["reason"] == "expired"
    assert (cert("04").severity, cert("04").code) == ("error", "A109")
    assert (cert("09").severity, cert("09").code) == ("error", "T111")
    assert cert("01").severity == "ok" and cert("01").data["certificate"]["status"] == "valid"
    mechs = one(report, f"tokens.mechanisms.{serial}")
    assert mechs.severity == "ok" and "RSA" in mechs.detail_zh and "EC" in mechs.detail_zh
    assert one(report, f"tokens.pin.{serial}").severity == "ok"
    assert report.exit_code == 1


def test_wrong_pin_shows_in_the_pin_flags(token_service, provisioned):
    spec = provisioned.new_token("diag-wrong-pin", pin="135790")
    token_service.scan(refresh=True).result(30)
    with pytest.raises(HyError) as raised:
        token_service.login(spec.serial, "000000").result(30)
    assert raised.value.code == "T103"
    report = diagnostics.run_diagnostics(sections=["tokens"], token_service=token_service)
    pin = one(report, f"tokens.pin.{spec.serial}")
    assert pin.severity == "warning" and pin.data["flags"]["user_pin_count_low"]
    assert "输错" in pin.detail_zh


def test_locked_pin_is_an_error(softhsm_module, provisioned):
    """SoftHSM never locks: a wrapper around the real module plays a card with 1 try."""
    spec = provisioned.new_token("diag-locked", pin="864200")
    faulty: list[FaultyLib] = []

    def loader(path):
        import pkcs11
        faulty.append(FaultyLib(pkcs11.lib(path), spec.serial, tries=1))
        return faulty[0]

    service = TokenService([softhsm_module], loader=loader)
    try:
        service.scan(refresh=True).result(30)
        with pytest.raises(HyError):
            service.login(spec.serial, "111111").result(30)
        report = diagnostics.run_diagnostics(sections=["tokens"], token_service=service)
    finally:
        service.close()
    pin = one(report, f"tokens.pin.{spec.serial}")
    assert (pin.severity, pin.code) == ("error", "T105")
    assert "锁定" in pin.detail_zh


def test_self_test_signs_and_decrypts_with_the_right_pin(token_service, provisioned):
    spec = provisioned.new_token("diag-self-test", pin="975310", key="rsa")
    report = diagnostics.run_diagnostics(sections=["tokens"], token_service=token_service,
                                         pin=spec.pin, token=spec.label)
    result = one(report, f"tokens.self_test.{spec.serial}.01")
    assert result.severity == "ok"
    assert result.data["signature_ok"] and result.data["decrypt_ok"]
    assert "解密正常" in result.detail_zh


def test_self_test_with_a_wrong_pin_logs_in_once_and_reports(token_service, provisioned):
    spec = provisioned.new_token("diag-self-test-bad", pin="975311")
    report = diagnostics.run_diagnostics(sections=["tokens"], token_service=token_service,
                                         pin="000001", token=spec.serial)
    bad = one(report, f"tokens.self_test.{spec.serial}")
    assert (bad.severity, bad.code) == ("error", "T103")
    assert not token_service.token_flags(spec.serial).result(10).user_pin_locked


def test_self_test_refuses_to_guess_which_key(token_service, provisioned):
    report = diagnostics.run_diagnostics(sections=["tokens"], token_service=token_service,
                                         pin="123987")
    refused = one(report, "tokens.self_test")
    assert (refused.severity, refused.code) == ("warning", "T102")
