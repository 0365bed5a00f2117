"""Background jobs for the GUI: the GUI thread never waits on PKCS#11, HTTP or the disk.

``QueryOp(parent, op, success).failure(...).with_progress(...).run_in_background()`` runs
``op()`` on the HTTP/file pool; ``TokenOp(parent, start, success)`` takes ``start()`` returning
the ``concurrent.futures.Future`` of a TokenService job (its own thread). Either way the result
comes back to the GUI thread through the application's one dispatcher (``ui.dispatch``);
``success`` runs only if ``parent`` still exists. Errors are shown once by ``show_error``
(catalogue message, code, advice — never a traceback); ``UserCancelled`` is silent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QElapsedTimer,
    QObject,
    Qt,
    QThread,
    QTimer,
    Slot,
)
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from .dispatch import collect_garbage_on_gui_thread, dispatcher
from .i18n import advice, error_label, message, reason, translate

if TYPE_CHECKING:
    from hy_client.api.upload import CancelToken
    from hy_client.errors import HyError

log = logging.getLogger(__name__)
T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_running: set[_Op[Any]] = set()  # keeps each op alive until its result is delivered
_boxes: set[QMessageBox] = set()


def pool() -> ThreadPoolExecutor:
    """The HTTP/file executor: independent of the token thread, so HTTP never waits behind it.

    Made on the GUI thread by the first job; every other thread (the token thread, watchers)
    is started from its workers. So cycle collection moves to the GUI thread here, before any
    second thread exists."""
    global _pool
    if _pool is None:
        collect_garbage_on_gui_thread()
        _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="io")
    return _pool


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def assert_gui_thread() -> None:
    if not on_gui_thread():
        raise AssertionError("widget code outside the GUI thread")


def as_hy_error(exc: BaseException) -> HyError:
    """What the user sees for any failure: catalogue errors as they are, the rest as G199."""
    from hy_client import errors
    from hy_client.errors import HyError, UserCancelled

    if isinstance(exc, HyError):
        return exc
    if isinstance(exc, CancelledError):
        return UserCancelled()
    log.error("unexpected error in a background job", exc_info=exc)
    return HyError(errors.INTERNAL, type(exc).__name__)


def error_text(error: HyError) -> tuple[str, str]:
    """(main text, informative text) for a message box: message and code; advice."""
    from hy_client import errors

    code = translate("Jobs", "错误代码：{code}").format(code=error.code)
    main = f"{message(error.info)}\n\n{code}"
    extra = advice(error.info)
    # Class names, HTTP statuses and byte counts are for the log, never the box.
    if errors.is_for_people(error.detail) and not isinstance(error, errors.ValidationError):
        detail = translate("Jobs", "（{detail}）").format(detail=error.detail)
        extra = f"{extra}\n{detail}" if extra else detail
    elif isinstance(error, errors.ValidationError):
        extra = "\n".join(translate("Jobs", "{field}：{reason}").format(
            field=error_label(e), reason=reason(e)) for e in error.errors)
    return main, extra


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """The one way a failure is shown; silent for UserCancelled."""
    from hy_client.errors import UserCancelled

    hy = as_hy_error(error)
    if isinstance(hy, UserCancelled):
        return
    main, extra = error_text(hy)
    log.info("shown to the user: %s", hy.full_text)
    box = QMessageBox(QMessageBox.Icon.Warning, translate("Jobs", "出错了"), main,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.setProperty("errorCode", hy.code)
    if extra:
        box.setInformativeText(extra)
    if parent is not None:
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    else:  # no parent to own it: keep it alive until it is closed
        _boxes.add(box)
        box.finished.connect(lambda _r: _boxes.discard(box))
    box.open()


class _Op(Generic[T]):
    def __init__(self, parent: QWidget | None, success: Callable[[T], None] | None) -> None:
        self._parent = parent
        self._success = success
        self._failure: Callable[[HyError], None] | None = None
        self._label = ""
        self._cancel: CancelToken | None = None
        self._dialog: QProgressDialog | None = None
        self._progress: tuple[int, int] = (0, 0)  # written by the worker, read by a GUI timer
        self.future: Future[T] | None = None

    def failure(self, fn: Callable[[HyError], None]) -> _Op[T]:
        """Handle failures here instead of the default ``show_error``."""
        self._failure = fn
        return self

    def with_progress(self, label: str, cancel: CancelToken | None = None) -> _Op[T]:
        """A progress dialog (after a short delay); with ``cancel``, a 取消 button sets it."""
        self._label = label
        self._cancel = cancel
        return self

    def report(self, done: int, total: int) -> None:
        """Thread-safe progress report, e.g. an upload's ``progress`` callback.

        Only the latest figures are kept (one tuple assignment); the dialog reads them ten
        times a second, so a fast upload never floods the GUI thread with events.
        """
        self._progress = (done, total)

    def _start(self) -> Future[T]:
        raise NotImplementedError

    def run_in_background(self) -> Future[T]:
        assert_gui_thread()
        target = dispatcher()
        if self._label:
            self._open_dialog()
        _running.add(self)
        future = self._start()
        self.future = future
        # cleanup must run even when the parent is gone: no receiver, _deliver checks it
        future.add_done_callback(lambda f: target.run_on_main(lambda: self._deliver(f)))
        return future

    def _open_dialog(self) -> None:
        dialog = QProgressDialog(self._label, translate("Jobs", "取消") if self._cancel else "",
                                 0, 0, self._parent)
        dialog.setObjectName("progressDialog")
        dialog.setWindowTitle(translate("Jobs", "请稍候"))
        dialog.setMinimumDuration(400)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        if self._cancel is not None:  # an empty button text above means no button at all
            dialog.canceled.connect(self._cancel.cancel)
        timer = QTimer(dialog)
        timer.setInterval(100)
        timer.timeout.connect(self._show_progress)
        timer.start()
        self._dialog = dialog

    def _show_progress(self) -> None:
        done, total = self._progress
        if self._dialog is not None and shiboken6.isValid(self._dialog) and total > 0:
            scale = max(1, total // 1000)  # permille: fits a C int whatever the size
            self._dialog.setMaximum(total // scale)
            self._dialog.setValue(min(done, total) // scale)

    def _deliver(self, future: Future[T]) -> None:
        _running.discard(self)
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.reset()
            self._dialog.deleteLater()
        self._dialog = None
        try:
            self._deliver_result(future)
        finally:
            # The future (still held by the worker) refers back to this op through its
            # done-callback: drop the widget references here, on the GUI thread, so the worker
            # can never release the last one.
            self._parent = self._success = self._failure = None
            self.future = None

    def _deliver_result(self, future: Future[T]) -> None:
        if self._parent is not None and not shiboken6.isValid(self._parent):
            return  # the window went away meanwhile: nothing to show the result in
        try:
            result = future.result()
        except BaseException as exc:
            error = as_hy_error(exc)
            if self._failure is not None:
                self._failure(error)
            else:
                show_error(self._parent, error)
            return
        if self._success is not None:
            self._success(result)


class QueryOp(_Op[T]):
    """``op()`` on the HTTP/file pool; ``success(result)`` on the GUI thread."""

    def __init__(self, parent: QWidget | None, op: Callable[[], T],
                 success: Callable[[T], None] | None = None) -> None:
        super().__init__(parent, success)
        self._op = op

    def _start(self) -> Future[T]:
        return pool().submit(self._op)


class TokenOp(_Op[T]):
    """``start()`` submits a TokenService job and returns its Future (the token thread runs it)."""

    def __init__(self, parent: QWidget | None, start: Callable[[], Future[T]],
                 success: Callable[[T], None] | None = None) -> None:
        super().__init__(parent, success)
        self._start_fn = start

    def _start(self) -> Future[T]:
        try:
            return self._start_fn()
        except BaseException as exc:  # a closed service: deliver as a failed future
            failed: Future[T] = Future()
            failed.set_exception(exc)
            return failed


def running_count() -> int:
    """Jobs whose result has not reached the GUI thread yet (tests wait for 0)."""
    return len(_running)


class LatencyProbe(QObject):
    """Measures how long the GUI thread is kept from its event loop.

    A timer asks to fire every ``interval_ms``; each late tick's lateness is a stall. The
    longest stall is what a user feels as a frozen window.
    """

    def __init__(self, interval_ms: int = 5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._interval = interval_ms
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self._last = 0
        self.max_stall_ms = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.max_stall_ms = 0.0
        self.ticks = 0
        self._clock.start()
        self._last = self._clock.nsecsElapsed()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        return self.max_stall_ms

    @Slot()
    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        stall = (now - self._last) / 1e6 - self._interval
        self._last = now
        self.ticks += 1
        self.max_stall_ms = max(self.max_stall_ms, stall)
