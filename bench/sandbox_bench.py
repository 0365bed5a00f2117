"""Sandbox throughput on loopback: CA logins/s (challenge + SoftHSM signature + token-login),
password logins/s (scrypt by design), profile reads/s and profile writes/s while other clients
flood the password login, with p50/p95 latency. The baseline, measured in the same run, is
GET /health: the server's floor for one request, so the ratios say what the platform rules cost.

    python bench/sandbox_bench.py [--seconds 5] [--clients 8] [--workers 2]

The client runs on the same machine (it shares the cores with the server); signatures go
through one TokenService thread, as in the real client.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hy_client import auth  # noqa: E402
from hy_client.sandbox.demo import BIDDER  # noqa: E402
from hy_client.sandbox.provision import provision_token  # noqa: E402
from hy_client.token.service import TokenService  # noqa: E402
from tests.sandbox_fixtures import SandboxProcess  # noqa: E402

PIN = "975310"


def run(clients: int, seconds: float, one: Callable[[requests.Session], None],
        setup: Callable[[requests.Session], None] | None = None) -> tuple[float, list[float]]:
    """``clients`` threads each repeating ``one`` for ``seconds``; (per second, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker() -> None:
        http = requests.Session()
        if setup:
            setup(http)
        mine: list[float] = []
        start.wait()
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            one(http)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + 3600
    start.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    for t in threads:
        t.join()
    return len(latencies) / (time.perf_counter() - began), latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


def report(name: str, rate: float, lat: list[float], baseline: float | None = None) -> None:
    ratio = f"  ({rate / baseline:.2f}× health)" if baseline else ""
    print(f"{name:<16} {rate:8.1f}/s   p50 {pct(lat, 50):6.1f} ms   p95 {pct(lat, 95):6.1f} ms"
          f"{ratio}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ.pop("SOFTHSM2_CONF", None)
        for name in ("CONFIG", "DATA", "LOG"):
            os.environ[f"HY_{name}_DIR"] = str(base / name.lower())
        token = provision_token(base / "data", label="HY-BENCH", pin=PIN)
        server = SandboxProcess(base / "data", extra_args=("--workers", str(args.workers)))
        server.start()
        service = TokenService([token.module])
        try:
            info = next(t for m in service.scan(refresh=True).result() for s in m.slots
                        if (t := s.token) and t.serial == token.serial)
            cert = info.certificates[0]
            service.login(token.serial, PIN).result()
            api, origin = server.api, server.origin

            def health(http: requests.Session) -> None:
                http.get(f"{api}/health", timeout=10).raise_for_status()

            def ca_login(http: requests.Session) -> None:
                nonce = http.post(f"{api}/auth/challenge", timeout=10).json()["nonce"]
                signature = service.sign(token.serial, cert.id,
                                         auth.challenge_message(origin, nonce), "ES256").result()
                body = {"nonce": nonce,
                        "auth_token": auth.build_auth_token(cert.der, "ES256", signature)}
                http.post(f"{api}/auth/token-login", json=body, timeout=10).raise_for_status()

            def login(http: requests.Session) -> None:
                r = http.post(f"{api}/auth/login", timeout=10, json={
                    "username": BIDDER.username, "password": BIDDER.password})
                http.headers["Authorization"] = f"Bearer {r.json()['token']}"

            def profile(http: requests.Session) -> None:
                http.get(f"{api}/profile", timeout=10).raise_for_status()

            def password_login(http: requests.Session) -> None:
                http.post(f"{api}/auth/login", timeout=10, json={
                    "username": BIDDER.username, "password": BIDDER.password}).raise_for_status()

            def wrong_login(http: requests.Session) -> None:
                http.post(f"{api}/auth/login", timeout=10, json={
                    "username": "nobody-here", "password": "wrong-password-1"})

            def profile_write(http: requests.Session) -> None:
                http.put(f"{api}/profile", timeout=10, json={"data": {}}).raise_for_status()

            run(args.clients, 1.0, health)  # warm-up: connections, caches
            print(f"sandbox: {args.workers} worker(s), {args.clients} client threads, "
                  f"{args.seconds:.0f} s each, {os.cpu_count()} cores shared with the client")
            base_rate, base_lat = run(args.clients, args.seconds, health)
            report("health", base_rate, base_lat)
            rate, lat = run(args.clients, args.seconds, ca_login)
            report("CA login", rate, lat, base_rate)
            rate, lat = run(args.clients, args.seconds, password_login)
            report("password login", rate, lat, base_rate)
            rate, lat = run(args.clients, args.seconds, profile, setup=login)
            report("profile read", rate, lat, base_rate)
            flood = threading.Thread(target=run, args=(args.clients, args.seconds + 1,
                                                       wrong_login))
            flood.start()
            time.sleep(0.5)
            rate, lat = run(1, args.seconds, profile_write, setup=login)
            flood.join()
            report("PUT /profile+flood", rate, lat, base_rate)
        finally:
            service.close()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
