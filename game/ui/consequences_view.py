"""The consequences screen: what followed the last choice, in plain words.

In reading order: the choice (and why), the counterpart's answer or its
silence, what happened, each meter change with its cause, channel changes;
then, as the clock moves on, late answers and the new messages. Beside it,
the channel board and the meters as they now stand. Continue (Enter) goes to
the next decision, or to the ending.

The story is one rich-text document (a read-only QTextBrowser) rather than
dozens of labels: it is built in a few milliseconds each turn, scrolls as one
page, and a screen reader reads it top to bottom. All scenario text is
HTML-escaped before it goes in.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QTextDocument
from PySide6.QtWidgets import QFrame, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from game.engine.describe import role_title
from game.engine.events import DecisionTaken

from . import theme
from .channel_board import ChannelBoard
from .meters_view import MeterPanel
from .present import (
    KIND_LABELS,
    CallView,
    ConsequenceView,
    FeedItem,
    MeterChangeView,
    consequence_view,
    format_clock,
    format_delta,
    format_short,
    format_value,
)
from .widgets import ScrollColumn, hbox, label, px

if TYPE_CHECKING:
    from game.engine import TurnResult

    from .controller import SessionController

TONE_KEYS = {"good": "good", "bad": "bad", "waiting": "warn", "neutral": "muted", "mixed": "warn"}
SOFT_KEYS = {"good": "good_soft", "bad": "bad_soft", "waiting": "warn_soft",
             "neutral": "neutral_soft", "mixed": "warn_soft"}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else ""


class ConsequenceDocument:
    """Builds the HTML of one turn's consequences in the current theme's colours."""

    def __init__(self, document: QTextDocument, colors: dict[str, str]) -> None:
        self.doc = document
        self.c = colors
        self.parts: list[str] = []

    # -- pieces --
    def icon(self, name: str, color: str, size: int = 18) -> str:
        url = f"icon:{name}/{color.lstrip('#')}/{size}"
        pixmap = theme.pixmap(name, color, size, 2.0)
        self.doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url),
                             pixmap.toImage())
        return f'<img src="{url}" width="{size}" height="{size}" style="vertical-align: middle">'

    def pill(self, text: str, tone: str) -> str:
        fg = self.c[TONE_KEYS.get(tone, "muted")]
        bg = self.c[SOFT_KEYS.get(tone, "neutral_soft")]
        return (f'<span style="background-color:{bg}; color:{fg}; font-weight:600;">'
                f'&nbsp;{escape(text)}&nbsp;</span>')

    def section(self, title: str) -> None:
        self.parts.append(
            f'<p style="margin-top:18px; margin-bottom:6px; color:{self.c["muted"]}; '
            f'font-size:8.5pt; font-weight:600; letter-spacing:1px;">{escape(title.upper())}</p>')

    def para(self, text: str, muted: bool = False, size: str = "10.5pt") -> None:
        color = f' color:{self.c["muted"]};' if muted else ""
        self.parts.append(f'<p style="margin:2px 0 6px 0; font-size:{size};{color}">'
                          f"{escape(text)}</p>")

    def card(self, inner: str, edge: str | None = None) -> None:
        """A bordered box (a one-cell table); ``edge`` draws a coloured left stripe."""
        border = self.c["border"]
        stripe = (f'<td width="4" style="background-color:{edge}; padding:0;"></td>'
                  if edge else "")
        self.parts.append(
            f'<table width="100%" cellspacing="0" cellpadding="0" '
            f'style="border: 1px solid {border}; border-style: solid; border-collapse: collapse; '
            f'background-color:{self.c["surface"]}; margin-bottom:8px;"><tr>{stripe}'
            f'<td style="padding:10px 12px 10px 12px; border: none;">{inner}</td></tr></table>')

    def call(self, call: CallView) -> None:
        tone_color = self.c[TONE_KEYS.get(call.tone, "muted")]
        title = ("Late answer on " if call.late else "Your call on ") + call.channel_label
        inner = (f'<table width="100%" cellspacing="0" cellpadding="0"><tr>'
                 f'<td width="26">{self.icon(f"status-{call.status}", tone_color, 20)}</td>'
                 f'<td><b style="font-size:11pt;">{escape(title)}</b></td>'
                 f'<td align="right">{self.pill(call.status_label, call.tone)}</td></tr></table>')
        if call.text:
            inner += f'<p style="margin-top:6px; font-size:10.5pt;">{escape(call.text)}</p>'
        note = ""
        if call.status in ("unanswered", "declined"):
            note = ("Silence or a refusal is itself a signal; the channel board shows how long "
                    "the line has gone unanswered.")
        elif call.status == "ringing":
            note = "The request is with them. An answer may come in a later turn — or never."
        if note:
            inner += f'<p style="color:{self.c["muted"]};">{escape(note)}</p>'
        self.card(inner)

    def changes(self, changes: list[MeterChangeView], view: ConsequenceView | None) -> None:
        muted = self.c["muted"]
        rows = [f'<tr><td></td><td></td><td></td><td style="color:{muted}; font-size:8.5pt; '
                f'font-weight:600;">WHY</td></tr>']
        for change in changes:
            tone = self.c["good"] if change.good else self.c["bad"]
            rows.append(
                f'<tr><td style="padding-right:14px; white-space:nowrap;">'
                f'<b style="font-size:11pt;">{escape(change.label)}</b></td>'
                f'<td style="padding-right:10px;">{format_value(change.before)} → '
                f'{format_value(change.after)}</td>'
                f'<td style="padding-right:14px; color:{tone}; font-weight:600;">'
                f'{format_delta(change.delta)}</td>'
                f'<td style="color:{muted};">{escape(_capital(change.why))}</td></tr>')
        for cc in view.channel_changes if view is not None else ():
            rows.append(
                f'<tr><td style="padding-right:14px;"><b style="font-size:11pt;">'
                f'{escape(cc.channel_label)}</b></td>'
                f'<td style="padding-right:10px;">{escape(cc.before_label)} → '
                f'{escape(cc.after_label)}</td>'
                f'<td style="padding-right:14px;">{self.pill(cc.after_label, cc.tone)}</td>'
                f'<td style="color:{muted};">{escape(_capital(cc.why))}</td></tr>')
        self.card(f'<table cellspacing="0" cellpadding="3">{"".join(rows)}</table>')

    def message(self, item: FeedItem) -> None:
        color = self.c.get(item.kind, self.c["staff"])
        via = (f'<br><span style="color:{self.c["muted"]};">via {escape(item.channel_label)}'
               "</span>" if item.channel_label else "")
        inner = (f'<span style="color:{color}; font-size:8.5pt; font-weight:600;">'
                 f'{escape(item.kind_label.upper())}</span>'
                 f'<span style="color:{self.c["muted"]};"> · {escape(format_short(item.clock))}'
                 f'</span><br><b style="font-size:11pt;">{escape(item.sender)}</b>{via}'
                 f'<p style="margin-top:4px; font-size:10.5pt;">{escape(item.text)}</p>')
        self.card(inner, edge=color)

    def html(self) -> str:
        body = f'<body style="color:{self.c["text"]};">' + "".join(self.parts) + "</body>"
        return theme.scale_font_sizes(body, theme.font_scale())  # the user's type size


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
        self.story = QTextBrowser()
        self.story.setObjectName("story")
        self.story.setOpenLinks(False)
        self.story.setFrameShape(QFrame.Shape.NoFrame)
        self.story.setMaximumWidth(px(860))
        self.story.setAccessibleName("What happened after your choice")
        self.story.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.story.document().setDocumentMargin(18)
        columns.addWidget(self.story, 1)
        # The channels and meters as they stand now, beside the story of the turn.
        side = ScrollColumn(spacing=10, margins=(0, 14, 4, 14))
        side.setMinimumWidth(px(340))
        side.setMaximumWidth(px(400))
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
        self.continue_button.setAutoDefault(True)
        self.continue_button.setMinimumWidth(px(220))
        self.continue_button.setAccessibleName("Continue to the next decision")
        self.continue_button.setToolTip("Go on (Enter)")
        self.continue_button.clicked.connect(self.go_on)
        self.footer_hint = label("Press Enter to continue.", "muted", wrap=False)
        footer_row = hbox(None, self.footer_hint, self.continue_button, spacing=14,
                          margins=(18, 10, 18, 10))
        footer.setLayout(footer_row)
        outer.addWidget(footer)
        controller.resultReady.connect(self.show_result)
        controller.ended.connect(lambda _o: self._set_continue_text())

    # -- showing ------------------------------------------------------------
    def _chooser(self, decision: DecisionTaken | None) -> str:
        """Who the headline says chose: "You", unless a class desk watches another's decision."""
        if decision is None or self.controller.chose_here(decision):
            return "You"
        if decision.votes:
            return "The team"
        title = role_title(self.controller.scenario, decision.role)
        return f"The {title}" if title else "The team"

    def show_result(self, result: TurnResult) -> None:
        ctrl = self.controller
        view = consequence_view(ctrl.scenario, result.events, roles=ctrl.viewer_roles(),
                                table=ctrl.table)
        self.view = view
        # Timings on the board count from the moment of the choice and its answer: right
        # after a call the line was answered "just now", not days before the next turn.
        decision = next((e for e in result.events if isinstance(e, DecisionTaken)), None)
        self.board.now = decision.clock if decision is not None else None
        self.board.refresh()
        doc = ConsequenceDocument(self.story.document(), theme.colors(theme.current_theme()))
        doc.section("What happened")
        if view.timed_out:
            doc.parts.append(f'<p style="font-size:20pt; font-weight:600; color:{doc.c["bad"]};">'
                             "Time ran out.</p>")
            doc.para(f"No decision was taken in time, so the situation developed as if you had "
                     f"chosen “{view.decision_label}”.")
        elif view.decision_label:
            doc.parts.append('<p style="font-size:20pt; font-weight:600; margin-bottom:4px;">'
                             f"{escape(self._chooser(decision))} chose: "
                             f"{escape(view.decision_label)}</p>")
        kind = KIND_LABELS.get(view.decision_kind, "")
        meta = " · ".join(x for x in (kind, f"via {view.channel_label}" if view.channel_label
                                      else "") if x)
        if meta:
            doc.para(meta, muted=True)
        reasons = [line.strip() for line in view.rationale.splitlines() if line.strip()]
        if len(reasons) > 1:  # a team vote: each role's reason on its own line
            doc.para("The team's reasons:")
            doc.parts.append("<ul style=\"margin-top:0\">" + "".join(
                f'<li style="font-size:10.5pt;">{escape(r)}</li>' for r in reasons) + "</ul>")
        elif reasons:
            whose = "Your" if self._chooser(decision) == "You" else "Their"
            doc.para(f"{whose} reasoning: “{reasons[0]}”")

        doc.section("The counterpart")
        if view.calls:
            for call in view.calls:
                doc.call(call)
        else:
            doc.para("You did not call this turn, and the counterpart sent nothing.", muted=True)
        if view.outcomes:
            doc.section("What followed")
            for text in view.outcomes:
                doc.para(text)
        doc.section("Changes and why")
        if view.meter_changes or view.channel_changes:
            doc.changes(view.meter_changes, view)
        else:
            doc.para("No visible change.", muted=True)
        if view.next_title or view.later_calls or view.injects or view.later_changes:
            when = format_clock(view.next_clock) if view.next_clock else ""
            doc.section(f"Then — {when}" if when else "Then")
            if view.next_title:
                doc.parts.append(f'<p style="font-size:12pt; font-weight:600;">'
                                 f"{escape(view.next_title)}</p>")
            for call in view.later_calls:
                doc.call(call)
            if view.later_changes:
                doc.changes(view.later_changes, None)
            for item in view.injects:
                doc.message(item)
        if view.ending_title:
            doc.section("The crisis ends")
            tone = doc.c[TONE_KEYS.get(view.ending_tone, "warn")]
            doc.parts.append(f'<p style="font-size:15pt; font-weight:600; color:{tone};">'
                             f"{escape(view.ending_title)}</p>")
            doc.para(view.ending_text)
        self.story.setHtml(doc.html())
        self.story.verticalScrollBar().setValue(0)
        self._set_continue_text()
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
        """The story's lines as the trainee reads them (for tests)."""
        return [line.strip() for line in self.story.toPlainText().splitlines() if line.strip()]
