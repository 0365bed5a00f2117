"""What every window shares: settings, the platform client and sign-in, the token service
(with hot-plug re-emitted as a queued Qt signal) and the draft store.

Built cheaply: nothing here touches the network, a PKCS#11 module or the disk beyond opening
the draft database; the token thread starts on its first job.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from hy_client import config
from hy_client.api.client import PlatformClient
from hy_client.api.models import Account
from hy_client.drafts import DraftStore
from hy_client.driver_probe import token_service_for
from hy_client.errors import HyError
from hy_client.signin import SignIn
from hy_client.token.modules import module_paths
from hy_client.token.service import TokenService

from .dispatch import on_main


class TokenWatcher(QObject):
    """Hot-plug for the GUI: a timer submits a check to the token thread; the service's
    events (delivered on that thread) come back here as a queued ``token_event`` signal.

    Most ticks are a cheap ``poll()``. Every ``refresh_every``-th tick is ``scan(refresh=True)``
    instead: SoftHSM, and some vendor modules, list a key plugged in or pulled out only after
    the library is re-initialised, which the service does only for a module with no logged-in
    session (re-initialising would end it).
    """

    token_event = Signal(object)  # TokenEvent, on the GUI thread

    def __init__(self, tokens: TokenService, interval_s: float, refresh_every: int = 2,
                 parent: QObject | None = None) -> None:
        # Owned by the application when no parent is given: a Python-owned QObject with a
        # timer may be freed by whichever thread drops its last reference (a pool worker
        # finishing a job), which leaves Qt a timer on a dead object.
        super().__init__(parent or QCoreApplication.instance())
        self.tokens = tokens
        self._unsubscribe = tokens.subscribe(on_main(self, self.token_event.emit))
        self._timer = QTimer(self)
        self._timer.setInterval(max(200, int(interval_s * 1000)))
        self._timer.timeout.connect(self.poll_now)
        self._inflight = False
        self._refresh_every = max(1, refresh_every)
        self._ticks = 0

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._unsubscribe()

    @Slot()
    def poll_now(self) -> None:
        if self._inflight:
            return  # a slow module: never queue polls behind each other
        self._inflight = True
        self._ticks += 1
        try:
            future: Future[Any] = (self.tokens.scan(refresh=True)
                                   if self._ticks % self._refresh_every == 0
                                   else self.tokens.poll())
        except RuntimeError:  # the service was closed
            self._inflight = False
            return
        future.add_done_callback(on_main(self, self._done))

    def _done(self, _future: object) -> None:
        self._inflight = False


@dataclass
class AppContext:
    settings: config.Settings
    client: PlatformClient
    signin: SignIn
    tokens: TokenService
    drafts: DraftStore
    account: Account | None = None
    watcher: TokenWatcher | None = field(default=None, repr=False)

    @classmethod
    def create(cls, platform: str | None = None, modules: list[str] | None = None
               ) -> AppContext:
        settings = config.load()
        client = PlatformClient.from_settings(settings, platform)
        tokens = token_service_for(modules if modules is not None else module_paths(settings),
                                   settings)
        return cls(settings, client, SignIn(client), tokens, DraftStore())

    def reload_settings(self, settings: config.Settings | None = None) -> config.Settings:
        """Take the config as it is now (after the first-run assistant, a repair or the settings
        dialog changed it): whatever reads ``settings`` later sees the new values. A config
        that cannot be read keeps the current ones."""
        if settings is None:
            try:
                settings = config.load()
            except HyError:
                return self.settings
        self.settings = settings
        return settings

    def start_watching(self) -> TokenWatcher:
        if self.watcher is None:
            self.watcher = TokenWatcher(self.tokens, self.settings.token_poll_seconds)
            self.watcher.start()
        return self.watcher

    def close(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher.deleteLater()
            self.watcher = None
        self.tokens.close()
        self.client.close()
        self.drafts.close()
