"""The one road from a worker or the token thread to the GUI thread.

One long-lived ``Dispatcher`` owned by the application (as Anki's ``taskman.run_on_main``):
``run_on_main(fn, receiver)`` may be called from any thread; ``fn()`` runs later on the GUI
thread, and only if ``receiver`` (a widget or other QObject) still exists then. Progress
callbacks handed to the core are made with ``on_main(receiver, fn)``. No per-job bridge or
relay object exists, so nothing is left alive per window or per job.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)

_lock = threading.Lock()
_instance: Dispatcher | None = None


class Dispatcher(QObject):
    """Lives on the GUI thread; a queued signal carries each closure there."""

    _posted = Signal(object, object)  # receiver (QObject | None), closure

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def run_on_main(self, fn: Callable[[], object], receiver: QObject | None = None) -> None:
        self._posted.emit(receiver, fn)

    @Slot(object, object)
    def _run(self, receiver: QObject | None, fn: Callable[[], object]) -> None:
        if receiver is not None and not shiboken6.isValid(receiver):
            return  # the window went away meanwhile: nothing to show the result in
        try:
            fn()
        except Exception:  # a slot's bug must not take the event loop down
            log.exception("error in a callback run on the GUI thread")


def dispatcher() -> Dispatcher:
    """The application's dispatcher, made on first use (on whatever thread: it is moved to the
    application's thread and parented to the application)."""
    global _instance
    with _lock:
        if _instance is not None and shiboken6.isValid(_instance):
            return _instance
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("no QApplication: the dispatcher belongs to it")
        created = Dispatcher()
        if created.thread() is not app.thread():
            created.moveToThread(app.thread())  # kept by this module, never freed
        else:
            created.setParent(app)  # owned by the application (C++): lives until it ends
        _instance = created
        return created


def run_on_main(fn: Callable[[], object], receiver: QObject | None = None) -> None:
    """Run ``fn`` on the GUI thread soon, unless ``receiver`` is gone by then."""
    dispatcher().run_on_main(fn, receiver)


def on_main(receiver: QObject | None, fn: Callable[..., object]) -> Callable[..., None]:
    """A thread-safe callback for the core (progress, QR codes): each call runs ``fn`` with
    the same arguments on the GUI thread, while ``receiver`` exists."""
    target = dispatcher()  # made now, on the calling (GUI) thread

    def call(*args: Any) -> None:
        target.run_on_main(lambda: fn(*args), receiver)

    return call
