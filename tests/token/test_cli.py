"""`hy-client token list|test`: JSON shape, Chinese table, exit codes, and PIN secrecy."""

from __future__ import annotations

import io
import json
import logging

import pytest

from hy_client import config
from hy_client.cli import main

SECRET_PIN = "556677"  # the hy-tool token's PIN
WRONG_PIN = "864209"


def test_list_json_describes_the_pkcs11_tool_token(provisioned, capsys):
    assert main(["token", "list", "--json", "--module", provisioned.module]) == 0
    doc = json.loads(capsys.readouterr().out)
    (module,) = doc["modules"]
    assert module["path"] == provisioned.module and module["error"] is None
    assert {"manufacturer", "library_version", "slots"} <= set(module)
    token = next(s["token"] for s in module["slots"]
                 if s["token"] and s["token"]["label"] == "hy-tool")
    assert set(token["flags"]) >= {"login_required", "protected_auth_path",
                                   "user_pin_count_low", "user_pin_final_try",
                                   "user_pin_locked", "user_pin_to_be_changed",
                                   "token_initialized"}
    certs = {c["id"]: c for c in token["certificates"]}
    c = certs["0a"]
    expected = provisioned.tokens["hy-tool"].certs["0a"]
    assert c["subject_cn"] == "赵六" and c["organization"] == "衡阳市某某建设工程有限公司"
    assert c["serial"] == format(expected.serial_number, "X")
    assert c["not_after"] == expected.not_valid_after_utc.isoformat().replace("+00:00", "Z")
    assert c["key_algorithm"] == "RSA-2048" and certs["0b"]["key_algorithm"] == "EC-P256"
    assert c["status"] == "valid" and c["error"] is None and len(c["sha256"]) == 64
    assert c["key_usage"] == ["digital_signature", "key_encipherment"]
    assert c["has_private_key"] is None  # unknown until login: the key is a private object


def test_list_table_is_chinese(provisioned, capsys):
    assert main(["token", "list", "--module", provisioned.module]) == 0
    out = capsys.readouterr().out
    assert "CA锁「hy-py」" in out and "已过期" in out and "[T111] 证书无法解析" in out


def test_no_token_is_a_finding(tmp_path, capsys):
    assert main(["token", "list", "--module", str(tmp_path / "none.so")]) == 1
    captured = capsys.readouterr()
    assert "M101" in captured.out and "T101" in captured.err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["token", "test", "--cert", "zz"])
    assert info.value.code == 2
    assert main(["token"]) == 2


def test_several_tokens_ask_which(provisioned, capsys):
    assert main(["token", "test", "--module", provisioned.module, "--pin-stdin"]) == 1
    assert "T102" in capsys.readouterr().err


def test_self_test_command_and_pin_secrecy(provisioned, capsys, caplog, monkeypatch, tmp_path):
    """The PIN appears in no log record, exception text or CLI output — right or wrong."""
    monkeypatch.setenv("HY_LOG_DIR", str(tmp_path))
    caplog.set_level(logging.DEBUG)
    argv = ["-v", "token", "test", "--token", "hy-tool", "--module", provisioned.module,
            "--pin-stdin"]
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET_PIN + "\n"))
    assert main(argv) == 0
    first = capsys.readouterr()
    assert "自检通过" in first.out and "解密 通过" in first.out
    monkeypatch.setattr("sys.stdin", io.StringIO(WRONG_PIN + "\n"))
    assert main(argv) == 1
    second = capsys.readouterr()
    assert "T103" in second.err
    texts = [first.out, first.err, second.out, second.err, caplog.text]
    texts += [r.getMessage() + repr(r.args) for r in caplog.records]
    log_file = config.log_dir() / "hy-client.log"
    if log_file.exists():
        texts.append(log_file.read_text("utf-8"))
    for text in texts:
        assert SECRET_PIN not in text and WRONG_PIN not in text


def test_pin_not_in_exception(provisioned):
    from hy_client.token.service import TokenService
    svc = TokenService([provisioned.module])
    try:
        svc.scan().result()
        with pytest.raises(Exception) as info:
            svc.login(provisioned.tokens["hy-tool"].serial, WRONG_PIN).result()
        exc = info.value
        for text in (str(exc), repr(exc), json.dumps(exc.to_dict(), ensure_ascii=False),
                     repr(exc.__cause__), repr(exc.__context__)):
            assert WRONG_PIN not in text
    finally:
        svc.close()
