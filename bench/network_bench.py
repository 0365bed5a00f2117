"""Network-fault benchmark: how fast a frozen platform (``kill -STOP``) is given up on.

1. Cancel: an upload to a platform frozen after its first block; 取消 pressed 0.3 s later.
   Reported: cancel → the upload call returns (target ≤ 1 s).
2. Stall: the same upload with no cancel and ``upload_stall`` = 2 s. Reported: freeze → P221
   (target: the stall bound plus at most one watchdog tick, 0.1 s).
3. Read timeout: a GET to the frozen platform with a 3 s read timeout. Reported: call → P102.

Run: python bench/network_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from login_bench import PASSWORD, make_account, start_sandbox

from hy_client import errors
from hy_client.api.client import PlatformClient
from hy_client.api.upload import CancelToken
from hy_client.config import PlatformProfile
from hy_client.sandbox.ca import TestCA


def client_for(url: str, username: str, *, stall: float, read: float) -> PlatformClient:
    client = PlatformClient(PlatformProfile("bench", url), timeout=(5.0, read),
                            upload_stall=stall)
    client.login(username, PASSWORD)
    return client


def upload_once(client: PlatformClient, pid: int, path: Path, *,
                cancel_after: float | None) -> tuple[float, str]:
    cancel = CancelToken()
    frozen: list[float] = []
    pressed: list[float] = []

    def progress(sent: int, total: int) -> None:
        if not frozen:
            frozen.append(time.perf_counter())
            os.kill(pid, signal.SIGSTOP)
            if cancel_after is not None:
                def press() -> None:
                    pressed.append(time.perf_counter())
                    cancel.cancel()
                threading.Timer(cancel_after, press).start()

    try:
        client.upload_attachment(str(path), progress=progress, cancel=cancel)
        code = "ok"
    except errors.HyError as exc:
        code = exc.code
    finally:
        ended = time.perf_counter()
        os.kill(pid, signal.SIGCONT)
    start = pressed[0] if pressed else frozen[0]
    return ended - start, code


def summary(name: str, values: list[float], codes: set[str]) -> None:
    values = sorted(values)
    print(f"{name}: median {statistics.median(values) * 1000:.0f} ms, "
          f"min {values[0] * 1000:.0f} ms, max {values[-1] * 1000:.0f} ms "
          f"({len(values)} rounds; outcome {', '.join(sorted(codes))})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        proc, url = start_sandbox(base, TestCA.create())
        try:
            username = make_account(url)
            big = base / "scan.pdf"
            big.write_bytes(b"%PDF-1.4\n" + os.urandom(19 * 1024 * 1024))
            for name, stall, cancel_after in (("cancel → upload returns", 60.0, 0.3),
                                              ("freeze → stalled upload fails (bound 2 s)",
                                               2.0, None)):
                client = client_for(url, username, stall=stall, read=60.0)
                times, codes = [], set()
                for _ in range(args.rounds):
                    took, code = upload_once(client, proc.pid, big, cancel_after=cancel_after)
                    times.append(took)
                    codes.add(code)
                summary(name, times, codes)
            client = client_for(url, username, stall=2.0, read=3.0)
            times, codes = [], set()
            for _ in range(args.rounds):
                os.kill(proc.pid, signal.SIGSTOP)
                began = time.perf_counter()
                try:
                    client.reference()
                    codes.add("ok")
                except errors.HyError as exc:
                    codes.add(exc.code)
                finally:
                    times.append(time.perf_counter() - began)
                    os.kill(proc.pid, signal.SIGCONT)
            summary("frozen GET → error (read timeout 3 s)", times, codes)
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
