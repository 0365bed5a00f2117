"""tests/device/ against a SoftHSM2 token: it qualifies a key when named, and refuses to touch
any key when the serial is not one the module lists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_device_tests(module: str, serial: str, pin: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HY_DEVICE_PIN"}
    if pin is not None:
        env["HY_DEVICE_PIN"] = pin
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/device",
         "--module", module, "--token", serial],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def token_flags_listing(module: str) -> str:
    return subprocess.run(["pkcs11-tool", "--module", module, "-L"], capture_output=True,
                          text=True, check=True).stdout


def test_device_tests_pass_on_the_named_key(provisioned):
    spec = provisioned.tokens["hy-tool"]
    # earlier tests may have typed a wrong PIN on purpose: the right one clears the counter,
    # else the device tests would (rightly) refuse to log in
    subprocess.run(["pkcs11-tool", "--module", provisioned.module, "--token-label", spec.label,
                    "--login", "--pin", spec.pin, "--list-objects"], capture_output=True,
                   check=True)
    done = run_device_tests(provisioned.module, spec.serial, spec.pin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
    assert spec.pin not in done.stdout + done.stderr


def test_device_tests_refuse_an_unknown_serial_and_touch_nothing(provisioned):
    before = token_flags_listing(provisioned.module)
    done = run_device_tests(provisioned.module, "NO-SUCH-SERIAL", "000000")
    assert done.returncode != 0
    assert "not found" in done.stdout and "No key was touched" in done.stdout
    assert token_flags_listing(provisioned.module) == before  # no wrong PIN reached any key


def test_device_tests_are_skipped_without_a_key():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/device"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and "4 skipped" in done.stdout, done.stdout
