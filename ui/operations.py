"""The one PIN operation: read the key's flags → PIN dialog (or the PIN pad) → one job → PIN gone.

Every screen that needs the PIN (login, the first-run assistant, the bids page's self-test,
diagnostics) runs ``PinOp``, so a PIN-pad key, a locked PIN and the PIN's lifetime are treated
the same everywhere:

    PinOp(self, tokens, serial, label, job, success, purpose=…).failure(…).run()

``job(use)`` runs on the worker pool (it may mix HTTP and token-thread calls) and takes the PIN
out of ``use`` once; the dialog's field is cleared on close and this object keeps no copy after
handing it over. A key that needs no login, or has a PIN pad, gets no dialog: ``use.pin`` is None
and ``use.pad`` tells which (``without_pin`` lets a screen refuse that case instead);
``use.unlock`` logs the key in whichever of the three ways it takes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from .dispatch import on_main
from .jobs import QueryOp, TokenOp, show_error
from .widgets.pin import PinDialog

if TYPE_CHECKING:
    from hy_client.errors import HyError
    from hy_client.signin import KeyChoice, SignIn, TokenSigner
    from hy_client.token.models import TokenEvent, TokenFlags, TokenInfo
    from hy_client.token.service import TokenService

T = TypeVar("T")

class PinUse:
    """What the job gets: the PIN, handed over once (``take``), and how the key takes it."""

    def __init__(self, pin: str | None, *, pad: bool, login_required: bool) -> None:
        self._pin = pin
        self.pad = pad  # the PIN is typed on the reader's PIN pad (protected authentication)
        self.login_required = login_required

    def take(self) -> str | None:
        """The PIN typed (None: PIN pad or no login needed); a second call gets None."""
        pin, self._pin = self._pin, None
        return pin

    def unlock(self, signin: SignIn, tokens: TokenSigner, key: KeyChoice) -> str | None:
        """Log ``key`` in the way it takes it: the PIN typed (taken here), the PIN pad, or a
        session with no PIN for a key that needs no login. Returns the PIN typed, for a
        caller that judges it (a weak PIN); None for the other two."""
        pin = self.take()
        signin.unlock(tokens, key, pin)
        return pin

    def __repr__(self) -> str:  # never the PIN
        return f"PinUse(pad={self.pad}, login_required={self.login_required})"


class PinOp(Generic[T]):
    """One PIN-guarded job on one key (by serial). ``dialog`` is the open PIN dialog, if any."""

    def __init__(self, parent: QWidget, tokens: TokenService, serial: str, label: str | None,
                 job: Callable[[PinUse], T], success: Callable[[T], None], *,
                 purpose: str | None = None) -> None:
        self.parent, self.tokens, self.serial, self.label = parent, tokens, serial, label
        self._job, self._success, self._purpose = job, success, purpose
        self._failure: Callable[[HyError], None] | None = None
        self._cancelled: Callable[[], None] | None = None
        self._without_pin: Callable[[TokenFlags], bool] | None = None
        self._started: Callable[[PinUse], None] | None = None
        self._progress: tuple[str, str] | None = None
        self.dialog: PinDialog | None = None
        self.finished = False

    # --- builder ----------------------------------------------------------------------------
    def failure(self, fn: Callable[[HyError], None]) -> PinOp[T]:
        """Failures (flags unreadable, the job's errors) go here instead of ``show_error``."""
        self._failure = fn
        return self

    def cancelled(self, fn: Callable[[], None]) -> PinOp[T]:
        """The user closed the PIN dialog (or the PIN is locked): nothing ran."""
        self._cancelled = fn
        return self

    def without_pin(self, fn: Callable[[TokenFlags], bool]) -> PinOp[T]:
        """Asked for a key that takes no PIN here (PIN pad, no login): True lets the job run
        with no PIN, False stops (``fn`` told the user why)."""
        self._without_pin = fn
        return self

    def started(self, fn: Callable[[PinUse], None]) -> PinOp[T]:
        """Called on the GUI thread just before the job is handed to the worker."""
        self._started = fn
        return self

    def with_progress(self, label: str, pad_label: str | None = None) -> PinOp[T]:
        """A progress dialog while the job runs; ``pad_label`` while the PIN pad waits."""
        self._progress = (label, pad_label or label)
        return self

    # --- running ----------------------------------------------------------------------------
    def run(self) -> PinOp[T]:
        """``label`` None: the key's label is read with its flags (one token-thread job)."""
        tokens, serial = self.tokens, self.serial
        if self.label is None:
            TokenOp(self.parent, lambda: tokens.token_info(serial), self._got_info).failure(
                self._fail).run_in_background()
        else:
            TokenOp(self.parent, lambda: tokens.token_flags(serial), self._ask).failure(
                self._fail).run_in_background()
        return self

    def cancel(self, error: HyError | None = None) -> None:
        """Close the PIN dialog (e.g. the key was pulled); ``error`` is shown if given."""
        dialog = self.dialog
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.reject()
        if error is not None:
            show_error(self.parent, error)

    def _got_info(self, info: TokenInfo) -> None:
        self.label = info.label
        self._ask(info.flags)

    def _ask(self, flags: TokenFlags) -> None:
        pad = flags.login_required and flags.protected_auth_path
        if not flags.login_required or pad:
            if self._without_pin is not None and not self._without_pin(flags):
                self._end_cancelled()
                return
            self._start(PinUse(None, pad=pad, login_required=flags.login_required))
            return
        dialog = PinDialog(self.label or self.serial, flags, self.parent, self._purpose)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        # A key pulled out closes its own PIN dialog with "CA锁已拔出", on any screen.
        stop_listening = self.tokens.subscribe(on_main(dialog, self._token_event))
        dialog.finished.connect(lambda _result: stop_listening())
        dialog.finished.connect(lambda result: self._given(dialog, result))
        dialog.open()

    def _token_event(self, event: TokenEvent) -> None:
        if event.kind == "removed" and event.serial == self.serial and self.dialog is not None:
            from hy_client import errors

            self.cancel(errors.HyError(errors.TOKEN_REMOVED, event.label))

    def _given(self, dialog: PinDialog, result: int) -> None:
        self.dialog = None
        entry = dialog.take() if result == QDialog.DialogCode.Accepted else None
        if entry is None or not entry.pin:
            self._end_cancelled()
            return
        self._start(PinUse(entry.pin, pad=False, login_required=True))

    def _start(self, use: PinUse) -> None:
        if self._started is not None:
            self._started(use)
        job = self._job

        def run() -> T:
            try:
                return job(use)
            finally:
                use.take()  # dropped, whether or not the job took it

        op = QueryOp(self.parent, run, self._done).failure(self._fail)
        if self._progress is not None:
            op.with_progress(self._progress[1] if use.pad else self._progress[0])
        op.run_in_background()

    def _done(self, result: T) -> None:
        self.finished = True
        self._success(result)

    def _fail(self, error: HyError) -> None:
        from hy_client.errors import UserCancelled

        self.finished = True
        if isinstance(error, UserCancelled):
            self._end_cancelled()
        elif self._failure is not None:
            self._failure(error)
        else:
            show_error(self.parent, error)

    def _end_cancelled(self) -> None:
        self.finished = True
        if self._cancelled is not None:
            self._cancelled()
