"""A session's timeline, rebuilt from the journal: the debrief's stand-in.

Shown by "Open debrief" when the full debrief window is not available. It
reopens the session through the recorded-session service (on the scenario
it was played on, which the journal keeps) and lists what happened, oldest
first, in the trainee's words (nothing hidden is shown): each situation, message, decision (with its
rationale and time taken), the counterpart's answers, meter changes with
their causes, and the ending. Only when no copy of the scenario exists are
the raw recorded inputs listed instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .present import TimelineRow, format_short, timeline_rows
from .widgets import hbox, label

if TYPE_CHECKING:
    from game.records.journal import Journal
    from game.scenario.compile import CompiledScenario


class TimelineWindow(QWidget):
    """A top-level window listing one session's events from the journal."""

    def __init__(self, journal: Journal, session_id: str,
                 scenario: CompiledScenario | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        from game.engine import EngineError
        from game.sessions import ScenarioUnavailable, SessionService

        record = journal.session(session_id)
        self.setWindowTitle(f"Timeline — {record.scenario_title} — {record.id}")
        self.setObjectName("page")
        self.setAccessibleName("Session timeline")
        from .screen_fit import fit_window

        fit_window(self, 980, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(label("SESSION TIMELINE", "eyebrow"))
        layout.addWidget(label(record.scenario_title, "h2"))
        facts = [record.trainee or "Unnamed trainee", f"session {record.id}", f"seed {record.seed}"]
        if record.ended:
            facts.append(f"ending: {record.ending_title}")
            if record.score is not None:
                from game.engine.scoring import format_score

                facts.append(f"score {format_score(record.score)}")
        else:
            facts.append("not finished")
        layout.addWidget(label("  ·  ".join(facts), "muted"))
        self.tree = QTreeWidget()
        self.tree.setObjectName("timeline")
        self.tree.setAccessibleName("Timeline of the session")
        self.tree.setHeaderLabels(["Time", "Decision", "What", "Details"])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.rows: list[TimelineRow] = []
        service = SessionService(journal)
        try:
            with service.open(record.id, scenario=scenario) as opened:
                self.rows = timeline_rows(opened.scenario, opened.session.events)
                version = opened.version
        except (ScenarioUnavailable, EngineError) as exc:
            layout.addWidget(label(f"{exc} Only the recorded inputs are listed.", "body",
                                   tone="bad"))
            for i, data in enumerate(journal.inputs(record.id), start=1):
                QTreeWidgetItem(self.tree, ["", str(i), str(data.get("type", "")),
                                            ", ".join(f"{k}: {v}" for k, v in data.items()
                                                      if k != "type")])
        else:
            if version.edited or version.missing:
                layout.addWidget(label(f"This session was {version.describe()}; the timeline "
                                       "replays it on that version.", "muted"))
            for row in self.rows:
                QTreeWidgetItem(self.tree, [format_short(row.clock), str(row.turn + 1), row.kind,
                                            row.text])
        for col in range(3):
            self.tree.resizeColumnToContents(col)
        layout.addWidget(self.tree, 1)
        layout.addWidget(label("This is the session's timeline from the journal. The full "
                               "debrief (after-action review, comparison with the expert and "
                               "historical paths) opens here when it is installed.", "muted"))
        close = QPushButton("Close")
        close.setObjectName("close")
        close.clicked.connect(self.close)
        layout.addLayout(hbox(None, close))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)
