"""Run debrief work (what-ifs, exports, cohorts) off the GUI thread.

:class:`Job` wraps a function ``fn(progress, cancelled)`` and runs it on Qt's
global thread pool. ``progress(done, total)`` may be called from the worker;
``cancelled()`` tells the worker to stop. The signals arrive on the GUI thread.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class JobSignals(QObject):
    """Signals of a job; they live on the GUI thread."""

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)


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
            job.signals.failed.emit(f"{exc}\n\n{traceback.format_exc()}")
        else:
            job.signals.done.emit(result)
        finally:
            job.finished.set()


class Job:
    """A cancellable background job with progress.

    Attributes:
        signals: ``progress(done, total)``, ``done(result)``, ``failed(message)``.
    """

    _live: set[Job] = set()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        """Prepare a job (call :meth:`start` to run it).

        Args:
            work: ``work(progress, cancelled) -> result``.
            parent: Owner of the signal object.
        """
        self.work = work
        self.signals = JobSignals(parent)
        self.stop = threading.Event()
        self.finished = threading.Event()

    def start(self, pool: QThreadPool | None = None) -> Job:
        """Run the job on the pool (the global one by default)."""
        Job._live.add(self)
        self.signals.done.connect(lambda _r: Job._live.discard(self))
        self.signals.failed.connect(lambda _m: Job._live.discard(self))
        (pool or QThreadPool.globalInstance()).start(_Runner(self))
        return self

    def cancel(self) -> None:
        """Ask the worker to stop at its next check."""
        self.stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker has returned (tests and shutdown only)."""
        return self.finished.wait(timeout)
