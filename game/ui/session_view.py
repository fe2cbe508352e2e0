"""One session on screen: play, consequences and ending, switched by the controller's signals.

``SessionView(controller)`` is everything a trainee sees of a running
session; the main window shows it, and the facilitator console can show a
second one (or its parts) on the same controller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from .consequences_view import ConsequencesView
from .end_view import EndView
from .play_view import PlayView

if TYPE_CHECKING:
    from .controller import SessionController


class SessionView(QStackedWidget):
    """Play → Consequences → (Play …) → End for one controller.

    Signals:
        debriefRequested(session_id), homeRequested(), againRequested()
    """

    debriefRequested = Signal(str)
    homeRequested = Signal()
    againRequested = Signal()

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.play = PlayView(controller)
        self.consequences = ConsequencesView(controller)
        self.end = EndView(controller)
        for page in (self.play, self.consequences, self.end):
            self.addWidget(page)
        controller.turnReady.connect(lambda _v: self.show_page(self.play))
        controller.resultReady.connect(lambda _r: self.show_page(self.consequences))
        self.consequences.continued.connect(self._continue)
        self.end.debriefRequested.connect(self.debriefRequested)
        self.end.homeRequested.connect(self.homeRequested)
        self.end.againRequested.connect(self.againRequested)
        from .team_play import attach_team_play

        # Hot-seat team play: role banner, hand-over cover, votes; the clock's warning.
        attach_team_play(self.play, self.consequences, controller)
        if controller.stage == "consequences" and controller.last_result is not None:
            self.consequences.show_result(controller.last_result)
            self.show_page(self.consequences)
        elif controller.stage == "ended":
            self.show_page(self.end)

    def focus_first(self) -> None:
        page = self.currentWidget()
        if page is not None and hasattr(page, "focus_first"):
            page.focus_first()

    def show_page(self, page: QWidget) -> None:
        self.setCurrentWidget(page)
        page.focus_first()  # type: ignore[attr-defined]

    def _continue(self) -> None:
        if self.controller.stage == "ended":
            self.show_page(self.end)
        else:
            self.controller.proceed()

    def page_name(self) -> str:
        return {self.play: "play", self.consequences: "consequences",
                self.end: "end"}.get(self.currentWidget(), "")  # type: ignore[arg-type]

    def retint(self) -> None:
        self.play.retint()
