"""`hy-client sandbox serve` as a real process on a free loopback port, and the other commands."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.sandbox.helpers import Api, code_of
from tests.sandbox_fixtures import SandboxProcess


def cli(*args: str, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "hy_client.cli", "sandbox", *args],
                          capture_output=True, text=True, timeout=60, input=stdin,
                          env={**os.environ, **(env or {})})


def test_health_and_demo_login(sandbox_server):
    health = requests.get(f"{sandbox_server.api}/health", timeout=10).json()
    assert health["status"] == "ok" and health["api"] == "hy-platform:1"
    api = Api(sandbox_server.api).login_demo("bidder")
    assert len(api.call("GET", "/bids").json()) == 3


def test_data_survives_a_restart(sandbox_server):
    api = Api(sandbox_server.api).login_demo("person")
    api.call("PUT", "/profile", json={"data": {"name": "张伟", "address": "衡阳市珠晖区"}})
    sandbox_server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{sandbox_server.api}/health", timeout=2)
    sandbox_server.start()
    assert api.call("GET", "/profile").json()["data"]["address"] == "衡阳市珠晖区"


def test_review_commands_and_app_simulator(sandbox_server):
    data = ["--data", str(sandbox_server.data_dir)]
    listing = cli("review", "list", *data)
    assert listing.returncode == 0 and "demo_bidder" in listing.stdout
    record_id = next(line.split()[0] for line in listing.stdout.splitlines()
                     if "demo_bidder" in line)
    rejected = cli("review", "reject", record_id, "--reason", "证书复印件不清晰", *data)
    assert rejected.returncode == 0, rejected.stderr
    again = cli("review", "approve", record_id, *data)
    assert again.returncode == 1 and "P108" in again.stderr

    desktop = Api(sandbox_server.api).login_demo("agency")
    bind_qr = desktop.call("POST", "/app/qr", json={"kind": "bind"}).json()
    assert cli("app", "bind", bind_qr["payload"], *data).returncode == 0
    confirmed = desktop.call("POST", f"/app/qr/{bind_qr['id']}/confirm", json={"approve": True})
    assert confirmed.json()["state"] == "confirmed"
    login_qr = Api(sandbox_server.api)
    qr = login_qr.call("POST", "/app/qr", json={"kind": "login",
                                                "username": "demo_agency"}).json()
    scanned = cli("app", "scan", qr["payload"], *data)
    assert scanned.returncode == 0, scanned.stderr
    status = login_qr.call("GET", f"/app/qr/{qr['id']}").json()
    assert status["session"]["account"]["username"] == "demo_agency"
    replay = cli("app", "scan", qr["payload"], "--deny", *data)
    assert replay.returncode == 1 and "A118" in replay.stderr


def test_refuses_a_public_host_without_flag(tmp_path):
    result = cli("serve", "--host", "0.0.0.0", "--port", "1", "--data", str(tmp_path))
    assert result.returncode == 1 and "S101" in result.stderr


def test_clock_offset(tmp_path):
    server = SandboxProcess(tmp_path / "data", extra_args=("--clock-offset", "-3600"),
                            env={"HY_DATA_DIR": str(tmp_path / "d"),
                                 "HY_LOG_DIR": str(tmp_path / "l"),
                                 "HY_CONFIG_DIR": str(tmp_path / "c")}).start()
    try:
        body = requests.get(f"{server.api}/health", timeout=10).json()
        skew = datetime.now(UTC) - datetime.fromisoformat(body["server_time"])
        assert timedelta(minutes=59) < skew < timedelta(minutes=61)
        r = requests.post(f"{server.api}/auth/login", json={"username": "x", "password": "y"},
                          timeout=10)
        assert code_of(r) == "A101"
    finally:
        server.stop()


def test_reset_password_command_ends_every_session(sandbox_server):
    """The support desk's reset, as the command runs it against the server's data."""
    import uuid

    from tests.sandbox.test_accounts_records import unit_registration

    name = f"reset{uuid.uuid4().hex[:8]}"
    api = Api(sandbox_server.api)
    assert api.call("POST", "/accounts/register", json=unit_registration(name)).status_code == 201
    assert api.login(name, "Passw0rd1").status_code == 200
    done = cli("reset-password", name, "--password-stdin", "--data",
               str(sandbox_server.data_dir), stdin="Reset2024x\n")
    assert done.returncode == 0, done.stderr
    assert "所有登录已失效" in done.stdout
    assert code_of(api.call("GET", "/me")) == "A103"  # the session from before is gone
    assert Api(sandbox_server.api).login(name, "Reset2024x").status_code == 200
