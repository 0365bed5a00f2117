"""TokenService vs raw python-pkcs11 on SoftHSM2, measured in one run.

1. Enumerate every token and certificate: a fresh TokenService's scan vs the same reads with
   raw python-pkcs11 (and the same reads plus the same certificate parsing). Also the cached
   rescan, which is what the GUI repeats.
2. 1000 signatures on one logged-in session, RSA-2048 and EC P-256: one TokenService job
   (``sign_batch``) vs a raw loop; the per-call thread hand-off (``sign().result()`` each) is
   reported separately.

Both sides run on the token thread in interleaved rounds (A B, then B A, …) after a warm-up
round, so a busy machine slows both alike; a ratio is the median of the per-round ratios (its
spread across rounds is printed too), a time the median of its rounds.

3. SM2 on the SM2 test token (tests/sm2token; ``make sm2token`` first), both vendor variants
   (the token computes Z_A and SM3 / the caller passes e): raw python-pkcs11 with the vendor
   mechanism vs one TokenService job. The service verifies the first SM2 signature of each
   key and login against the certificate (so a wrong catalogue description never yields a bad
   signature), later ones get shape checks; the cost of verifying every one is printed too.

Targets: enumeration ratio <= 1.10, signing ratio <= 1.05. Run: python bench/token_bench.py
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pkcs11
from pkcs11 import Attribute, Mechanism, ObjectClass, SlotFlag

from hy_client import sm2
from hy_client.sandbox import sm2token, softhsm
from hy_client.sandbox.ca import TestCA
from hy_client.sandbox.sm2ca import Sm2TestCA
from hy_client.sm2_conventions import parse_convention
from hy_client.token.certificate import parse_certificate
from hy_client.token.models import Algorithm
from hy_client.token.service import TokenService
from hy_client.token.vendor import vendor_mechanism

PIN, SO_PIN, N_SIGN, ROUNDS = "123456", "87654321", 1000, 7
N_SM2, SM2_ROUNDS = 300, 7
ENUM_ROUNDS, SIGN_ROUNDS = 41, {"rsa": 7, "ec": 15}


def best(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def provision(tmp: str) -> tuple[str, dict[str, str]]:
    env = softhsm.SoftHSMEnv.create(tmp)
    env.activate()
    module = softhsm.softhsm_module()
    if module is None:
        sys.exit("SoftHSM2 is not installed")
    ca, serials = TestCA.create(), {}
    for label in ("bench-a", "bench-b"):
        serials[label] = env.init_token(label, SO_PIN, PIN)
        for key_id, kind in ((b"\x01", "rsa2048"), (b"\x02", "ec-p256")):
            pub = softhsm.generate_key(module, label, PIN, kind, key_id, kind)  # type: ignore[arg-type]
            cert = ca.issue(pub, cn=f"{label} {kind}", organization="衡阳市某某建设工程有限公司")
            softhsm.write_certificate(module, label, PIN, cert, key_id, kind)
    return module, serials


def raw_enumerate(module: str, parse: bool) -> int:
    lib = pkcs11.lib(module)
    count = 0
    for slot in lib.get_slots():
        if not slot.flags & SlotFlag.TOKEN_PRESENT:
            continue
        token = slot.get_token()
        if not token.flags & pkcs11.TokenFlag.TOKEN_INITIALIZED:
            continue
        slot.get_mechanisms()
        with token.open() as session:
            for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                a = obj.get_attributes([Attribute.ID, Attribute.LABEL, Attribute.VALUE])
                if parse:
                    parse_certificate(bytes(a[Attribute.VALUE]), cert_id=bytes(a[Attribute.ID]))
                count += 1
            for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}):
                key[Attribute.ID]
    return count


def interleaved(svc: TokenService, a: Callable[[], object], b: Callable[[], object],
                rounds: int) -> tuple[float, float, float, tuple[float, float]]:
    """(median a, median b, median of the per-round ratios b/a, (lower, upper quartile of the
    ratios)): one warm-up round, then ``rounds`` rounds on the token thread in ABBA order."""
    def run() -> tuple[float, float, float, tuple[float, float]]:
        a()
        b()
        ta: list[float] = []
        tb: list[float] = []
        for i in range(rounds):
            order = ((a, ta), (b, tb)) if i % 2 == 0 else ((b, tb), (a, ta))
            for fn, out in order:
                t = time.perf_counter()
                fn()
                out.append(time.perf_counter() - t)
        ratios = [y / x for x, y in zip(ta, tb, strict=True)]
        q = statistics.quantiles(ratios, n=4)
        return statistics.median(ta), statistics.median(tb), statistics.median(ratios), (
            q[0], q[2])
    return svc.call(run).result()


def on_thread(svc: TokenService, fn: Callable[[], object]) -> float:
    """Best time of ``fn`` run inside one job on the token thread (no hand-off counted)."""
    return svc.call(lambda: best(fn)).result()


def raw_signer(module: str, label: str, key_id: bytes, kind: str
               ) -> tuple[Callable[[], None], Callable[[], None]]:
    """(the raw loop of N_SIGN signatures, close): python-pkcs11 on its own session."""
    # No PIN: the service's login covers every session of the token (PKCS#11 login state).
    session = pkcs11.lib(module).get_token(token_label=label).open()
    key: Any = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=key_id)
    data = [i.to_bytes(4, "big") * 16 for i in range(N_SIGN)]

    def run() -> None:
        if kind == "rsa":
            for d in data:
                key.sign(d, mechanism=Mechanism.SHA256_RSA_PKCS)
        else:
            for d in data:
                key.sign(hashlib.sha256(d).digest(), mechanism=Mechanism.ECDSA)
    return run, session.close


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        module, serials = provision(tmp)
        pkcs11.lib(module).reinitialize()
        lib = pkcs11.lib(module)
        svc = TokenService([module])
        svc.scan().result()

        def raw_cold() -> None:
            lib.reinitialize()
            raw_enumerate(module, True)
        raw = on_thread(svc, lambda: raw_enumerate(module, False))
        raw_parse, svc_cold, ratio, (low, high) = interleaved(
            svc, raw_cold, lambda: svc.scan(refresh=True).result(), ENUM_ROUNDS)
        svc_warm = on_thread(svc, lambda: svc.scan().result())
        handoff = best(lambda: svc.call(lambda: None).result())
        print(f"enumerate 2 tokens / 4 certificates (medians of {ENUM_ROUNDS} interleaved "
              "rounds on the token thread)")
        print(f"  raw python-pkcs11 reads (best of {ROUNDS})          {raw * 1e3:8.2f} ms")
        print(f"  raw re-initialise + reads + same parsing     {raw_parse * 1e3:8.2f} ms")
        print(f"  TokenService scan(refresh=True), all afresh  {svc_cold * 1e3:8.2f} ms   "
              f"ratio {ratio:.3f} (quartiles {low:.3f}–{high:.3f})")
        print(f"  TokenService scan(), cached by serial        {svc_warm * 1e3:8.2f} ms   "
              f"ratio {svc_warm / raw_parse:.3f}")
        print(f"  one job hand-off to the token thread         {handoff * 1e6:8.0f} µs")
        svc.close()

        print(f"\n{N_SIGN} signatures on one logged-in session (medians of interleaved rounds)")
        data = [i.to_bytes(4, "big") * 16 for i in range(N_SIGN)]
        serial = serials["bench-a"]
        cases: tuple[tuple[str, bytes, Algorithm], ...] = (
            ("rsa", b"\x01", "RS256"), ("ec", b"\x02", "ES256"))
        for kind, key_id, alg in cases:
            cert_id = key_id.hex()
            svc = TokenService([module])
            svc.scan().result()
            svc.login(serial, PIN).result()
            run, close = svc.call(raw_signer, module, "bench-a", key_id, kind).result()
            # on the token thread sign_batch runs inline: the future is done on return
            raw, job, ratio, (low, high) = interleaved(
                svc, run, partial(svc.sign_batch, serial, cert_id, data, alg), SIGN_ROUNDS[kind])
            svc.call(close).result()

            def per_call() -> None:
                for d in data:
                    svc.sign(serial, cert_id, d, alg).result()  # noqa: B023
            calls = best(per_call, 3)
            svc.close()
            print(f"  {alg}: raw {raw / N_SIGN * 1e6:7.1f} µs/sig   TokenService job "
                  f"{job / N_SIGN * 1e6:7.1f} µs/sig   ratio {ratio:.3f} "
                  f"(quartiles {low:.3f}–{high:.3f}, {SIGN_ROUNDS[kind]} rounds)   "
                  f"one future per signature {calls / N_SIGN * 1e6:7.1f} µs/sig "
                  f"(hand-off {(calls - job) / N_SIGN * 1e6:.0f} µs)")

def sm2_bench(tmp: str) -> None:
    """SM2 sign through the service vs the module called directly, both vendor variants."""
    module = sm2token.module_path()
    if module is None:
        print("\nSM2: the test token is not built (make sm2token): skipped")
        return

    os.environ[sm2token.ENV_DIR] = tmp + "/sm2tokens"
    key = sm2.PrivateKey.generate()
    folder = sm2token.write_token(Path(os.environ[sm2token.ENV_DIR]), "bench-sm2",
                                  "SM2BENCH0001", PIN)
    sm2token.write_key(folder, b"\x21", key)
    sm2token.write_certificate(folder, b"\x21", Sm2TestCA.create().issue(
        key.public, cn="bench sm2", organization="衡阳市某某建设工程有限公司"))
    pkcs11.lib(module).reinitialize()
    described = sm2token.catalogue_sm2()
    data = [i.to_bytes(4, "big") * 16 for i in range(N_SM2)]
    print(f"\n{N_SM2} SM2 signatures on the SM2 test token (medians of {SM2_ROUNDS} "
          "interleaved rounds)")
    for variant, sign_first in (("token computes Z_A+SM3", 0), ("caller passes e", 1)):
        signs = list(described["sign"])  # type: ignore[call-overload]
        conv = parse_convention({"sign": [signs[sign_first]]})
        svc = TokenService([module], sm2=lambda *_: conv)  # noqa: B023
        svc.scan(refresh=True).result()
        svc.login("SM2BENCH0001", PIN).result()
        chosen = conv.sign[0]
        mech = vendor_mechanism(chosen.mechanism)

        def raw_loop(chosen: Any = chosen, mech: Any = mech) -> None:
            session = pkcs11.lib(module).get_token(token_label="bench-sm2").open()
            k: Any = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=b"\x21")
            try:
                for d in data:
                    if chosen.input == "message":
                        sig = k.sign(d, mechanism=mech, mechanism_param=sm2.DEFAULT_ID)
                    else:
                        sig = k.sign(sm2.digest(key.public.point, d), mechanism=mech)
                    assert len(sig) == 64
            finally:
                session.close()
        raw, job, ratio, (low, high) = interleaved(
            svc, raw_loop,
            partial(svc.sign_batch, "SM2BENCH0001", "21", data, "SM2-SM3"), SM2_ROUNDS)
        svc.close()
        print(f"  SM2-SM3, {variant}: raw {raw / N_SM2 * 1e6:7.1f} µs/sig   TokenService job "
              f"{job / N_SM2 * 1e6:7.1f} µs/sig   ratio {ratio:.3f} "
              f"(quartiles {low:.3f}–{high:.3f})")
    sig = key.sign(data[0])
    verify = best(lambda: [sm2.verify(key.public, data[0], sig) for _ in range(100)]) / 100
    print(f"  host-side SM2 verification (once per key and login in the service) "
          f"{verify * 1e6:7.1f} µs")

if __name__ == "__main__":
    main()
    with tempfile.TemporaryDirectory() as sm2_tmp:
        sm2_bench(sm2_tmp)
