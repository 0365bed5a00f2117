"""``hy-client doctor`` end to end, in process: JSON shape, exit codes, the support zip."""

from __future__ import annotations

import io
import json
import zipfile

from hy_client.cli import main
from tests.sandbox_fixtures import free_port


def test_json_is_stable_and_exit_zero_without_errors(capsys):
    assert main(["doctor", "--section", "local", "--section", "system", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "hy-client-diagnostics/1"
    assert doc["sections"] == ["system", "local"]
    assert doc["summary"]["worst"] in ("ok", "info", "warning")
    assert set(doc["summary"]["counts"]) == {"ok", "info", "warning", "error"}
    first = doc["findings"][0]
    assert set(first) == {"id", "section", "severity", "code", "title", "detail", "advice",
                          "data"}
    assert {f["id"] for f in doc["findings"]} >= {"system.info", "local.keyring",
                                                   "local.config", "local.log"}


def test_server_down_exits_one_and_writes_the_zip(capsys, tmp_path):
    out = tmp_path / "support" / "report.zip"
    url = f"http://127.0.0.1:{free_port()}"
    code = main(["doctor", "--section", "platform", "--platform", url, "--timeout", "2",
                 "--out", str(out)])
    assert code == 1
    text = capsys.readouterr().out
    assert "【交易平台连接】" in text and "无法连接交易平台（P101）" in text and "建议：" in text
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["hy-client.log", "report.json", "report.txt"]
        assert json.loads(zf.read("report.json"))["summary"]["worst"] == "error"
        assert zf.read("report.txt").decode() == text


def test_self_test_with_pin_from_stdin(capsys, monkeypatch, provisioned):
    spec = provisioned.new_token("diag-cli", pin="424242")
    monkeypatch.setattr("sys.stdin", io.StringIO(spec.pin + "\n"))
    code = main(["doctor", "--section", "tokens", "--self-test", "--pin-stdin",
                 "--token", spec.label, "--json"])
    out = capsys.readouterr().out
    doc = json.loads(out)
    tested = [f for f in doc["findings"] if f["id"] == f"tokens.self_test.{spec.serial}.01"]
    assert tested and tested[0]["severity"] == "ok"
    assert spec.pin not in out
    assert code == 1  # the shared test tokens hold expired and damaged certificates
