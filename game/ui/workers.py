"""Background work: one job type for everything that runs off the GUI thread.

:class:`Job` runs ``work(progress, cancelled)`` on Qt's global thread pool:
``progress(done, total)`` may be called from the worker, ``cancelled()``
tells it to stop. Its signals (``progress``, ``done``, ``failed`` with the
exception, then ``finished``) arrive on the GUI thread. Resuming a session,
loading the library, the Studio's live check and balance report, what-ifs,
cohorts and exports all use it; :func:`run_in_background` is the short form
for work that has no progress and cannot be cancelled.

A job whose owner (the widget that started it) was deleted while it ran
reports to nobody, rather than to a dead object.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

__all__ = ["Job", "JobSignals", "failure_text", "run_in_background"]

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]


def failure_text(exc: BaseException) -> str:
    """A failure in one line for a status bar (the traceback stays on the exception)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class JobSignals(QObject):
    """A job's signals; they live on the GUI thread.

    Signals:
        progress(done, total)
        done(result)
        failed(exception): its ``__traceback_text__`` holds the worker's traceback.
        finished(): after ``done`` or ``failed``.
    """

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)
    finished = Signal()


class _Runner(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.setAutoDelete(True)

    def run(self) -> None:
        job = self.job
        try:
            result = job.work(job.signals.progress.emit, job.stop.is_set)
        except Exception as exc:  # reported to the GUI thread, never swallowed
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            job.signals.failed.emit(exc)
        else:
            job.signals.done.emit(result)
        finally:
            job.ended.set()
            job.signals.finished.emit()


class Job:
    """A background job with progress and cancel.

    Args:
        work: ``work(progress, cancelled) -> result``, run on a worker thread.
        parent: Owner of the signal object (a widget: when it is deleted,
            the signals go with it).

    Attributes:
        signals: See :class:`JobSignals`.
    """

    _live: set[Job] = set()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        self.work = work
        self.signals = JobSignals(parent)
        self.stop = threading.Event()
        self.ended = threading.Event()

    def start(self, pool: QThreadPool | None = None) -> Job:
        """Run the job on the pool (the global one by default)."""
        Job._live.add(self)  # kept alive until it reports
        self.signals.finished.connect(lambda: Job._live.discard(self))
        (pool or QThreadPool.globalInstance()).start(_Runner(self))
        return self

    def cancel(self) -> None:
        """Ask the worker to stop at its next check."""
        self.stop.set()

    @property
    def cancelled(self) -> bool:
        return self.stop.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker has returned (shutdown and tests only)."""
        return self.ended.wait(timeout)


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    pool: QThreadPool | None = None,
) -> Job:
    """Run ``fn()`` as a job; call back on the GUI thread.

    A callback bound to a widget that was deleted meanwhile is not called.
    """
    job = Job(lambda _progress, _cancelled: fn())

    def deliver(callback: Callable[[Any], None], value: Any) -> None:
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject) and not isValid(owner):
            return  # its window was closed while the work ran; nobody is left to tell
        callback(value)

    job.signals.done.connect(lambda value: deliver(on_done, value))
    job.signals.failed.connect(lambda exc: deliver(on_failed, exc))
    return job.start(pool)
