"""The 国密 journey as a user types it, each command its own process: provision an SM2 test
token from the sandbox, log in with it, whoami, activate, token test, readiness, token list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hy_client.sandbox import sm2token
from tests.sandbox_fixtures import SandboxProcess

HERE = Path(__file__).parent
PIN = "135790"


@pytest.fixture
def sm2_env(tmp_path, sm2_module):
    base = tmp_path / "client"
    env = {**os.environ,
           "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
           "HY_TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
           "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
           sm2token.ENV_DIR: str(tmp_path / "sm2tokens"),
           sm2token.ENV_MODULE: sm2_module}
    for name in ("CONFIG", "DATA", "LOG"):
        env[f"HY_{name}_DIR"] = str(base / name.lower())
    server = SandboxProcess(tmp_path / "sandbox", env={
        f"HY_{n}_DIR": str(tmp_path / "server" / n.lower()) for n in ("CONFIG", "DATA", "LOG")}
        | {sm2token.ENV_MODULE: sm2_module}).start()
    env["HY_PLATFORM_URL"] = server.url
    yield env, server
    server.stop()


def test_sm2_key_logs_in_activates_and_self_tests(sm2_env, sm2_module):
    env, server = sm2_env
    transcript: list[str] = []

    def run(*args: str, stdin: str = "", ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "hy_client.cli", *args], input=stdin,
                              env=env, capture_output=True, text=True, timeout=120)
        transcript.append(done.stdout + done.stderr)
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    out = run("sandbox", "provision-token", "--key", "sm2", "--pin", PIN,
              "--data", str(server.data_dir)).stdout
    assert "CA锁：HY-DEMO-SM2" in out and "SM2算法描述" in out, out
    module = ["--module", sm2_module]

    listed = json.loads(run("token", "list", "--json", *module).stdout)
    (cert,) = [c for m in listed["modules"] for s in m["slots"] if s["token"]
               for c in s["token"]["certificates"]]
    assert cert["key_algorithm"] == "SM2" and cert["usable_for_login"] is True
    assert cert["subject_cn"] == cert["organization"] and "有限公司" in cert["organization"]
    assert cert["subject"].startswith("CN=") and "O=" + cert["organization"] in cert["subject"]
    assert cert["issuer"].startswith("CN=衡阳国密测试CA 签发证书")

    login = json.loads(run("login", "--ca", "--pin-stdin", "--json", *module,
                           stdin=PIN + "\n").stdout)
    assert login["account"]["username"] == "demo_bidder"
    assert json.loads(run("whoami", "--json").stdout)["account"]["username"] == "demo_bidder"
    run("activate", "--user-type", "bidder", "--pin-stdin", *module, stdin=PIN + "\n")
    tested = run("token", "test", "--pin-stdin", *module, stdin=PIN + "\n").stdout
    assert "SM2-SM3  签名验签 通过  解密 通过" in tested and "自检通过" in tested
    ready = run("readiness", "--self-test", "--pin-stdin", "--json", *module,
                stdin=PIN + "\n" * 4, ok=False)
    report = json.loads(ready.stdout)
    assert report["tokens_read"] is True and report["bids"], ready.stdout + ready.stderr
    assert "自检通过" in ready.stderr, ready.stderr
    run("logout")
    logs = "".join(p.read_text("utf-8") for p in Path(env["HY_LOG_DIR"]).glob("*.log*"))
    assert "key (SM2-SM3" in logs
    for text in [logs, *transcript]:
        assert PIN not in text
