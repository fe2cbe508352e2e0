"""The decision clock's warning on the trainees' screen.

The clock bar already counts down; in the last :data:`WARN_AT` seconds this
banner says so in words a room can read, and states the scenario's rule for
a time-out (which option is taken), so running out is never a surprise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from .widgets import icon_label, label, set_prop

if TYPE_CHECKING:
    from .controller import SessionController

WARN_AT = 30
URGENT_AT = 10


class TimeWarning(QFrame):
    """Shown while a decision has ``WARN_AT`` seconds or fewer left (and is not paused)."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("time-warning")
        self.setProperty("banner", "paused")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(8)
        row.addWidget(icon_label("wait", None, 18))
        self.text = label("", "h3")
        self.text.setObjectName("time-warning-text")
        row.addWidget(self.text, 1)
        self.remaining = -1
        self.hide()
        controller.clock.ticked.connect(self.show_remaining)
        controller.resultReady.connect(lambda _r: self.hide())
        controller.pausedChanged.connect(lambda _p: self.show_remaining(self.remaining))

    def show_remaining(self, remaining: int) -> None:
        self.remaining = remaining
        ctrl = self.controller
        session = ctrl.session
        if (remaining < 0 or remaining > WARN_AT or ctrl.stage != "deciding" or ctrl.paused
                or session is None or session.ended or not session.available()):
            self.hide()
            return
        option = session.scenario.option(session.node, session.timeout_option()).option.label
        seconds = "1 second" if remaining == 1 else f"{remaining} seconds"
        text = f"{seconds} left. When time runs out, the scenario takes “{option}”"
        text += " and the votes cast so far are dropped." if ctrl.votes else "."
        self.text.setText(text)
        self.setAccessibleName(text)
        set_prop(self.text, "tone", "bad" if remaining <= URGENT_AT else "waiting")
        self.show()
