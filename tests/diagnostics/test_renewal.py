"""Renewal advice in the report knows the bidder's open bids (stored session, real sandbox)."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec

from hy_client import config, diagnostics
from hy_client.api.client import PlatformClient
from hy_client.credentials import CredentialStore
from hy_client.sandbox import softhsm
from hy_client.sandbox.demo import BIDDER
from tests.sandbox_fixtures import threaded_sandbox
from tests.softhsm_fixtures import SO_PIN


def test_bids_before_and_after_the_expiry_give_a_window_not_renew_now(
        tmp_path, provisioned, token_service, memory_keyring):
    label, pin = "diag-renewal", "313131"
    serial = provisioned.env.init_token(label, SO_PIN, pin)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = provisioned.ca.issue(key.public_key(), cn="即将到期", days=20)
    softhsm.pkcs11_tool_write(provisioned.env, provisioned.module, label, pin, key, cert,
                              b"\x01", "签名证书", decrypt=False)
    with threaded_sandbox(tmp_path / "data") as sandbox:
        profile = config.PlatformProfile("test", sandbox.url)
        settings = config.Settings(platform="test", platforms={"test": profile})
        before = _cert(diagnostics.run_diagnostics(settings, sections=["tokens"],
                                                   token_service=token_service), serial)
        with PlatformClient(profile) as client:
            session = client.login(BIDDER.username, BIDDER.password)
        CredentialStore(profile.origin).save_session_token(session.token)
        after = _cert(diagnostics.run_diagnostics(settings, sections=["tokens"],
                                                  token_service=token_service), serial)
    assert before.data["renewal"]["bids_checked"] is False
    assert before.severity == "warning" and before.data["renewal"]["reason"] == "renew_soon"
    assert after.data["renewal"]["bids_checked"] is True
    # the demo bids open before and after the expiry: a window, never "renew now"
    assert (after.severity, after.data["renewal"]["reason"]) == ("warning",
                                                                  "renew_after_opening")
    assert after.data["renewal"]["renew_window"] is not None
    assert "开标结束后" in after.advice_zh and "重新加密" in after.advice_zh
    assert "请立即办理延期" not in after.advice_zh
    assert "请立即办理延期" not in before.advice_zh  # bids unknown: never "renew now"


def _cert(report, serial):
    return next(f for f in report.findings if f.id == f"tokens.cert.{serial}.01")
