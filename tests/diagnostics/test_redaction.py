"""No secret survives into any part of the report: each is seeded where it really lives."""

from __future__ import annotations

import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from hy_client import config, diagnostics
from hy_client.credentials import CredentialStore
from hy_client.diagnostics import report as render
from hy_client.diagnostics.redact import Redactor, mask
from hy_client.forms.validators import id_check_char
from hy_client.logs import log_path
from hy_client.sandbox import softhsm
from tests.sandbox_fixtures import free_port
from tests.softhsm_fixtures import SO_PIN, VALID_USCC

ID_NUMBER = "43010419900101123" + id_check_char("43010419900101123")
PIN = "Zq81-pin-77"
SESSION = "sess-TOPSECRET-1234567890"
SECRETS = {
    "pin": PIN, "session token": SESSION, "log password": "Hunter2Secret",
    "cookie": "CookieVal999", "config password": "CfgPass99", "env password": "EnvPass77",
    "proxy password": "ProxyPass55", "身份证号": ID_NUMBER, "统一社会信用代码": VALID_USCC,
}


def test_every_seeded_secret_is_gone_from_text_json_and_log(
        tmp_path, monkeypatch, provisioned, token_service, memory_keyring):
    home = tmp_path / "home" / "diaguser"
    (home / "vendor").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USER", "diaguser")
    monkeypatch.setenv("LOGNAME", "diaguser")

    # A key whose certificate subject carries a person's 身份证号 and the company's code.
    label = "diag-redact"
    provisioned.env.init_token(label, SO_PIN, PIN)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = provisioned.ca.issue(key.public_key(), cn=f"张三 {ID_NUMBER}", organization="某公司",
                                uscc=VALID_USCC)
    softhsm.pkcs11_tool_write(provisioned.env, provisioned.module, label, PIN, key, cert,
                              b"\x01", "签名证书")

    # Environment: the platform URL and a proxy with credentials.
    port = free_port()
    monkeypatch.setenv("HY_PLATFORM_URL", f"http://diag:EnvPass77@127.0.0.1:{port}")
    monkeypatch.setenv("HTTP_PROXY", "http://puser:ProxyPass55@proxy.example.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    # Config: module paths in the home dir and under the user's name, a password-bearing URL.
    config.config_path().write_text(
        f'pkcs11_modules = ["{home}/vendor/libp11.so", "/opt/diaguser/libx.so"]\n'
        'password = "CfgPass99"\n'
        '[platforms.other]\nurl = "https://admin:CfgPass99@ggzy.example.invalid"\n', "utf-8")
    # Keyring: the session token of the active platform.
    origin = config.load().active_platform.origin
    CredentialStore(origin).save_session_token(SESSION)
    # Log: what a careless line could have written.
    Path(log_path()).parent.mkdir(parents=True, exist_ok=True)
    Path(log_path()).write_text(
        f"2026-01-01 INFO login pin={PIN} password=Hunter2Secret\n"
        f"2026-01-01 DEBUG Cookie: hy_session=CookieVal999; other=1\n"
        f"2026-01-01 DEBUG Authorization: Bearer {SESSION}\n"
        f"2026-01-01 INFO token {SESSION} restored for {ID_NUMBER} / {VALID_USCC}\n"
        f"2026-01-01 INFO loaded {home}/vendor/libp11.so\n", "utf-8")

    seen = []
    report = diagnostics.run_diagnostics(pin=PIN, token=label, token_service=token_service,
                                         progress=seen.append, timeout=2)
    out = render.write_zip(report, tmp_path / "support.zip")
    with zipfile.ZipFile(out) as zf:
        parts = {name: zf.read(name).decode("utf-8") for name in zf.namelist()}
    assert set(parts) == {"report.txt", "report.json", "hy-client.log"}
    parts["progress"] = repr(seen)
    parts["report object"] = repr(report)

    # The run really touched each secret's source.
    self_test = [f for f in report.findings if f.id.startswith("tokens.self_test.")]
    assert self_test and all(f.severity == "ok" for f in self_test), self_test
    assert any(f.data.get("session_saved") for f in report.findings)
    assert "proxy.example.invalid" in parts["report.json"]
    assert "~/vendor/libp11.so" in parts["report.json"]
    assert "/opt/<user>/libx.so" in parts["report.json"]
    assert mask(ID_NUMBER) in parts["report.json"] and mask(ID_NUMBER) in parts["hy-client.log"]
    assert mask(VALID_USCC) in parts["report.txt"]

    for where, text in parts.items():
        for what, secret in SECRETS.items():
            assert secret not in text, f"{what} found in {where}"
        assert str(home) not in text, f"home dir in {where}"
        assert "diaguser" not in text, f"user name in {where}"


def test_redactor_masks_codes_and_keyed_values():
    r = Redactor(["s3cr3t-value"], home="/home/bob", user="bob")
    text = r.text('pin=1234 "password": "x y" /home/bob/x /srv/bob/y '
                  f"{ID_NUMBER} https://u:p@h/ s3cr3t-value Bearer abc.def 密码：口令123\n"
                  "Set-Cookie: a=b; Path=/")
    assert "1234" not in text and "a=b" not in text and "s3cr3t" not in text
    assert "x y" not in text and "abc.def" not in text and "口令123" not in text
    assert "u:p@" not in text
    assert "~/x" in text and "/srv/<user>/y" in text and mask(ID_NUMBER) in text
    assert r.data({"pin": "9999", "nested": [{"token": "t"}], "n": 3}) == {
        "pin": "<已隐去>", "nested": [{"token": "<已隐去>"}], "n": 3}
