"""The one road from a worker or the token thread to the GUI thread.

One long-lived ``Dispatcher`` owned by the application (as Anki's ``taskman.run_on_main``):
``run_on_main(fn, receiver)`` may be called from any thread; ``fn()`` runs later on the GUI
thread, and only if ``receiver`` (a widget or other QObject) still exists then. Progress
callbacks handed to the core are made with ``on_main(receiver, fn)``. No per-job bridge or
relay object exists, so nothing is left alive per window or per job.

A callback held by a worker refers to its widget only weakly, and the weak references are
resolved on the GUI thread: a worker never holds the last reference to a widget (its wrapper
would then be freed, or a reference cycle collected, on the worker thread — a crash or a
deadlock in Qt).
"""

from __future__ import annotations

import gc
import logging
import threading
import types
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

log = logging.getLogger(__name__)

_lock = threading.Lock()
_instance: Dispatcher | None = None


class Dispatcher(QObject):
    """Lives on the GUI thread; a queued signal carries each closure there."""

    _posted = Signal(object, object)  # receiver (QObject | None), closure
    _posted_weak = Signal(object, object, object)  # receiver ref, function ref, args

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Imported here: the first use of the ``Qt`` namespace builds all of its enums (~15 ms),
        # and the dispatcher is first needed after the login window's first paint.
        from PySide6.QtCore import Qt

        self._posted.connect(self._run, Qt.ConnectionType.QueuedConnection)
        self._posted_weak.connect(self._run_weak, Qt.ConnectionType.QueuedConnection)

    def run_on_main(self, fn: Callable[[], object], receiver: QObject | None = None) -> None:
        self._posted.emit(receiver, fn)

    def post_weak(self, receiver: Callable[[], QObject | None] | None,
                  fn: Callable[[], Callable[..., object] | None], args: tuple[Any, ...]) -> None:
        """``receiver`` and ``fn`` are weak references (or holders): resolved on the GUI thread."""
        self._posted_weak.emit(receiver, fn, args)

    @Slot(object, object)
    def _run(self, receiver: QObject | None, fn: Callable[[], object]) -> None:
        if receiver is not None and not shiboken6.isValid(receiver):
            return  # the window went away meanwhile: nothing to show the result in
        try:
            fn()
        except Exception:  # a slot's bug must not take the event loop down
            log.exception("error in a callback run on the GUI thread")

    @Slot(object, object, object)
    def _run_weak(self, receiver_ref: Callable[[], QObject | None] | None,
                  fn_ref: Callable[[], Callable[..., object] | None],
                  args: tuple[Any, ...]) -> None:
        receiver = receiver_ref() if receiver_ref is not None else None
        fn = fn_ref()
        if fn is None or (receiver_ref is not None and receiver is None):
            return  # collected: nobody to tell
        self._run(receiver, lambda: fn(*args))


class _GuiGarbageCollector(QObject):
    """Python's cycle collector runs on the GUI thread only (as Anki does): run automatically,
    it starts in whichever thread allocates at the wrong moment, and a cycle holding a widget
    then runs ~QObject on a worker — a deadlock with the GUI thread over Qt's connection lock
    and the GIL. Young objects every second, older ones every 10 s, everything every minute."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._ticks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._collect)
        self._timer.start()
        gc.disable()

    @Slot()
    def _collect(self) -> None:
        self._ticks += 1
        gc.collect(2 if self._ticks % 60 == 0 else 1 if self._ticks % 10 == 0 else 0)


_collector: _GuiGarbageCollector | None = None


def collect_garbage_on_gui_thread() -> None:
    """Once, on the GUI thread, before the first worker (``jobs.pool``; the tests' set-up).

    Remembered here, not looked up with ``findChild``: that wraps every child of the
    application, the style among them, whose enums alone cost ~4 ms."""
    global _collector
    app = QCoreApplication.instance()
    if app is None or (_collector is not None and shiboken6.isValid(_collector)):
        return
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("cycle collection is moved to the GUI thread from the GUI thread")
    _collector = _GuiGarbageCollector(app)


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
    the same arguments on the GUI thread, while ``receiver`` exists. The callback holds
    ``receiver`` and a bound method's object only weakly."""
    target = dispatcher()  # made now, on the calling (GUI) thread
    receiver_ref = weakref.ref(receiver) if receiver is not None else None
    fn_ref: Callable[[], Callable[..., object] | None] = (
        weakref.WeakMethod(fn) if isinstance(fn, types.MethodType) else _Strong(fn))

    def call(*args: Any) -> None:
        target.post_weak(receiver_ref, fn_ref, args)

    return call


class _Strong:
    """The holder for a function that is not a bound method (a lambda, a signal's emit)."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[..., object]) -> None:
        self.fn = fn

    def __call__(self) -> Callable[..., object]:
        return self.fn
