"""What a seat at a separate desk adds to the play screen, and what the joined console adds.

:func:`attach_seat_view` gives a :class:`~game.ui.session_view.SessionView`
on a :class:`~game.ui.seat_controller.SeatController`:

* a **seat bar** under the clock: which role this desk plays, the session's
  join code, whose decision it is (or the team vote's progress: who has voted,
  never how), and passing notices ("already decided by …", the connection);
* a **waiting panel** in place of the options whenever the decision is not
  this desk's to confirm (another role's decision, a vote already cast, a
  pause), so a seat sees only its own role's decisions;
* no Pause button (only the facilitator pauses a class).

:func:`attach_class_console` puts the same facts, and the votes themselves,
at the top of the facilitator console joined with the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from .team_play import DecidedBy, decided_by_text
from .widgets import ElidedLabel, clear_layout, label, pill, set_prop

if TYPE_CHECKING:
    from game.engine import TurnResult
    from game.sessions import SeatTurn

    from .seat_controller import SeatController
    from .session_view import SessionView


def turn_words(controller: SeatController, turn: SeatTurn) -> tuple[str, str]:
    """(headline, detail) for what this desk sees of the decision on the table."""
    desk = controller.desk
    title = desk.role_title
    kind = turn.paused_kind if turn.kind == "paused" else turn.kind
    rule = ("most votes win; a tie goes to the first role at the table"
            if turn.rule == "majority" else "all must agree, or the scenario decides")
    if kind == "ended":
        return "The session has ended", ""
    if kind == "decide":
        head = "Your decision"
        detail = f"Only the {title(desk.role)} confirms it; the other desks are waiting."
    elif kind == "vote":
        head = f"Team vote ({turn.rule}): cast your vote"
        detail = f"Every desk votes in secret; {rule}."
    elif kind == "voted":
        mine = turn.votes.get(desk.role or "")
        what = f"“{desk.option_label(mine.option)}”" if mine else "your option"
        missing = ", ".join(title(r) for r in turn.waiting_for)
        head = f"You voted for {what}"
        detail = (f"Waiting for the votes of: {missing}." if missing
                  else "Every vote is in; the tally is being confirmed.")
    elif kind == "waiting":
        head = f"The {title(turn.owner)} is deciding"
        detail = ("You will see what they decide as soon as it is confirmed. Read your "
                  "messages meanwhile.")
    else:  # the console
        if turn.rule is not None:
            done = ", ".join(title(r) for r in turn.votes) or "nobody yet"
            head = f"Team vote ({turn.rule}) — voted: {done}"
            detail = "Waiting for: " + (", ".join(title(r) for r in turn.waiting_for)
                                        or "the tally")
        else:
            head = f"Decision for: {title(turn.owner)}"
            detail = f"Confirmed at the {title(turn.owner)}'s desk."
    # A decision whose role nobody plays: say who stands in, and why.
    note = desk.table.short_note(turn.node) if turn.node and turn.rule is None else ""
    if note and kind in ("decide", "waiting", "watching"):
        detail = f"{detail} {note}"
    if turn.kind == "paused":
        return "Paused by the facilitator", f"{head}. The decision clock is stopped."
    return head, detail


class SeatBar(QFrame):
    """One line: the role, whose decision it is, the votes so far, the code, the connection.

    A second line appears only for a vote's rule (while voting) and for a
    passing notice ("already decided by …"). On the console the vote chips
    also say how each role voted.
    """

    def __init__(self, controller: SeatController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("seat-bar")
        self.setProperty("banner", "info")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 5, 12, 5)
        outer.setSpacing(2)
        desk = controller.desk
        top = QHBoxLayout()
        top.setSpacing(10)
        self.eyebrow = pill("CLASS", "accent")
        who = ("Facilitator console" if desk.role is None
               else f"You are the {desk.role_title(desk.role)}")
        self.who = label(who, "h3", wrap=False)
        self.who.setObjectName("seat-who")
        self.status = ElidedLabel("", None)
        self.status.setObjectName("seat-status")
        self.chips_row = QHBoxLayout()
        self.chips_row.setSpacing(4)
        self.code = label(f"Code {desk.join_code()}", "muted", wrap=False)
        self.code.setObjectName("seat-code")
        self.code.setToolTip(f"Other desks join with this code · this desk is {desk.seat}")
        self.link = pill("● Connected", "good")
        self.link.setObjectName("seat-link")
        top.addWidget(self.eyebrow, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.who)
        top.addWidget(self.status, 1)
        top.addLayout(self.chips_row)
        top.addWidget(self.code)
        top.addWidget(self.link)
        outer.addLayout(top)
        self.rule = label("", "muted")
        self.rule.setObjectName("seat-rule")
        self.rule.hide()
        outer.addWidget(self.rule)
        self.notice = label("", "muted")
        self.notice.setObjectName("seat-notice")
        self.notice.hide()
        outer.addWidget(self.notice)
        controller.seatChanged.connect(self.show_turn)
        controller.notice.connect(self.show_notice)
        controller.connectionChanged.connect(self.show_link)
        controller.resultReady.connect(lambda _r: self.notice.hide())
        self.show_turn(controller.seat_turn)

    def show_turn(self, turn: SeatTurn) -> None:
        head, detail = turn_words(self.controller, turn)
        self.status.setText(f"· {head}")
        # A vote's rule matters while voting; elsewhere the waiting panel says the rest.
        self.rule.setText(detail)
        self.rule.setVisible(turn.kind == "vote")
        self.setAccessibleName(f"{self.who.text()}. {head}. {detail}")
        clear_layout(self.chips_row)
        if turn.rule is None or turn.kind == "ended":
            return
        desk = self.controller.desk
        console = desk.role is None
        for role in desk.team_roles:
            vote = turn.votes.get(role)
            text = desk.role_title(role)
            if vote is not None and console:
                option = desk.option_label(vote.option)
                text += f" → {option if len(option) <= 22 else option[:21] + '…'}"
            chip = pill(("✓ " if vote is not None else "… ") + text,
                        "good" if vote is not None else "neutral")
            chip.setToolTip(("Has voted" + (f" for “{desk.option_label(vote.option)}”"
                                           if console else
                                           " (how stays secret until every vote is in)"))
                            if vote is not None else "Still to vote")
            self.chips_row.addWidget(chip)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        set_prop(self.notice, "tone", "bad" if text.startswith(("Already", "Not recorded",
                                                                "The connection")) else None)
        self.notice.show()

    def show_link(self, up: bool) -> None:
        self.link.setText("● Connected" if up else "● Reconnecting…")
        set_prop(self.link, "tone", "good" if up else "bad")
        self.link.setToolTip("" if up else "The class server cannot be reached; Hotline keeps "
                             "trying. Nothing you confirmed is lost.")


class WaitingPanel(QFrame):
    """Shown instead of the options when the decision is not this desk's to confirm."""

    def __init__(self, controller: SeatController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("seat-waiting")
        self.setProperty("panel", True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        self.eyebrow = label("NOT YOUR DECISION", "eyebrow")
        self.headline = label("", "h2")
        self.headline.setObjectName("seat-waiting-headline")
        self.prompt = label("", "body")
        self.detail = label("", "muted")
        for widget in (self.eyebrow, self.headline, self.prompt, self.detail):
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_turn(self, turn: SeatTurn) -> None:
        controller = self.controller
        head, detail = turn_words(controller, turn)
        self.eyebrow.setText("YOUR VOTE IS IN" if turn.kind == "voted" else
                             "PAUSED" if turn.kind == "paused" else
                             "THE TEAM'S DECISION" if controller.role is None else
                             "NOT YOUR DECISION")
        self.headline.setText(head)
        session = controller.session
        prompt = ""
        if session is not None and not session.ended:
            prompt = f"“{session.scenario.nodes[session.node].decision.prompt}”"
        self.prompt.setText(prompt)
        self.detail.setText(detail)
        self.setAccessibleName(f"{head}. {detail}")


class DecidedAt(DecidedBy):
    """On the consequences page: which desk decided (or how the team voted, or the clock)."""

    def __init__(self, controller: SeatController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.setObjectName("seat-decided")

    def words(self, result: TurnResult) -> str:
        # Every desk sees who decided, team or not, and at which desk it was confirmed.
        session = self.controller.session
        if session is None:
            return ""
        text = decided_by_text(session.scenario, list(result.events))
        data = session.inputs[-1] if session.inputs else {}
        seat = data.get("seat") if data.get("type") == "choose" else None
        if text and isinstance(seat, str) and not data.get("timed_out"):
            text = f"{text.rstrip('.')}; confirmed at {seat}."
        return text


def attach_seat_view(view: SessionView, controller: SeatController) -> None:
    """Give a session view on a seat its seat bar and waiting panel (see the module)."""
    decided = DecidedAt(controller)
    c_outer = view.consequences.layout()
    assert isinstance(c_outer, QVBoxLayout)
    c_wrap = QVBoxLayout()
    c_wrap.setContentsMargins(14, 10, 14, 0)
    c_wrap.addWidget(decided)
    c_outer.insertLayout(0, c_wrap)
    view.consequences.decided_at = decided  # type: ignore[attr-defined]
    play = view.play
    bar = SeatBar(controller)
    outer = play.layout()
    assert isinstance(outer, QVBoxLayout)
    wrap = QVBoxLayout()
    wrap.setContentsMargins(14, 8, 14, 0)
    wrap.addWidget(bar)
    outer.insertLayout(1, wrap)
    play.seat_bar = bar  # type: ignore[attr-defined]
    decision = play.decision
    column = decision.parentWidget()
    assert column is not None
    middle = column.layout()
    assert middle is not None
    waiting = WaitingPanel(controller)
    middle.addWidget(waiting)
    waiting.hide()
    play.waiting = waiting  # type: ignore[attr-defined]
    play.clock_bar.pause.setVisible(controller.role is None)

    def show(turn: SeatTurn) -> None:
        mine = controller.may_decide()
        if not mine:
            waiting.show_turn(turn)
        had_focus = decision.isAncestorOf(play.focusWidget()) if play.focusWidget() else False
        decision.setVisible(mine)
        waiting.setVisible(not mine)
        if not mine and had_focus:
            waiting.setFocus(Qt.FocusReason.OtherFocusReason)

    controller.seatChanged.connect(show)
    controller.connectionChanged.connect(lambda _up: show(controller.seat_turn))
    show(controller.seat_turn)


def attach_class_console(console: QWidget, controller: SeatController) -> SeatBar:
    """Put the class's facts (code, whose decision, the votes) at the top of the joined console."""
    bar = SeatBar(controller)
    page = console.centralWidget()  # type: ignore[attr-defined]
    assert page is not None
    outer = page.layout()
    assert isinstance(outer, QVBoxLayout)
    wrap = QVBoxLayout()
    wrap.setContentsMargins(12, 6, 12, 0)
    wrap.addWidget(bar)
    outer.insertLayout(1, wrap)
    console.class_bar = bar  # type: ignore[attr-defined]
    return bar
