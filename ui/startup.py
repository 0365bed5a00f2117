"""Work that must wait until a window has been painted once.

A zero timer is not enough: a new window's first expose and paint can come after timers that
were already due, so work "deferred" that way still delays the first frame (and a worker
importing the core competes with it for the GIL). ``after_first_paint`` waits for the window's
own first paint event, then runs ``fn`` on the next turn of the event loop.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

# One filter per widget, however many callers wait: each filter is a Python call for every
# event the window gets before it is painted.
_waiting: weakref.WeakKeyDictionary[QObject, _FirstPaint] = weakref.WeakKeyDictionary()


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)  # goes with the window
        self.fns: list[Callable[[], object]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.fns:
            fns, self.fns = self.fns, []
            _waiting.pop(watched, None)
            watched.removeEventFilter(self)
            for fn in fns:
                QTimer.singleShot(0, fn)
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, fn: Callable[[], object]) -> None:
    """Run ``fn`` once ``widget`` has painted (call before showing it). Of several, the last
    asked runs first, as Qt calls event filters: the start asks last for the core's load,
    the longest wait, so it begins before the rest."""
    waiting = _waiting.get(widget)
    if waiting is None:
        waiting = _waiting[widget] = _FirstPaint(widget)
        widget.installEventFilter(waiting)
    waiting.fns.insert(0, fn)
