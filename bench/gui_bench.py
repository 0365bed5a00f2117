"""GUI benchmark: cold start, and how long the GUI thread is ever kept from its event loop.

1. Cold start to the login window shown (``ui.app.main``), vs a bare PySide6 window showing a
   label, each in a fresh process, alternated round by round in the same run, offscreen and on
   a real X server (Xvfb, started here when ``xcb`` is asked for). Reported: each side's median
   and quartiles, and the median and quartiles of the per-round ratio. Target: median ratio ≤ 1.2.
2. The longest GUI-thread stall, from an event-loop latency probe (a 5 ms precise timer; each
   tick's lateness is a stall), while the real windows run: a CA login on a SoftHSM2 token
   against the sandbox process (PIN dialog included), a 20 MB attachment upload, and a token
   scan with re-initialisation. Target: ≤ 33 ms (two frames at 60 Hz).

Run: python bench/gui_bench.py [--rounds N] [--only cold|stalls] [--qpa offscreen,xcb]
"""

from __future__ import annotations

import argparse
import compileall
import getpass
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from login_bench import (
    PASSWORD,
    PIN,
    MemoryKeyring,
    activate,
    make_account,
    provision,
    start_sandbox,
)

ROOT = Path(__file__).resolve().parent.parent

# Both sides stop the clock at the first paint of their window (what a user first sees), seen
# by the same filter installed on that window alone. Not an application-wide filter: that runs
# Python for every event of every object (wrapping each, the style sheet's style among them:
# ~4 ms of enum set-up), a cost proportional to the window's widget count that no real start
# pays.
PAINTED = """
from PySide6.QtCore import QEvent, QObject
class Painted(QObject):
    def __init__(self, done):
        super().__init__()
        self.done = done
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            self.done()
        return False
"""

BARE = PAINTED + """
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
def done():
    print(time.time() - t0, flush=True); app.quit()
watch = Painted(done)
w = QLabel("衡阳市公共资源交易系统"); w.setWindowTitle("bare"); w.resize(480, 560)
w.installEventFilter(watch)
w.show()
app.exec()
"""

# The login window is painted by the event loop, after ``show_login`` has returned: the filter
# is put on it there (as ``ui.startup.after_first_paint`` does).
OURS = PAINTED + """
import os, sys, time
t0 = float(sys.argv[1])
from ui import app as gui, controller
def done():
    print(time.time() - t0, flush=True)
    os._exit(0)
watch = Painted(done)
show_login = controller.Controller.show_login
def watched_login(self):
    window = show_login(self)
    window.installEventFilter(watch)
    return window
controller.Controller.show_login = watched_login
sys.exit(gui.main([]))
"""


def start_once(code: str, env: dict[str, str], cwd: str | None = None) -> float:
    out = subprocess.run([sys.executable, "-c", code, repr(time.time())], env=env,
                         capture_output=True, text=True, timeout=60, check=True, cwd=cwd)
    return float(out.stdout.strip().splitlines()[-1])


def quartiles(values: list[float]) -> tuple[float, float, float]:
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A private Xvfb; its display number comes back through ``-displayfd``."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                             "1280x1024x24", "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as fh:
        display = fh.readline().strip()
    if not display:
        proc.kill()
        raise SystemExit("Xvfb did not start")
    return proc, f":{display}"


def cold_start(rounds: int, tmp: Path, qpa: str, compare: Path | None = None) -> None:
    """``compare``: another checkout of hy-client (e.g. the commit before a change), started
    the same way in the same rounds, so before and after share one run's conditions."""
    # Started as from the bidder's shortcut: no options, in a desktop session (which names its
    # user in LOGNAME/USER, USERNAME on Windows), the user's folders found as usual (here
    # under the temp dir), a platform address that answers nothing.
    env = {k: v for k, v in os.environ.items() if not k.startswith("HY_")}
    env.setdefault("LOGNAME", getpass.getuser())
    env.setdefault("USER", env["LOGNAME"])
    env.update({"QT_QPA_PLATFORM": qpa, "HY_PLATFORM_URL": "http://127.0.0.1:9",
                "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
                **{f"XDG_{n}_HOME": str(tmp / "cold" / n.lower())
                   for n in ("CONFIG", "DATA", "STATE", "CACHE")}})
    for checkout in (ROOT, compare):  # as installed: with bytecode, whatever PYTHON* says
        if checkout is not None:
            for package in ("ui", "hy_client"):
                compileall.compile_dir(checkout / package, quiet=1)
    other_env = {**env, "PYTHONPATH": str(compare)} if compare is not None else env
    xvfb = None
    if qpa == "xcb":
        xvfb, env["DISPLAY"] = start_xvfb()
        other_env["DISPLAY"] = env["DISPLAY"]
    sides: list[tuple[str, str, dict[str, str], str | None]] = [
        ("bare PySide6 label window", BARE, env, None),
        ("hy-client login window", OURS, env, None)]
    if compare is not None:
        sides.append((f"hy-client at {compare.name}", OURS, other_env, str(compare)))
    times: list[list[float]] = [[] for _ in sides]
    try:
        for _name, code, side_env, cwd in sides:  # warm the OS file cache for each
            start_once(code, side_env, cwd=cwd)
        for i in range(rounds):  # rotate which goes first, so none always runs warmer
            for k in range(len(sides)):
                j = (i + k) % len(sides)
                _name, code, side_env, cwd = sides[j]
                times[j].append(start_once(code, side_env, cwd=cwd))
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(10)

    def ms(q: tuple[float, float, float]) -> str:
        return f"{q[1] * 1000:6.1f} ms [{q[0] * 1000:.1f}–{q[2] * 1000:.1f}]"

    print(f"cold start ({qpa}, {rounds} interleaved rounds; median [Q1–Q3], to the first paint)",
          flush=True)
    bare = times[0]
    for (name, *_rest), values in zip(sides, times, strict=True):
        line = f"  {name:<40} {ms(quartiles(values))}"
        if values is not bare:
            r = quartiles([o / b for b, o in zip(bare, values, strict=True)])
            line += f" | ratio to bare {r[1]:.2f} [{r[0]:.2f}–{r[2]:.2f}] (target ≤ 1.2)"
        print(line, flush=True)


