"""The consequences screen: what followed the last choice, in plain words.

In reading order: the choice (and why), the counterpart's answer or its
silence, what happened, each meter change with its cause, channel changes;
then, as the clock moves on, late answers and the new messages. Continue
(Enter) goes to the next decision, or to the ending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QPushButton, QVBoxLayout, QWidget

from . import theme
from .channel_board import ChannelBoard
from .meters_view import MeterPanel
from .present import (
    KIND_LABELS,
    CallView,
    ConsequenceView,
    MeterChangeView,
    consequence_view,
    format_clock,
    format_delta,
    format_value,
)
from .widgets import ScrollColumn, clear_layout, hbox, icon_label, label, pill

if TYPE_CHECKING:
    from game.engine import TurnResult

    from .controller import SessionController


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else ""


class ConsequencesView(QWidget):
    """Shows ``resultReady``'s change record; Continue asks the controller to proceed."""

    continued = Signal()

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("page")
        self.setAccessibleName("Consequences")
        self.view: ConsequenceView | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        columns = hbox(spacing=16, margins=(14, 0, 14, 0))
        self.scroll = ScrollColumn(spacing=12, margins=(0, 0, 0, 0))
        columns.addWidget(self.scroll, 1)
        self.page = QWidget()
        self.page.setMaximumWidth(820)
        self.body = QVBoxLayout(self.page)
        self.body.setContentsMargins(18, 20, 18, 22)
        self.body.setSpacing(12)
        self.scroll.body.addLayout(hbox(None, self.page, None))
        self.scroll.body.addStretch(1)
        # The channels and meters as they stand now, beside the story of the turn.
        side = ScrollColumn(spacing=10, margins=(0, 14, 4, 14))
        side.setMinimumWidth(340)
        side.setMaximumWidth(400)
        self.board = ChannelBoard(controller)
        self.meters = MeterPanel(controller)
        side.body.addWidget(self.board)
        side.body.addWidget(self.meters)
        side.body.addStretch(1)
        self.side = side
        columns.addWidget(side, 0)
        outer.addLayout(columns, 1)
        footer = QFrame()
        footer.setProperty("header", True)
        self.continue_button = QPushButton("Continue")
        self.continue_button.setObjectName("continue")
        self.continue_button.setProperty("primary", True)
        self.continue_button.setMinimumWidth(220)
        self.continue_button.setAccessibleName("Continue to the next decision")
        self.continue_button.clicked.connect(self.go_on)
        self.footer_hint = label("Press Enter to continue.", "muted", wrap=False)
        footer_row = hbox(None, self.footer_hint, self.continue_button, spacing=14,
                          margins=(18, 10, 18, 10))
        footer.setLayout(footer_row)
        outer.addWidget(footer)
        controller.resultReady.connect(self.show_result)
        controller.ended.connect(lambda _o: self._set_continue_text())

    # -- showing ------------------------------------------------------------
    def show_result(self, result: TurnResult) -> None:
        ctrl = self.controller
        view = consequence_view(ctrl.scenario, result.events, roles=ctrl.roles)
        self.view = view
        clear_layout(self.body)
        add = self.body.addWidget
        add(label("WHAT HAPPENED", "eyebrow"))
        if view.timed_out:
            add(label("Time ran out.", "h1", tone="bad"))
            add(label(f"No decision was taken in time, so the situation developed as if you had "
                      f"chosen “{view.decision_label}”.", "body"))
        elif view.decision_label:
            add(label(f"You chose: {view.decision_label}", "h1"))
        kind = KIND_LABELS.get(view.decision_kind, "")
        meta = " · ".join(x for x in (kind, f"via {view.channel_label}" if view.channel_label
                                      else "") if x)
        if meta:
            add(label(meta, "muted"))
        if view.rationale:
            add(label(f"Your reasoning: “{view.rationale}”", "body"))

        self._section("The counterpart")
        if view.calls:
            for call in view.calls:
                add(self._call_card(call))
        else:
            add(label("You did not call this turn, and the counterpart sent nothing.", "muted"))

        if view.outcomes:
            self._section("What followed")
            for text in view.outcomes:
                add(label(text, "body"))

        self._section("Changes and why")
        if view.meter_changes or view.channel_changes:
            add(self._changes_grid(view.meter_changes, view))
        else:
            add(label("No visible change.", "muted"))

        if view.next_title or view.later_calls or view.injects or view.later_changes:
            when = format_clock(view.next_clock) if view.next_clock else ""
            self._section(f"Then — {when}" if when else "Then")
            if view.next_title:
                add(label(view.next_title, "h3"))
            for call in view.later_calls:
                add(self._call_card(call))
            if view.later_changes:
                add(self._changes_grid(view.later_changes, None))
            for item in view.injects:
                from .inject_feed import FeedCard

                add(FeedCard(item, fresh=True))
        if view.ending_title:
            self._section("The crisis ends")
            tone = {"good": "good", "bad": "bad"}.get(view.ending_tone, "mixed")
            add(label(view.ending_title, "h2", tone=tone))
            add(label(view.ending_text, "body"))
        self.body.addStretch(1)
        self._set_continue_text()
        self.scroll.verticalScrollBar().setValue(0)
        if self.isVisible():
            self.focus_first()

    def focus_first(self) -> None:
        self.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_continue_text(self) -> None:
        if self.controller.stage == "ended" or (self.view and self.view.ending_title):
            self.continue_button.setText("See how it ended  ⏎")
            self.continue_button.setAccessibleName("See how the crisis ended")
        else:
            self.continue_button.setText("Continue to the next decision  ⏎")
            self.continue_button.setAccessibleName("Continue to the next decision")

    def _section(self, title: str) -> None:
        self.body.addSpacing(4)
        self.body.addWidget(label(title.upper(), "eyebrow"))

    def _call_card(self, call: CallView) -> QFrame:
        frame = QFrame()
        frame.setProperty("panel", True)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(4)
        color = theme.tone_color(self.palette(), call.tone).name()
        status = pill(call.status_label, call.tone)
        title = ("Late answer on " if call.late else "Your call on ") + call.channel_label
        layout.addLayout(hbox(icon_label(f"status-{call.status}", color, 20), label(title, "h3"),
                              None, status, spacing=8))
        if call.text:
            layout.addWidget(label(call.text, "body"))
        if call.status in ("unanswered", "declined"):
            layout.addWidget(label("Silence or a refusal is itself a signal; the channel board "
                                   "shows how long the line has gone unanswered.", "muted"))
        elif call.status == "ringing":
            layout.addWidget(label("The request is with them. An answer may come in a later "
                                   "turn — or never.", "muted"))
        frame.setAccessibleName(f"{title}: {call.status_label}. {call.text}")
        return frame

    def _changes_grid(self, changes: list[MeterChangeView], view: ConsequenceView | None) -> QFrame:
        frame = QFrame()
        frame.setProperty("panel", True)
        grid = QGridLayout(frame)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        row = 0
        for col, title in enumerate(("", "", "", "WHY")):
            if title:
                grid.addWidget(label(title, "eyebrow", wrap=False), row, col)
        row += 1
        for change in changes:
            tone = "good" if change.good else "bad"
            name = label(change.label, "h3", wrap=False)
            values = label(f"{format_value(change.before)} → {format_value(change.after)}", None,
                           wrap=False)
            delta = label(format_delta(change.delta), None, wrap=False, tone=tone)
            why = label(_capital(change.why), "muted")
            for col, widget in enumerate((name, values, delta, why)):
                grid.addWidget(widget, row, col, Qt.AlignmentFlag.AlignTop)
            name.setAccessibleName(
                f"{change.label} {format_value(change.before)} to {format_value(change.after)}, "
                f"{format_delta(change.delta)}, because of {change.why}")
            row += 1
        if view is not None:
            for cc in view.channel_changes:
                name = label(cc.channel_label, "h3", wrap=True)
                values = label(f"{cc.before_label} → {cc.after_label}", None, wrap=False)
                status = pill(cc.after_label, cc.tone)
                why = label(_capital(cc.why), "muted")
                for col, widget in enumerate((name, values, status, why)):
                    grid.addWidget(widget, row, col, Qt.AlignmentFlag.AlignTop)
                row += 1
        grid.setColumnStretch(3, 1)
        return frame

    # -- acting -------------------------------------------------------------
    def go_on(self) -> None:
        self.continued.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.go_on()
            event.accept()
            return
        super().keyPressEvent(event)

    def texts(self) -> list[str]:
        """Every text shown (for tests)."""
        from PySide6.QtWidgets import QLabel

        return [w.text() for w in self.page.findChildren(QLabel) if w.text()]
