"""Whose data is it: everything local that belongs to a bidder — drafts, reminders, the
remembered key, the session, a renewal in flight — is kept per (platform origin, account id).

One normal form of the origin for all of them, and one tag for file and settings names (no
URL in a name). Callers pass ``config.origin_of(...)``; the normal form also folds a trailing
slash and case, so a hand-written origin lands on the same owner.
"""

from __future__ import annotations

import hashlib


def origin_key(origin: str) -> str:
    """The origin as every store keys it."""
    return origin.rstrip("/").lower()


def origin_tag(origin: str) -> str:
    """16 hex digits naming the origin in a file or settings key."""
    return hashlib.sha256(origin_key(origin).encode("utf-8")).hexdigest()[:16]
