"""The end screen: how the crisis ended, the score and its parts, the objectives.

Buttons lead to the debrief (the debrief window when it exists, else the
session's timeline from the journal), a new session, or home.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QPushButton, QVBoxLayout, QWidget

from .present import RATING_LABELS, RATING_LETTERS
from .widgets import ScrollColumn, clear_layout, hbox, label, pill, px

if TYPE_CHECKING:
    from game.engine import Outcome

    from .controller import SessionController

RATING_TONES = {"P": "good", "S": "good", "M": "waiting", "U": "bad", None: "neutral"}
ENDING_TONES = {"good": "good", "bad": "bad", "mixed": "mixed"}


class EndView(QWidget):
    """Shows the ``ended`` outcome; its buttons emit requests for the window to act on."""

    debriefRequested = Signal(str)
    homeRequested = Signal()
    againRequested = Signal()

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("page")
        self.setAccessibleName("Ending")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.list_area = ScrollColumn(spacing=0, margins=(0, 0, 0, 0))
        outer.addWidget(self.list_area, 1)
        self.page = QWidget()
        self.page.setMaximumWidth(px(980))
        self.page.setMinimumWidth(min(px(760), 900))
        self.body = QVBoxLayout(self.page)
        self.body.setContentsMargins(24, 22, 24, 22)
        self.body.setSpacing(12)
        self.list_area.body.addLayout(hbox(None, self.page, None))
        self.list_area.body.addStretch(1)
        footer = QFrame()
        footer.setProperty("header", True)
        self.home_button = QPushButton("Back to home")
        self.home_button.setObjectName("home")
        self.home_button.clicked.connect(self.homeRequested)
        self.home_button.setToolTip("Back to the scenario list and the saved sessions")
        self.again_button = QPushButton("Play again")
        self.again_button.setObjectName("again")
        self.again_button.setAccessibleName("Play this scenario again")
        self.again_button.clicked.connect(self.againRequested)
        self.again_button.setToolTip("Set up a new session of this scenario for the same trainee")
        self.debrief_button = QPushButton("Open debrief  ⏎")
        self.debrief_button.setObjectName("debrief")
        self.debrief_button.setProperty("primary", True)
        self.debrief_button.setAccessibleName("Open the debrief of this session")
        self.debrief_button.setMinimumWidth(200)
        self.debrief_button.clicked.connect(self._debrief)
        self.debrief_button.setToolTip("Timeline, charts, score, expert and historical paths, "
                                       "what-ifs and the after-action report (Enter)")
        for button in (self.home_button, self.again_button, self.debrief_button):
            button.setAutoDefault(True)  # Enter presses the focused button
        footer.setLayout(hbox(self.home_button, self.again_button, None, self.debrief_button,
                              spacing=10, margins=(18, 10, 18, 10)))
        outer.addWidget(footer)
        self.ending_title = label("", "h1")
        self.ending_title.setAccessibleName("Ending")
        controller.ended.connect(self.show_outcome)
        if controller.outcome is not None:
            self.show_outcome(controller.outcome)

    def show_outcome(self, outcome: Outcome) -> None:
        clear_layout(self.body)
        session = self.controller.session
        assert session is not None
        scenario = session.scenario
        ending = next((e.ending for e in scenario.endings if e.ending.id == outcome.ending_id),
                      None)
        add = self.body.addWidget
        add(label("THE CRISIS ENDS", "eyebrow"))
        self.ending_title = label(outcome.title, "h1", tone=ENDING_TONES.get(outcome.tone, "mixed"))
        self.ending_title.setAccessibleName(f"Ending: {outcome.title}")
        add(self.ending_title)
        if ending is not None:
            add(label(ending.text, "body", selectable=True))

        # Score with its parts.
        score = QFrame()
        score.setProperty("panel", True)
        grid = QGridLayout(score)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        from game.engine.scoring import format_score

        self.score = label(format_score(outcome.score), "big", wrap=False)
        self.score.setAccessibleName(f"Score: {format_score(outcome.score)} out of 100")
        grid.addWidget(label("SCORE", "eyebrow"), 0, 0)
        grid.addLayout(hbox(self.score, label("/ 100", "muted", wrap=False), None,
                            spacing=6), 1, 0, 1, 4)
        row = 2
        for part in outcome.parts:
            name = label(part.label, None, wrap=False)
            points = label(f"{part.points:.1f} / {part.max_points:.0f}", None, wrap=False)
            points.setAlignment(Qt.AlignmentFlag.AlignRight)
            detail = label(part.detail, "muted")
            top = Qt.AlignmentFlag.AlignTop
            grid.addWidget(name, row, 0, top)
            grid.addWidget(points, row, 1, top | Qt.AlignmentFlag.AlignRight)
            grid.addWidget(detail, row, 2, top)
            row += 1
        grid.setColumnStretch(2, 1)
        add(score)

        # Objectives, rated P/S/M/U.
        objectives = QFrame()
        objectives.setProperty("panel", True)
        obj = QGridLayout(objectives)
        obj.setContentsMargins(16, 12, 16, 12)
        obj.setHorizontalSpacing(12)
        obj.setVerticalSpacing(8)
        obj.addWidget(label("LEARNING OBJECTIVES", "eyebrow"), 0, 0, 1, 3)
        for i, objective in enumerate(scenario.model.objectives, start=1):
            rating = outcome.ratings.get(objective.id)
            badge = pill(RATING_LETTERS.get(rating, "–"), RATING_TONES.get(rating, "neutral"))
            badge.setMinimumWidth(26)
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            text = label(objective.text, "body")
            verdict = label(RATING_LABELS.get(rating, ""), "muted", wrap=False)
            obj.addWidget(badge, i, 0, Qt.AlignmentFlag.AlignTop)
            obj.addWidget(text, i, 1)
            obj.addWidget(verdict, i, 2, Qt.AlignmentFlag.AlignTop)
            text.setAccessibleName(f"{objective.text}: {RATING_LABELS.get(rating, '')}")
        obj.setColumnStretch(1, 1)
        add(objectives)
        add(label("P performed · S some challenges · M major challenges · U unable "
                  "(HSEEP ratings). The debrief explains each one.", "muted"))
        self.body.addStretch(1)

    def focus_first(self) -> None:
        self.debrief_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _debrief(self) -> None:
        if self.controller.session_id:
            self.debriefRequested.emit(self.controller.session_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._debrief()
            event.accept()
            return
        super().keyPressEvent(event)
