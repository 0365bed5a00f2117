"""Run one renewal in a child process and SIGKILL it at a chosen point (kill -9, no clean-up).

Usage: python kill_driver.py STAGE WHEN   (WHEN: "before" the stage starts, "mid": after the
stage's token or platform call returned but before the journal recorded it, "after" it was
recorded). Reads RIG_URL, RIG_SESSION, RIG_MODULE, RIG_LABEL, RIG_PIN and RIG_ACCOUNT.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from hy_client import renewal_flow
from hy_client.api.client import PlatformClient
from hy_client.config import PlatformProfile
from hy_client.renewal_journal import JournalStore
from hy_client.signin import SignIn, login_candidates
from hy_client.token import renewal as token_renewal
from hy_client.token.service import TokenService


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    stage, when = sys.argv[1], sys.argv[2]
    client = PlatformClient(PlatformProfile("test", os.environ["RIG_URL"], "test"), timeout=10)
    client.token = os.environ["RIG_SESSION"]
    tokens = TokenService([os.environ["RIG_MODULE"]])
    key = next(c for c in login_candidates(tokens.scan(refresh=True).result(30))
               if c.token_label == os.environ["RIG_LABEL"] and c.cert_id == "01")
    SignIn(client).unlock(tokens, key, os.environ["RIG_PIN"])

    if when == "mid":
        def after(fn: Any) -> Any:
            def wrapped(*args: Any, **kwargs: Any) -> Any:
                result = fn(*args, **kwargs)
                if hasattr(result, "result"):
                    result.result(60)
                die()
            return wrapped
        if stage == "keygen":
            token_renewal.generate = after(token_renewal.generate)  # type: ignore[assignment]
        elif stage == "write":
            token_renewal.write_certificate = after(  # type: ignore[assignment]
                token_renewal.write_certificate)
        elif stage == "submit":
            renewal_flow.RenewalFlow._submit = after(  # type: ignore[method-assign]
                renewal_flow.RenewalFlow._submit)
        elif stage == "activate":
            renewal_flow.RenewalFlow._activate = after(  # type: ignore[method-assign]
                renewal_flow.RenewalFlow._activate)

    def progress(at: str, status: str) -> None:
        if at == stage and ((when == "before" and status == "running")
                            or (when == "after" and status == "done")):
            die()

    store = JournalStore(client.origin, int(os.environ["RIG_ACCOUNT"]))
    renewal_flow.RenewalFlow(client, tokens, store, progress=progress).run(key)
    print("finished without being killed")


if __name__ == "__main__":
    main()