def stalls(tmp: Path) -> None:
    import keyring
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hy_client.api.client import PlatformClient
    from hy_client.config import PlatformProfile, Settings
    from hy_client.drafts import DraftStore
    from hy_client.signin import SignIn
    from hy_client.token.service import TokenService
    from ui import theme
    from ui.context import AppContext
    from ui.jobs import LatencyProbe, running_count, shutdown_pool
    from ui.login import LoginWindow
    from ui.main_window import MainWindow

    for n in ("CONFIG", "DATA", "LOG"):
        os.environ[f"HY_{n}_DIR"] = str(tmp / "gui" / n.lower())
    module, ca = provision(tmp)
    proc, url = start_sandbox(tmp, ca)
    try:
        username = make_account(url)
        activate(module, url, username)
        keyring.set_keyring(MemoryKeyring())
        app = QApplication.instance() or QApplication([])
        theme.apply(app)  # type: ignore[arg-type]
        client = PlatformClient(PlatformProfile("bench", url))
        tokens = TokenService([module])
        ctx = AppContext(Settings(), client, SignIn(client), tokens, DraftStore())
        probe = LatencyProbe(5)

        loop = QEventLoop()

        def wait(cond: Callable[[], bool], timeout: float = 60.0) -> None:
            # A nested event loop, not processEvents(): PySide6 6.12's processEvents binding
            # drops a reference to None on every call and aborts the interpreter in a loop.
            deadline = time.monotonic() + timeout
            while not cond():
                if time.monotonic() > deadline:
                    raise SystemExit("timed out")
                QTimer.singleShot(10, loop.quit)
                loop.exec()

        def measured(name: str, start: Callable[[], None], done: Callable[[], bool]) -> None:
            wait(lambda: running_count() == 0)
            probe.start()
            t = time.perf_counter()
            start()
            wait(done)
            wait(lambda: running_count() == 0)
            elapsed = time.perf_counter() - t
            worst = probe.stop()
            verdict = "ok" if worst <= 33 else "OVER"
            print(f"{name:<24} took {elapsed * 1000:8.1f} ms | longest GUI stall "
                  f"{worst:6.1f} ms over {probe.ticks} ticks ({verdict}; target ≤ 33 ms)")

        login = LoginWindow(ctx)
        login.show()
        wait(lambda: login.ca_tab.scans >= 1)
        tab = login.ca_tab
        result: list[object] = []
        login.logged_in.connect(result.append)

        def ca_login() -> None:
            tab.picker.setCurrentIndex(0)
            tab.login_button.click()
            wait(lambda: tab.pin_dialog is not None)
            assert tab.pin_dialog is not None
            tab.pin_dialog.field.setText(PIN)
            tab.pin_dialog.buttons.accepted.emit()

        measured("CA login (PIN dialog)", ca_login, lambda: bool(result))
        before = tab.scans
        measured("token scan (refresh)", lambda: tab.rescan(refresh=True),
                 lambda: tab.scans > before)
        login.close()

        ctx.signin.password_login(username, PASSWORD)
        account = client.me()
        main = MainWindow(ctx, account)
        main.show()
        editor = main.open_page("profile").editor  # type: ignore[attr-defined]
        wait(lambda: editor.submit_button.isEnabled())
        pdf = tmp / "扫描件.pdf"
        with pdf.open("wb") as fh:
            fh.write(b"%PDF-1.4\n")
            fh.write(os.urandom(20 * 1024 * 1024 - 4096))
        measured("20 MB upload", lambda: editor.attach(str(pdf)),
                 lambda: editor.attachments.count() == 1)
        main.close()
        ctx.close()
        shutdown_pool()
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--qpa", default="offscreen,xcb",
                        help="Qt platforms for the cold start, comma-separated")
    parser.add_argument("--compare", type=Path,
                        help="another checkout to start side by side (e.g. before a change)")
    parser.add_argument("--only", choices=("cold", "stalls"), help="run one part")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "stalls":
            for qpa in args.qpa.split(","):
                cold_start(args.rounds, Path(tmp), qpa, args.compare)
        if args.only != "cold":
            stalls(Path(tmp))
    # Skip interpreter teardown: PySide6 objects freed in arbitrary order by the final garbage
    # collection can abort the process after all figures are printed.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
