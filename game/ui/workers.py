"""Run slow work off the GUI thread and hand the result back as a signal.

``run_in_background(fn, on_done, on_failed)`` runs ``fn()`` on Qt's global
thread pool; the callbacks run on the GUI thread (the signal object lives
there, so the connection is queued).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid


class TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    """A function to run on a worker thread; ``signals`` reports the result."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = TaskSignals()
        self.setAutoDelete(False)  # we keep a reference until it reports

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # reported to the GUI thread, never swallowed
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


_RUNNING: set[Task] = set()


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    pool: QThreadPool | None = None,
) -> Task:
    """Run ``fn`` on a worker thread; call back on the GUI thread."""
    task = Task(fn)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _RUNNING.discard(task)
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject) and not isValid(owner):
            return  # its window was closed while the work ran; nobody is left to tell
        callback(value)

    task.signals.done.connect(lambda value: finish(on_done, value))
    task.signals.failed.connect(lambda exc: finish(on_failed, exc))
    _RUNNING.add(task)
    (pool or QThreadPool.globalInstance()).start(task)
    return task
