"""The play screen: clock and turn, the situation, messages, channels, meters, decision.

Layout at 1280×800: messages on the left, the situation and the decision in
the middle, the channel board and the meters on the right, so what the game
is about (who can be reached) is always in view. Every part is its own
widget taking the controller, so the facilitator console can reuse them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from . import theme
from .channel_board import ChannelBoard
from .decision_panel import DecisionPanel
from .inject_feed import InjectFeed
from .meters_view import MeterPanel
from .present import format_clock
from .widgets import ScrollColumn, hbox, icon_label, label, paint_icon, px, set_prop

if TYPE_CHECKING:
    from game.engine import TurnView

    from .controller import SessionController


def paused_by_facilitator(controller: SessionController) -> bool:
    session = controller.session
    return session is not None and session.paused_by == "facilitator"


PAUSED_TEXT = ("Paused — the scenario clock and the decision timer are stopped. "
               "Press P or Resume to carry on.")
HELD_TEXT = ("Paused by the facilitator — the scenario clock and the decision timer are "
             "stopped until the facilitator resumes.")


def format_seconds(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    return f"{minutes}:{secs:02d}"


class ClockBar(QFrame):
    """Decision number and title, the scenario clock, the decision timer and Pause."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setProperty("header", True)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 8, 18, 8)
        row.setSpacing(14)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.turn = label("", "eyebrow", wrap=False)
        self.title = label("", "h2", wrap=False)
        self.title.setAccessibleName("Situation title")
        titles.addWidget(self.turn)
        titles.addWidget(self.title)
        row.addLayout(titles, 1)
        self.clock_icon = icon_label("clock", None, 18)
        self.clock = label("", "clock", wrap=False)
        self.clock.setAccessibleName("Scenario clock")
        self.clock.setToolTip("Scenario time: the date and time in the crisis")
        row.addLayout(hbox(self.clock_icon, self.clock, spacing=6))
        row.addSpacing(10)
        self.timer_icon = icon_label("wait", None, 18)
        self.timer = label("", "clock", wrap=False)
        self.timer.setAccessibleName("Decision timer")
        self.timer.setMinimumWidth(px(110))
        self.timer.setToolTip("Time left for this decision (real time). When it runs out, the "
                              "scenario decides what happens.")
        row.addLayout(hbox(self.timer_icon, self.timer, spacing=6))
        self.pause = QPushButton("Pause")
        self.pause.setObjectName("pause")
        self.pause.setAccessibleName("Pause the session")
        self.pause.setToolTip("Pause the scenario and the decision timer (P)")
        self.pause.clicked.connect(self.toggle_pause)
        row.addWidget(self.pause)
        controller.turnReady.connect(self.show_turn)
        controller.clock.ticked.connect(self.show_timer)
        controller.pausedChanged.connect(self.show_paused)
        controller.resultReady.connect(lambda _r: self.timer.setText(""))
        view = controller.current()
        if view is not None:
            self.show_turn(view)
        self.show_paused(controller.paused)

    def show_turn(self, view: TurnView) -> None:
        self.turn.setText(f"DECISION {view.turn + 1}")
        self.title.setText(view.title)
        self.clock.setText(format_clock(view.time))
        self.limit = view.time_limit
        self.show_timer(view.time_limit or -1)

    def show_timer(self, remaining: int) -> None:
        if self.controller.stage != "deciding":
            self.timer.setText("")
            self.timer_icon.hide()
            return
        if remaining < 0:
            self.timer.setText("No time limit")
            self.timer_icon.hide()
            set_prop(self.timer, "timer", "none")
            self.timer.setAccessibleName("Decision timer: no time limit")
            return
        self.timer_icon.show()
        self.timer.setText(f"{format_seconds(remaining)} left")
        state = "urgent" if remaining <= 10 else "warning" if remaining <= 30 else "normal"
        set_prop(self.timer, "timer", state)
        color = theme.tone_color(self.palette(), {"urgent": "bad", "warning": "waiting"}.get(
            state, "text"))
        paint_icon(self.timer_icon, "wait", color.name(), 18)
        self.timer.setAccessibleName(f"Decision timer: {remaining} seconds left")

    def show_paused(self, paused: bool) -> None:
        held = paused_by_facilitator(self.controller)
        self.pause.setText("Paused by the facilitator" if held else
                           "Resume" if paused else "Pause")
        self.pause.setAccessibleName(
            "Paused by the facilitator; only the facilitator can resume" if held else
            "Resume the session" if paused else "Pause the session")
        self.pause.setEnabled(not held)
        self.pause.setToolTip("The facilitator paused the session and will resume it" if held
                              else "Pause the scenario and the decision timer (P)")
        set_prop(self.pause, "primary", paused and not held)

    def toggle_pause(self) -> None:
        if paused_by_facilitator(self.controller):
            return  # the facilitator's pause is the facilitator's to lift (the banner says so)
        self.controller.set_paused(not self.controller.paused)

    def retint(self) -> None:
        paint_icon(self.clock_icon, "clock", None, 18)


