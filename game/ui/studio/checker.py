"""Live validation and lint of the editor's text, debounced and off the GUI thread.

Each edit restarts a short timer; when typing pauses, the text is validated
and linted on a worker thread. Only the newest result is reported: a result
for text that has since changed is dropped, and at most one check runs at a
time (the latest text waits its turn).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from game.ui.workers import run_in_background

DEBOUNCE_MS = 350


@dataclass(frozen=True)
class CheckResult:
    """One finished check.

    Attributes:
        generation: Which edit it belongs to (increases with every schedule).
        text: The text that was checked.
        result: Validation and lint (``game.scenario.lint.LintResult``).
        seconds: How long the check took.
    """

    generation: int
    text: str
    result: object
    seconds: float


def _check(text: str, filename: str, generation: int) -> CheckResult:
    from game.scenario.lint import lint_text

    started = time.perf_counter()
    result = lint_text(text, filename)
    return CheckResult(generation, text, result, time.perf_counter() - started)


class LiveChecker(QObject):
    """Checks text some time after the last edit; reports on the GUI thread.

    Signals:
        started(): A check began (show "checking…").
        checked(CheckResult): The newest text was checked.
        failed(str): The checker itself failed (a bug; the message says what).
    """

    started = Signal()
    checked = Signal(object)
    failed = Signal(str)

    def __init__(self, delay_ms: int = DEBOUNCE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._run)
        self._generation = 0
        self._text = ""
        self._filename = "<scenario>"
        self._running = False
        self._again = False
        self.last: CheckResult | None = None

    @property
    def busy(self) -> bool:
        """Whether a check is running or waiting for typing to pause."""
        return self._running or self._timer.isActive()

    def schedule(self, text: str, filename: str) -> None:
        """Check ``text`` once typing has paused."""
        self._generation += 1
        self._text = text
        self._filename = filename
        self._timer.start()

    def check_now(self, text: str, filename: str) -> None:
        """Check ``text`` as soon as possible (no debounce)."""
        self._generation += 1
        self._text = text
        self._filename = filename
        self._timer.stop()
        self._run()

    def _run(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        self._again = False
        generation, text, filename = self._generation, self._text, self._filename
        self.started.emit()
        run_in_background(lambda: _check(text, filename, generation), self._done, self._failed)

    def _done(self, outcome: CheckResult) -> None:
        self._running = False
        if outcome.generation == self._generation:
            self.last = outcome
            self.checked.emit(outcome)
        elif not self._timer.isActive():
            self._run()
            return
        if self._again and not self._timer.isActive():
            self._run()

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        self.failed.emit(f"The live check failed: {exc}")
        if self._again:
            self._run()
