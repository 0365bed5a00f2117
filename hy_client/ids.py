"""Row ids: what a record, draft or renewal number can be. SQLite's INTEGER PRIMARY KEY is a
signed 64-bit number, and a larger Python int overflows in the driver instead of finding
nothing, so every edge (HTTP paths, CLI arguments) checks the range first."""

from __future__ import annotations

MAX_ROW_ID = 2**63 - 1


def valid_row_id(value: int) -> bool:
    return 1 <= value <= MAX_ROW_ID
