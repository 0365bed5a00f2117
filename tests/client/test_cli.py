"""The CLI end to end as a user runs it: separate processes, the sandbox, SoftHSM, a keyring."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.softhsm_fixtures import VALID_USCC

from .conftest import make_client, register_account
from .test_records_sandbox import QUALIFICATION

HERE = Path(__file__).parent


@pytest.fixture
def run(tmp_path, platform, provisioned):
    base = {**os.environ, "SOFTHSM2_CONF": str(provisioned.env.conf),
           "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
           "HY_TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
           "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
           "HY_PLATFORM_URL": platform.url}
    for name in ("CONFIG", "DATA", "LOG"):
        base[f"HY_{name}_DIR"] = str(tmp_path / name.lower())
    transcript: list[str] = []

    def run(*args: str, stdin: str = "", ok: bool = True,
            env: dict[str, str] | None = None,
            verbose: bool = True) -> subprocess.CompletedProcess[str]:
        flags = ["-v"] if verbose else []
        done = subprocess.run([sys.executable, "-m", "hy_client.cli", *flags, *args],
                              input=stdin,
                              env={**base, **(env or {})}, capture_output=True, text=True,
                              timeout=120)
        transcript.append(done.stdout + done.stderr)
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    run.transcript = transcript  # type: ignore[attr-defined]
    run.keyring = tmp_path / "keyring.json"  # type: ignore[attr-defined]
    run.logs = tmp_path / "log"  # type: ignore[attr-defined]
    return run


def test_cli_session_flows_and_no_secret_leaks(run, platform, provisioned, tmp_path):
    # the unit hy-tool's certificates name: they activate only into its account
    username, password = register_account(make_client(platform.url), code=VALID_USCC)
    tool = provisioned.tokens["hy-tool"]
    module = ["--module", provisioned.module]

    run("login", "--password", "--username", username, "--password-stdin",
        stdin=password + "\n")
    keyring = json.loads(run.keyring.read_text("utf-8"))
    assert sorted(k.split("|")[1] for k in keyring) == ["session_token", "username"]
    tokens = [v for k, v in keyring.items() if k.endswith("|session_token")]
    assert json.loads(run("whoami", "--json").stdout)["account"]["username"] == username

    run("activate", "--user-type", "bidder", "--token", "hy-tool", "--cert", "0a",
        "--pin-stdin", *module, stdin=tool.pin + "\n")
    run("logout")
    assert run("whoami", ok=False).returncode == 1
    bad = run("login", "--ca", "--token", "hy-tool", "--cert", "0a", "--pin-stdin", *module,
              stdin="999999\n", ok=False)
    assert bad.returncode == 1 and "T103" in bad.stderr
    out = run("login", "--ca", "--token", "hy-tool", "--cert", "0a", "--pin-stdin", "--json",
              *module, stdin=tool.pin + "\n").stdout
    assert json.loads(out)["account"]["username"] == username
    keyring = json.loads(run.keyring.read_text("utf-8"))
    tokens += [v for k, v in keyring.items() if k.endswith("|session_token")]

    scan = tmp_path / "资质证书.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + os.urandom(50_000))
    sets = [x for k, v in QUALIFICATION.items() for x in ("--set", f"{k}={v}")]
    added = json.loads(run("qualifications", "add", *sets, "--attach", str(scan), "--submit",
                           "--json").stdout)
    assert added["status"] == "submitted" and len(added["attachments"]) == 1
    listed = json.loads(run("qualifications", "list", "--json").stdout)
    assert [r["id"] for r in listed["records"]] == [added["id"]] and listed["drafts"] == []
    again = run("qualifications", "submit", str(added["id"]), ok=False)  # under review
    assert again.returncode == 1 and "P202" in again.stderr and "审核中" in again.stderr
    profile = json.loads(run("profile", "show", "--json").stdout)
    assert profile["spec"] == "profile_unit"
    advice = json.loads(run("renewal", "--json", *module, ok=False).stdout)
    assert {"certificates", "records", "bids"} <= advice.keys()
    assert advice["certificates"]  # read from the SoftHSM tokens
    run("logout")

    secrets = [password, tool.pin, *tokens]
    logs = "".join(p.read_text("utf-8") for p in run.logs.glob("*.log*"))
    assert "password login" in logs and "key (RS256" in logs and "submitted" in logs
    for text in [logs, *run.transcript]:
        for secret in secrets:
            assert secret not in text


def test_cli_refuses_secrets_as_arguments(run):
    done = run("login", "--password", "--username", "u", "--password", "x", ok=False)
    assert done.returncode == 2
    done = run("login", "--ca", "--pin", "123456", ok=False)
    assert done.returncode == 2


def test_cli_submit_retry_after_platform_outage(run, platform):
    username, password = register_account(make_client(platform.url))
    run("login", "--password", "--username", username, "--password-stdin",
        stdin=password + "\n")
    sets = [x for k, v in QUALIFICATION.items() for x in ("--set", f"{k}={v}")]
    platform.stop()
    try:
        failed = run("qualifications", "add", *sets, "--submit", ok=False)
    finally:
        platform.start()
    assert failed.returncode == 1 and "P101" in failed.stderr
    draft = json.loads(run("qualifications", "list", "--json").stdout)["drafts"]
    assert len(draft) == 1 and draft[0]["data"]["cert_no"] == QUALIFICATION["cert_no"]
    # back online, the draft goes up in one piece, but a qualification needs its 电子件
    refused = run("qualifications", "submit", draft[0]["draft"], ok=False)
    assert refused.returncode == 1 and "电子件" in refused.stderr
    listed = json.loads(run("qualifications", "list", "--json").stdout)
    assert [r["status"] for r in listed["records"]] == ["draft"]  # one record, not submitted
    assert len(listed["drafts"]) == 1


def test_cli_without_an_os_keyring_and_records_in_chinese(run, platform):
    """A support engineer's SSH session: no keyring, fields and choices named in Chinese."""
    username, password = register_account(make_client(platform.url))
    env_fail = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = run("login", "--password", "--username", username, "--password-stdin",
               stdin=password + "\n", env=env_fail, verbose=False)
    assert "C220" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert username in run("whoami", env=env_fail).stdout

    shown = run("profile", "edit", "--set", "联系人=王五", "--set", "单位类型=事业单位",
                env=env_fail).stdout
    assert "联系人：王五" in shown and "单位类型：事业单位" in shown and "institution" not in shown

    bad = run("profile", "edit", "--set", "联系电话=abc", env=env_fail, ok=False, verbose=False)
    assert bad.returncode == 1 and "联系电话" in bad.stderr and "标红" not in bad.stderr
    assert "abc" not in run("drafts", "list", "--mine", "--json",
                            env=env_fail).stdout  # nothing saved
    unknown = run("profile", "edit", "--set", "不存在的字段=1", env=env_fail, ok=False)
    assert "没有这个字段" in unknown.stderr

    added = json.loads(run("qualifications", "add", "--set", "资质类别=工程监理",
                           "--set", "证书编号=Z-1", "--json", env=env_fail).stdout)
    assert added["data"]["qual_type"] == "supervision"
    edited = run("qualifications", "edit", str(added["id"]), "--set", "证书编号=Z-2",
                 env=env_fail).stdout
    assert "证书编号：Z-2" in edited and "资质类别：工程监理" in edited
    drafts = json.loads(run("drafts", "list", "--mine", "--json", env=env_fail).stdout)
    assert any(d["record_id"] == added["id"] for d in drafts)
    run("drafts", "discard", *[d["draft"] for d in drafts], env=env_fail)
    assert json.loads(run("drafts", "list", "--mine", "--json", env=env_fail).stdout) == []

    run("logout", env=env_fail)
    assert run("whoami", env=env_fail, ok=False).returncode == 1


