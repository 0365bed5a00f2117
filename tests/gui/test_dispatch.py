"""The one dispatcher: worker results reach the GUI thread, and only while the receiver lives."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QWidget

from ui import jobs
from ui.dispatch import dispatcher, on_main, run_on_main


def test_a_worker_call_runs_on_the_gui_thread(qtbot, qapp):
    seen: list[tuple[int, bool]] = []
    widget = QWidget()
    qtbot.addWidget(widget)
    report = on_main(widget, lambda n: seen.append(
        (n, QThread.currentThread() is qapp.thread())))
    worker = threading.Thread(target=lambda: [report(i) for i in range(5)])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(seen) == 5, timeout=10000)
    assert seen == [(i, True) for i in range(5)]  # in order, each on the GUI thread


def test_nothing_runs_for_a_receiver_that_is_gone(qtbot):
    called: list[str] = []
    widget = QWidget()
    gone = QWidget()
    qtbot.addWidget(widget)
    gate = threading.Event()

    def worker() -> None:
        gate.wait(10)
        run_on_main(lambda: called.append("gone"), gone)
        run_on_main(lambda: called.append("alive"), widget)

    thread = threading.Thread(target=worker)
    thread.start()
    gone.deleteLater()
    qtbot.waitUntil(lambda: not _valid(gone), timeout=10000)
    gate.set()
    thread.join()
    qtbot.waitUntil(lambda: called == ["alive"], timeout=10000)


def test_one_dispatcher_owned_by_the_application(qapp):
    assert dispatcher() is dispatcher()
    assert dispatcher().parent() is QCoreApplication.instance()


def test_a_job_result_for_a_closed_window_is_dropped_and_counted_done(qtbot):
    window = QWidget()
    results: list[int] = []
    gate = threading.Event()
    future = jobs.QueryOp(window, lambda: gate.wait(10) and 42, results.append
                          ).run_in_background()
    window.deleteLater()
    qtbot.waitUntil(lambda: not _valid(window), timeout=10000)
    gate.set()
    future.result(10)
    qtbot.waitUntil(lambda: jobs.running_count() == 0, timeout=10000)
    assert results == []


def _valid(obj) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_a_callback_held_by_a_worker_does_not_keep_its_widget_alive(qtbot):
    """The worker's callback refers to the widget weakly: the widget is freed on the GUI
    thread when the window drops it, never by a worker releasing the last reference."""
    import gc
    import weakref

    class Page(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[int] = []
            self.report = on_main(self, self.progress)  # kept, as an autosaver keeps its own

        def progress(self, n: int) -> None:
            self.seen.append(n)

    page = Page()
    report, seen = page.report, page.seen
    report(1)
    qtbot.waitUntil(lambda: seen == [1], timeout=10000)
    gone = weakref.ref(page)
    gc.disable()  # freed by its reference count alone: no cycle through the callback
    try:
        del page
        assert gone() is None
    finally:
        gc.enable()
    report(2)  # a late report for a page that is gone: dropped, no error
    qtbot.wait(50)
