"""Online renewal (在线延期) end to end, against a real sandbox process and SoftHSM2.

Per round: a fresh token with a key whose certificate expires in 20 days, activated for its own
account, then ``RenewalFlow.run`` — key generation on the token, CSR signed on the token,
submit, issue, write, verify (chain, key match, test signature), activation moved. Reports the
whole run and each step, p50/p95, for EC P-256 and RSA-2048, next to a CA login (challenge →
sign → token-login) on the same token measured in the same run as the baseline.

Run: python bench/renewal_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import keyring

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from login_bench import PASSWORD, ms, pct, softhsm_and_ca, start_sandbox  # noqa: E402

from hy_client.api import models  # noqa: E402
from hy_client.api.client import PlatformClient  # noqa: E402
from hy_client.config import PlatformProfile  # noqa: E402
from hy_client.renewal_flow import STAGES, RenewalFlow  # noqa: E402
from hy_client.renewal_journal import JournalStore  # noqa: E402
from hy_client.sandbox import softhsm  # noqa: E402
from hy_client.sandbox.ca import TestCA  # noqa: E402
from hy_client.sandbox.demo import uscc  # noqa: E402
from hy_client.signin import SignIn, login_candidates  # noqa: E402
from hy_client.token.service import TokenService  # noqa: E402
from tests.keyrings import MemoryKeyring  # noqa: E402

PIN, SO_PIN = "123456", "87654321"


def one_round(env: softhsm.SoftHSMEnv, module: str, ca: TestCA, url: str, tmp: Path,
              kind: str, n: int) -> tuple[float, float, dict[str, float]]:
    """(login seconds, renewal seconds, seconds per step) for one fresh token and account."""
    from datetime import UTC, datetime, timedelta

    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    label = f"bench-renew-{kind}-{n}"
    env.init_token(label, SO_PIN, PIN)
    private = (ec.generate_private_key(ec.SECP256R1()) if kind == "ec"
               else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    now = datetime.now(UTC)
    # one account per unit code, and the certificate names it (it activates only there)
    code = uscc(f"91430400MA4B{n:04d}{'E' if kind == 'ec' else 'R'}")
    cert = ca.issue(private.public_key(), cn="衡阳市基准测试有限公司",
                    organization="衡阳市基准测试有限公司", uscc=code,
                    not_after=now + timedelta(days=20))
    softhsm.pkcs11_tool_write(env, module, label, PIN, private, cert, b"\x01", "签名证书",
                              decrypt=kind != "ec")
    client = PlatformClient(PlatformProfile("bench", url))
    username = f"bench_renew_{kind}_{n}_{int(time.time())}"
    client.register(models.Registration(kind="unit", username=username, password=PASSWORD, data={
        "name": "衡阳市基准测试有限公司", "uscc": code, "legal_rep": "李四",
        "contact": "王五", "contact_phone": "0734-8123456", "email": "b@example.cn"}))
    signin = SignIn(client)
    signin.password_login(username, PASSWORD)
    with TokenService([module]) as tokens:
        key = next(c for c in login_candidates(tokens.scan(refresh=True).result(30))
                   if c.token_label == label)
        signin.activate(tokens, key, "bidder", PIN)
        started = time.perf_counter()
        signin.ca_login(tokens, key)
        login = time.perf_counter() - started
        marks: dict[str, float] = {}
        last = [time.perf_counter()]

        def progress(stage: str, status: str) -> None:
            t = time.perf_counter()
            if status == "running":
                last[0] = t
            elif status == "done":
                marks[stage] = t - last[0]

        store = JournalStore(client.origin, client.me().id, tmp / f"journal-{kind}-{n}")
        flow = RenewalFlow(client, tokens, store, progress=progress)
        started = time.perf_counter()
        flow.run(key)
        total = time.perf_counter() - started
    client.close()
    return login, total, marks


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env, module, ca = softhsm_and_ca(tmp)
        proc, url = start_sandbox(tmp, ca)
        try:
            for kind in ("ec", "rsa"):
                logins: list[float] = []
                totals: list[float] = []
                steps: dict[str, list[float]] = {s: [] for s in STAGES}
                for n in range(args.rounds + 1):
                    login, total, marks = one_round(env, module, ca, url, tmp, kind, n)
                    if n == 0:
                        continue  # warm-up: imports, first connections
                    logins.append(login)
                    totals.append(total)
                    for stage, seconds in marks.items():
                        steps[stage].append(seconds)
                name = "EC P-256" if kind == "ec" else "RSA-2048"
                print(f"== {name}, {args.rounds} renewals")
                print(f"  renewal end to end   {ms(totals)}")
                print(f"  CA login (baseline)  {ms(logins)}")
                print(f"  ratio p50            {pct(totals, 50) / pct(logins, 50):.1f}x a login")
                for stage in STAGES:
                    if steps[stage]:
                        print(f"    {stage:<9} {ms(steps[stage])}")
        finally:
            proc.terminate()
            proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