def test_cli_help_is_chinese_and_hides_developer_commands(run):
    top = run("--help").stdout
    assert "用法：" in top and "选项：" in top and "usage:" not in top and "options:" not in top
    assert "sandbox" not in top and "show this help" not in top
    assert "sign" not in run("drivers", "--help").stdout
    bad = run("activate", "--user-type", "x", ok=False, verbose=False)
    assert bad.returncode == 2 and "错误" in bad.stderr and "投标人" in bad.stderr
    assert "error:" not in bad.stderr and "invalid choice" not in bad.stderr
    fields = run("qualifications", "add", "--help").stdout
    assert "* 证书编号（cert_no）" in fields and "有效期至" in fields
    assert "可选：企业法人" in run("profile", "edit", "--help").stdout


def test_cli_help_gives_the_manuals_other_matters(run, platform):
    text = run("help", "--no-advice").stdout
    for fact in ("2939322251@qq.com", "变更说明", "营业执照复印件", "4007777016", "4006682666",
                 "从未登录过", "曾经登录过", "0734-8846540 ", "建设工程交易科", "0734-8846512",
                 "政府采购科", "0734-8846545", "技术支持", "延期"):
        assert fact in text, fact


def test_cli_a_natural_person_has_no_qualifications(run, platform):
    username, password = register_account(make_client(platform.url), "person")
    run("login", "--password", "--username", username, "--password-stdin",
        stdin=password + "\n")
    done = run("qualifications", "list", ok=False, verbose=False)
    assert done.returncode == 1 and "F222" in done.stderr and "自然人" in done.stderr
    run("personnel", "list")
