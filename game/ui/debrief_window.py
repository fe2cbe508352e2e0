"""The Debrief window: the whole story of a recorded session.

Opened from the play window's End screen or from the session history::

    window = DebriefWindow(journal, session_id, scenario)
    window.show()
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from game.debrief.model import Debrief, format_clock
from game.debrief.source import OpenedDebrief, open_debrief
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario

TIMELINE_COLUMNS = ("Turn", "Clock", "Situation", "Injects", "Choice", "Rationale",
                    "Time to decide", "Counterpart", "Channels", "Facilitator")


class DebriefWindow(QWidget):
    """Debrief and after-action review of one session."""

    def __init__(self, journal: Journal, session_id: str,
                 scenario: CompiledScenario | None = None,
                 parent: QWidget | None = None) -> None:
        """Open the debrief of a session.

        Args:
            journal: The session journal.
            session_id: Id (or unique prefix) of the session.
            scenario: The scenario, if already loaded (else loaded from the
                path the journal recorded).
            parent: Parent widget.
        """
        super().__init__(parent)
        self.journal = journal
        self.opened: OpenedDebrief = open_debrief(journal, session_id, scenario)
        self.debrief: Debrief = self.opened.debrief
        d = self.debrief
        self.setWindowTitle(f"Debrief — {d.scenario_title} — {d.session_id}")
        layout = QVBoxLayout(self)
        header = QLabel(f"<b>{_esc(d.scenario_title)}</b> — ending: "
                        f"{_esc(d.ending_title or 'not ended')} — score "
                        f"{'' if d.score is None else f'{d.score:g}'}")
        layout.addWidget(header)
        for notice in d.notices:
            label = QLabel(_esc(notice))
            label.setWordWrap(True)
            layout.addWidget(label)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.timeline = QTableWidget(0, len(TIMELINE_COLUMNS))
        self.timeline.setHorizontalHeaderLabels(TIMELINE_COLUMNS)
        self.tabs.addTab(self.timeline, "Timeline")
        self._fill_timeline()
        self.resize(1200, 800)

    def _fill_timeline(self) -> None:
        turns = self.debrief.turns
        self.timeline.setRowCount(len(turns))
        for row, turn in enumerate(turns):
            d = turn.decision
            cells = (
                str(turn.index + 1),
                format_clock(turn.clock),
                turn.title,
                "\n".join(f"{i.sender}: {i.text}" for i in turn.injects),
                d.label if d else "",
                (d.rationale or "") if d else "",
                "" if d is None or d.seconds is None else f"{d.seconds:g} s",
                turn.answer,
                "\n".join(f"{c.label}: {c.before} → {c.after}" for c in turn.channel_changes),
                "\n".join(f"{f.action}: {f.text}" for f in turn.facilitator),
            )
            for col, text in enumerate(cells):
                self.timeline.setItem(row, col, QTableWidgetItem(text))
        self.timeline.resizeRowsToContents()


def _esc(text: str) -> str:
    from html import escape

    return escape(text)