class PlayView(QWidget):
    """The whole play screen for one controller."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("page")
        self.setAccessibleName("Play")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.clock_bar = ClockBar(controller)
        outer.addWidget(self.clock_bar)
        self.paused_banner = QFrame()
        self.paused_banner.setProperty("banner", "paused")
        banner = QHBoxLayout(self.paused_banner)
        banner.setContentsMargins(12, 6, 12, 6)
        self.paused_text = label(PAUSED_TEXT, None)
        self.paused_text.setObjectName("paused-text")
        banner.addWidget(self.paused_text)
        wrap = QHBoxLayout()
        wrap.setContentsMargins(14, 8, 14, 0)
        wrap.addWidget(self.paused_banner)
        outer.addLayout(wrap)
        self.paused_banner.hide()

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.setHandleWidth(10)
        # Left: the situation, then the messages.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(10)
        self.brief_panel = QFrame()
        self.brief_panel.setProperty("panel", True)
        brief_layout = QVBoxLayout(self.brief_panel)
        brief_layout.setContentsMargins(14, 10, 8, 10)
        brief_layout.setSpacing(4)
        brief_layout.addWidget(label("THE SITUATION", "eyebrow"))
        self.brief = label("", "body", selectable=True)
        self.brief.setAccessibleName("Situation brief")
        brief_scroll = ScrollColumn(margins=(0, 0, 6, 0))
        brief_scroll.body.addWidget(self.brief)
        brief_scroll.body.addStretch(1)
        self.brief_scroll = brief_scroll
        brief_layout.addWidget(brief_scroll)
        left_layout.addWidget(self.brief_panel, 0)
        self.feed = InjectFeed(controller)
        left_layout.addWidget(self.feed, 1)
        self.left = left
        # Middle: the decision.
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        self.decision = DecisionPanel(controller)
        middle_layout.addWidget(self.decision, 1)
        # Right: channels and meters.
        right = ScrollColumn(spacing=10, margins=(0, 0, 8, 0))
        self.board = ChannelBoard(controller)
        self.meters = MeterPanel(controller)
        right.body.addWidget(self.board)
        right.body.addWidget(self.meters)
        right.body.addStretch(1)
        self.right = right
        for pane in (left, middle, right):
            splitter.addWidget(pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([360, 500, 370])
        self.splitter = splitter
        self._user_split = False
        splitter.splitterMoved.connect(lambda _pos, _index: self._split_moved())
        body = QHBoxLayout()
        body.setContentsMargins(14, 10, 14, 14)
        body.addWidget(splitter)
        outer.addLayout(body, 1)
        controller.turnReady.connect(self.show_turn)
        controller.pausedChanged.connect(self._show_paused)
        view = controller.current()
        if view is not None:
            self.show_turn(view)
        self._show_paused(controller.paused)

    def _show_paused(self, paused: bool) -> None:
        self.paused_text.setText(HELD_TEXT if paused_by_facilitator(self.controller)
                                 else PAUSED_TEXT)
        self.paused_banner.setVisible(paused)

    def show_turn(self, view: TurnView) -> None:
        self.brief.setText(view.brief.strip())
        self.brief_scroll.verticalScrollBar().setValue(0)
        self._fit_brief()
        if self.isVisible():
            self.focus_first()

    def focus_first(self) -> None:
        self.decision.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit_brief(self) -> None:
        """The brief takes the height it needs, up to 45% of the column; it scrolls beyond."""
        self.brief.ensurePolished()  # the style sheet's font, not the default one
        width = self.brief_scroll.viewport().width() - 6
        if width <= 0:
            return
        needed = self.brief.heightForWidth(width) + 8
        cap = max(120, int(self.left.height() * 0.45))
        self.brief_scroll.setFixedHeight(max(40, min(needed, cap)))

    def _split_moved(self) -> None:
        self._user_split = True
        self._fit_brief()

    def _apportion(self) -> None:
        """Share the width between the columns; on a narrow screen the decision gets more."""
        if self._user_split:
            return
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        share = (0.27, 0.46, 0.27) if total < 1200 else (0.29, 0.41, 0.30)
        sizes = [int(total * f) for f in share]
        sizes[1] += total - sum(sizes)
        self.splitter.setSizes(sizes)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apportion()
        self._fit_brief()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_brief()
        QTimer.singleShot(0, self._fit_brief)  # again once the layout has settled

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.decision.handle_key(event):
            event.accept()
            return
        if event.key() == Qt.Key.Key_P and not event.modifiers():
            self.clock_bar.toggle_pause()
            event.accept()
            return
        super().keyPressEvent(event)

    def retint(self) -> None:
        self.clock_bar.retint()
        self.feed.shown = []
        self.feed.refresh()
        self.decision.retint()
        self.board.refresh()

