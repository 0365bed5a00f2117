"""The scripted part of docs/windows-checklist.md, run on a real Windows 10/11 PC from a checkout
(``.venv\\Scripts\\python scripts\\windows_acceptance.py STEP``). Each step prints what it did and
"PASS"/"FAIL"; steps that need a person (UAC, Task Manager, a dialog) say what to do first.

Steps: credman, runkey, usb, missing-dep, uac, sign, all (the ones needing no person).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "hy-client" / "hy-client.exe"


def _result(ok: bool, what: str) -> bool:
    print(f"{'PASS' if ok else 'FAIL'}  {what}")
    return ok


def credman() -> bool:
    """Credential Manager keeps 2560 bytes (1280 UTF-16 characters) per secret."""
    from hy_client import errors
    from hy_client.credentials import CredentialStore

    store = CredentialStore("https://acceptance.hy-client.invalid")
    store.save_session_token("t" * 1280)
    kept = store.session_token() == "t" * 1280
    try:
        store.save_session_token("t" * 1281)
        refused = False
    except errors.HyError as exc:
        refused = exc.info is errors.CREDENTIAL_TOO_LARGE
    unchanged = store.session_token() == "t" * 1280
    store.clear()
    return _result(kept and refused and unchanged, "1280 characters kept, 1281 refused (C104)")


def runkey() -> bool:
    """The Run value is written, and a Task Manager "disabled" mark is honoured."""
    from hy_client import autostart

    autostart.enable()
    query = subprocess.run(["reg", "query", "HKCU\\" + autostart.RUN_KEY, "/v", "hy-client"],
                           capture_output=True, text=True, check=False)
    written = query.returncode == 0 and "--tray" in query.stdout
    print("Now open Task Manager > Startup apps, disable 'hy-client', then press Enter.")
    input()
    off = autostart.startup_approved() is False and not autostart.is_enabled()
    autostart.enable()  # the user's latest word in our settings: on again
    on = autostart.is_enabled()
    autostart.disable()
    return _result(written and off and on, "Run value, Task Manager switch honoured, re-enabled")


def usb() -> bool:
    """The plugged-in key's USB id is listed."""
    done = subprocess.run([str(BUNDLE), "drivers", "list", "--json"], capture_output=True,
                          check=False)
    report = json.loads(done.stdout.decode("utf-8"))
    print("USB devices:", [u["vid_pid"] for u in report["usb"]])
    return _result(bool(report["usb"]), "USB devices listed (the key's VID:PID among them)")


def missing_dep() -> bool:
    """A DLL whose dependency is missing: [M104] with the full path, not a generic failure.
    The bundle's _ssl.pyd needs libssl/libcrypto from its folder: copied alone, it has none."""
    source = next((ROOT / "dist" / "hy-client").rglob("_ssl.pyd"))
    folder = Path(tempfile.mkdtemp(prefix="hy-dep-"))
    lonely = folder / "_ssl.pyd"
    shutil.copy(source, lonely)
    done = subprocess.run([str(BUNDLE), "token", "list", "--json", "--module", str(lonely)],
                          capture_output=True, check=False)
    module = json.loads(done.stdout.decode("utf-8"))["modules"][0]
    print(json.dumps(module["error"], ensure_ascii=False))
    error = module["error"] or {}
    shutil.rmtree(folder, ignore_errors=True)
    return _result(error.get("code") == "M104" and str(lonely) in error.get("detail", ""),
                   "M104 with the full path")


def uac() -> bool:
    """Accept: cmd.exe runs elevated, type `exit 5` in it. Decline: D-code, no crash."""
    from hy_client import errors
    from hy_client.drivers.install import run_elevated

    cmd = Path(os.environ.get("SYSTEMROOT", r"C:\Windows")) / "System32" / "cmd.exe"
    print("ACCEPT the UAC prompt, then type `exit 5` in the administrator window.")
    accepted = run_elevated(cmd) == 5
    print("Now DECLINE the UAC prompt.")
    try:
        run_elevated(cmd)
        declined = False
    except errors.HyError as exc:
        declined = exc.info is errors.INSTALL_NEEDS_ADMIN and "1223" in exc.detail
    return _result(accepted and declined, "exit code read after accept; 1223 after decline")


def sign() -> bool:
    """The real key signs and decrypts (asks for the PIN on the console)."""
    done = subprocess.run([str(BUNDLE), "token", "test"], check=False)
    return _result(done.returncode == 0, "token test: sign, verify, decrypt")


STEPS = {"credman": credman, "runkey": runkey, "usb": usb, "missing-dep": missing_dep,
         "uac": uac, "sign": sign}
UNATTENDED = ("credman", "usb", "missing-dep")


def main(argv: list[str] | None = None) -> int:
    if sys.platform != "win32":
        print("This acceptance run is for a real Windows PC.")
        return 2
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=[*STEPS, "all"])
    args = parser.parse_args(argv)
    names = UNATTENDED if args.step == "all" else (args.step,)
    results = [STEPS[name]() for name in names]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
