"""Work that must wait until a window has been painted once.

A zero timer is not enough: a new window's first expose and paint can come after timers that
were already due, so work "deferred" that way still delays the first frame (and a worker
importing the core competes with it for the GIL). ``after_first_paint`` waits for the window's
own first paint event, then runs ``fn`` on the next turn of the event loop.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, fns: list[Callable[[], object]]) -> None:
        super().__init__(widget)  # goes with the window
        self._fns = fns

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._fns:
            fns, self._fns = self._fns, []
            watched.removeEventFilter(self)
            for fn in fns:
                QTimer.singleShot(0, fn)
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, fn: Callable[[], object]) -> None:
    """Run ``fn`` once ``widget`` has painted (call before showing it)."""
    widget.installEventFilter(_FirstPaint(widget, [fn]))
