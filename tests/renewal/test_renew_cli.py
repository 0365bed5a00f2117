"""`hy-client renew` as a bidder runs it (separate processes, the keyring, SoftHSM, sandbox):
refused outside the window with the bid list, renewed inside it, the new certificate listed with
a later not_after, `login --ca` working with it, the old key still on the token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.renewal_fixtures import PIN

HERE = Path(__file__).parent


def test_renew_command_refuses_then_renews(make_rig, platform, provisioned, tmp_path):
    rig = make_rig()
    early = rig.add_bid("HYGC-CLI-01", timedelta(days=6))
    rig.add_bid("HYGC-CLI-02", timedelta(days=45))
    old = rig.key()
    rig.tokens.logout(old.serial).result(30)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
           "HY_TEST_KEYRING_FILE": str(tmp_path / "keyring.json"), "HY_PLATFORM_URL": platform.url,
           "PYTHONPATH": os.pathsep.join([str(HERE.parent / "client"),
                                          os.environ.get("PYTHONPATH", "")])}
    module = ["--module", rig.module]

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "hy_client.cli", *args], input=PIN + "\n",
                              env=env, capture_output=True, text=True, timeout=120)
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    run("login", "--ca", "--token", rig.label, "--pin-stdin", *module)
    refused = run("renew", "--token", rig.label, "--pin-stdin", *module, ok=False)
    assert refused.returncode == 1
    assert "HYGC-CLI-01" in refused.stderr and "--override-bids" in refused.stderr
    assert "HYGC-CLI-02" not in refused.stderr.split("无法解密：")[-1]  # opens after the expiry

    rig.move_bid(early, timedelta(days=-1))  # bids adjusted: inside the window now
    renewed = json.loads(run("renew", "--token", rig.label, "--pin-stdin", "--json",
                             *module).stdout)
    assert renewed["renewed"] is True and renewed["old_certificate"]["kept_on_token"]
    listed = json.loads(run("token", "list", "--json", *module).stdout)
    certs = {c["id"]: c for m in listed["modules"] for s in m["slots"]
             if s["token"] and s["token"]["label"] == rig.label
             for c in s["token"]["certificates"]}
    new_id = renewed["new_certificate"]["id"]
    assert set(certs) == {"01", new_id}
    assert certs[new_id]["not_after"] > certs["01"]["not_after"]
    run("logout")
    login = run("login", "--ca", "--token", rig.label, "--pin-stdin", "--json", *module)
    assert json.loads(login.stdout)["account"]["id"] == rig.account_id
