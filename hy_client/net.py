"""The one way to build an HTTP session: TLS verified, a timeout on every request.

requests lets a session's ``verify`` lose to ``REQUESTS_CA_BUNDLE`` in the environment and lets a
call go out with no timeout at all; a ``VerifiedSession`` passes both on every request itself, so
the platform profile's CA bundle always wins and no call can hang for ever. Proxies from the
environment still apply (bidders behind a company proxy need them).
"""

from __future__ import annotations

from typing import Any

import requests

DEFAULT_TIMEOUT = 15.0


class VerifiedSession(requests.Session):
    """A ``requests.Session`` whose certificate check cannot be turned off."""

    def __init__(self, ca_bundle: str = "", timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.ca_bundle = ca_bundle
        self.verify = ca_bundle or True
        self.timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any,
                **kwargs: Any) -> requests.Response:
        kwargs["verify"] = self.ca_bundle or True  # never False, whatever the caller passed
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)
