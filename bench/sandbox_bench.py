"""Sandbox throughput on loopback: CA logins/s (challenge + SoftHSM signature + token-login),
password logins/s (scrypt by design), profile reads/s and profile writes/s while other clients
flood the password login, with p50/p95 latency. The baseline, measured in the same run, is
GET /health: the server's floor for one request, so the ratios say what the platform rules cost.

    python bench/sandbox_bench.py [--seconds 5] [--clients 8] [--workers 2]

The client runs on the same machine (it shares the cores with the server); signatures go
through one TokenService thread, as in the real client.

First, in-process: what the server's hy-auth:1 validation costs per login (size checks,
algorithm/key match, certificate validity, chain to the test CA, key usage, signature) for
RS256, ES256 and SM2-SM3, each with a two-level test CA of its own kind (the SM2 chain is
verified with SM2-with-SM3, through libcrypto).
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
from functools import partial
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hy_client import auth  # noqa: E402
from hy_client.sandbox import sm2token  # noqa: E402
from hy_client.sandbox.demo import BIDDER  # noqa: E402
from hy_client.sandbox.provision import provision_token  # noqa: E402
from hy_client.sm2_conventions import parse_convention  # noqa: E402
from hy_client.token.models import Algorithm, CertificateInfo  # noqa: E402
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
            try:
                setup(http)
            except BaseException:
                start.abort()  # the others and the caller stop waiting: the run fails loudly
                raise
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


def validation_costs(rounds: int = 300) -> None:
    from datetime import UTC, datetime

    from hy_client import sm2
    from hy_client.sandbox.ca import TestCA
    from hy_client.sandbox.sm2ca import Sm2TestCA
    from tests.sandbox.helpers import make_credential

    origin, nonce = "http://127.0.0.1:8765", "bm9uY2Vub25jZW5vbmNl"
    now = datetime.now(UTC)
    rsa_ca, ec_ca, gm_ca = TestCA.create(key="rsa"), TestCA.create(key="ec"), Sm2TestCA.create()
    cases = {"RS256": (rsa_ca, make_credential(rsa_ca, "RS256")),
             "ES256": (ec_ca, make_credential(ec_ca, "ES256")),
             "SM2-SM3": (gm_ca, make_credential(gm_ca, "SM2-SM3"))}
    print(f"hy-auth:1 validation per login, in-process (best of 5 × {rounds})")
    times: dict[str, float] = {}
    for name, (ca, cred) in cases.items():
        trust = auth.TrustStore([ca.root], [ca.issuing])
        token = cred.auth_token(origin, nonce)

        def once(trust: auth.TrustStore = trust, token: dict[str, str] = token) -> None:
            auth.validate_auth_token(nonce, token, origin=origin, trust=trust, now=now,
                                     consume_nonce=lambda n: True, is_bound=lambda v: True)
        best = min(_timed(once, rounds) for _ in range(5))
        times[name] = best
        print(f"  {name:8s} {best * 1e6:8.1f} µs/login   ratio to ES256 "
              f"{best / times.get('ES256', best):.2f}" if name != "RS256" else
              f"  {name:8s} {best * 1e6:8.1f} µs/login")
    assert sm2.available()


def _timed(fn: Callable[[], None], rounds: int) -> float:
    t = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - t) / rounds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    validation_costs()

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ.pop("SOFTHSM2_CONF", None)
        for name in ("CONFIG", "DATA", "LOG"):
            os.environ[f"HY_{name}_DIR"] = str(base / name.lower())
        token = provision_token(base / "data", label="HY-BENCH", pin=PIN)
        gm = None
        if sm2token.module_path():  # the SM2 test token (make sm2token), bound as well
            os.environ[sm2token.ENV_DIR] = str(base / "sm2tokens")
            gm = provision_token(base / "data", label="HY-BENCH-SM2", pin=PIN, key_type="sm2")
        server = SandboxProcess(base / "data", extra_args=("--workers", str(args.workers)))
        server.start()
        described = parse_convention(sm2token.catalogue_sm2())
        service = TokenService([token.module] + ([gm.module] if gm else []),
                               sm2=lambda *_: described)
        try:
            listed = {t.serial: t for m in service.scan(refresh=True).result() for t in m.tokens}
            cert = listed[token.serial].certificates[0]
            service.login(token.serial, PIN).result()
            if gm is not None:
                gm_cert = listed[gm.serial].certificates[0]
                service.login(gm.serial, PIN).result()
            api, origin = server.api, server.origin

            def health(http: requests.Session) -> None:
                http.get(f"{api}/health", timeout=10).raise_for_status()

            def ca_login(http: requests.Session, serial: str = token.serial,
                         key: CertificateInfo = cert, algorithm: Algorithm = "ES256") -> None:
                nonce = http.post(f"{api}/auth/challenge", timeout=10).json()["nonce"]
                signature = service.sign(serial, key.id, auth.challenge_message(origin, nonce),
                                         algorithm).result()
                body = {"nonce": nonce,
                        "auth_token": auth.build_auth_token(key.der, algorithm, signature)}
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

            flooding = threading.Event()

            def wrong_login(http: requests.Session) -> None:
                http.post(f"{api}/auth/login", timeout=10, json={
                    "username": "nobody-here", "password": "wrong-password-1"})
                flooding.set()

            def profile_write(http: requests.Session) -> None:
                http.put(f"{api}/profile", timeout=10, json={"data": {}}).raise_for_status()

            run(args.clients, 1.0, health)  # warm-up: connections, caches
            print(f"sandbox: {args.workers} worker(s), {args.clients} client threads, "
                  f"{args.seconds:.0f} s each, {os.cpu_count()} cores shared with the client")
            base_rate, base_lat = run(args.clients, args.seconds, health)
            report("health", base_rate, base_lat)
            rate, lat = run(args.clients, args.seconds, ca_login)
            report("CA login", rate, lat, base_rate)
            if gm is not None:
                rate, lat = run(args.clients, args.seconds, partial(
                    ca_login, serial=gm.serial, key=gm_cert, algorithm="SM2-SM3"))
                report("CA login SM2", rate, lat, base_rate)
            rate, lat = run(args.clients, args.seconds, password_login)
            report("password login", rate, lat, base_rate)
            rate, lat = run(args.clients, args.seconds, profile, setup=login)
            report("profile read", rate, lat, base_rate)
            # Logged in before the flood: from the same address, a login during it may be
            # refused once the address is locked.
            writer = requests.Session()
            login(writer)
            flood = threading.Thread(target=run, args=(args.clients, args.seconds + 1,
                                                       wrong_login))
            flood.start()
            flooding.wait(30)  # the flood is under way before the timed writes start
            rate, lat = run(1, args.seconds, profile_write,
                            setup=lambda http: http.headers.update(writer.headers))
            flood.join()
            report("PUT /profile+flood", rate, lat, base_rate)
        finally:
            service.close()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
