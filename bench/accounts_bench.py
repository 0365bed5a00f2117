"""Account scoping and the renewal advisor: what they cost, against baselines from the same run.

1. Draft autosave: a scoped save (``AccountDrafts.save``, the owner in the key) vs a bare
   ``INSERT OR REPLACE`` of the same row in a table keyed by form only (the old layout), both
   on one WAL file with ``synchronous=FULL``. Target: ratio ≤ 1.5 (an autosave per keystroke).
2. Migration of an old drafts file (N drafts into the quarantine) at the first start: absolute
   time, and per draft. Target: 2,000 drafts under 0.5 s.
3. The advisor over C certificates × B bids (every surface asks it on each refresh), vs
   building the same bid list. Target: 10 × 1,000 under 50 ms.

Run: python bench/accounts_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hy_client.api.models import Bid
from hy_client.drafts import DraftStore
from hy_client.renewal import advise

OLD = ("CREATE TABLE drafts (form_key TEXT PRIMARY KEY, spec_name TEXT NOT NULL, data TEXT NOT"
       " NULL, record_id INTEGER, idempotency_key TEXT NOT NULL, revision INTEGER NOT NULL,"
       " updated_at TEXT NOT NULL)")
DATA = {"name": "衡阳市湘江建设工程有限公司", "address": "湖南省衡阳市蒸湘区解放大道28号" * 3,
        "business_scope": "房屋建筑工程、市政公用工程施工总承包" * 5}


def saves(rounds: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        base = sqlite3.connect(Path(tmp) / "old.sqlite3", isolation_level=None)
        base.execute("PRAGMA journal_mode=WAL")
        base.execute("PRAGMA synchronous=FULL")
        base.execute(OLD)
        store = DraftStore(Path(tmp) / "new.sqlite3")
        mine = store.for_account("https://ggzy.hengyang.gov.cn", 7)
        old_t, new_t = [], []
        for i in range(rounds):
            data = {**DATA, "address": f"{DATA['address']}{i}"}
            t = time.perf_counter()
            base.execute("INSERT OR REPLACE INTO drafts VALUES ('profile', 'profile_unit', ?,"
                         " NULL, 'k', ?, ?)", (json.dumps(data, ensure_ascii=False), i,
                                               datetime.now(UTC).isoformat()))
            old_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            mine.save("profile", "profile_unit", data)
            new_t.append(time.perf_counter() - t)
        store.close()
        base.close()
    return statistics.median(old_t), statistics.median(new_t)


def migration(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "drafts.sqlite3"
        con = sqlite3.connect(path)
        con.execute(OLD)
        con.executemany("INSERT INTO drafts VALUES (?, 'qualification', ?, NULL, 'k', 1, ?)",
                        [(f"qualification:new-{i}", json.dumps(DATA, ensure_ascii=False),
                          datetime.now(UTC).isoformat()) for i in range(n)])
        con.commit()
        con.close()
        t = time.perf_counter()
        with DraftStore(path) as store:
            elapsed = time.perf_counter() - t
            assert len(store.quarantined()) == n
    return elapsed


@dataclass(frozen=True)
class Cert:
    sha256: str
    subject_cn: str
    not_after: datetime


def advisor(certs: int, bids: int, rounds: int) -> tuple[float, float]:
    now = datetime.now(UTC)
    cs = [Cert(f"{i:064x}", f"证书{i}", now + timedelta(days=5 + 7 * i)) for i in range(certs)]

    def make() -> list[Bid]:
        return [Bid(id=i, project_code=f"P{i}", project_name=f"项目{i}",
                    documents_downloaded_at=None, bid_deadline=now + timedelta(hours=20 * i),
                    bid_opening=now + timedelta(hours=20 * i + 1),
                    cert_sha256="" if i % 3 else f"{i % certs:064x}") for i in range(bids)]

    base, adv = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        made = make()
        base.append(time.perf_counter() - t)
        t = time.perf_counter()
        advise(cs, made, now=now)
        adv.append(time.perf_counter() - t)
    return statistics.median(base), statistics.median(adv)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    old, new = saves(args.rounds)
    print(f"draft save: old layout {old * 1e3:.2f} ms, scoped {new * 1e3:.2f} ms, "
          f"ratio {new / old:.2f} (target ≤ 1.5)")
    for n in (200, 2000):
        took = migration(n)
        print(f"migration of {n} old drafts: {took * 1e3:.1f} ms "
              f"({took / n * 1e6:.0f} µs per draft; target 2,000 < 500 ms)")
    base, adv = advisor(10, 1000, max(5, args.rounds // 20))
    print(f"advisor 10 certificates × 1,000 bids: {adv * 1e3:.1f} ms "
          f"(building the bids: {base * 1e3:.1f} ms, ratio {adv / base:.2f}; target < 50 ms)")


if __name__ == "__main__":
    main()
