"""Hot-seat team play: whose decision it is, hand-overs, and team votes.

When a session is played by several roles on one machine
(``SessionController.team``), :func:`attach_team_play` adds to the trainee's
session view:

* a **role banner** under the clock: who decides now (or who votes now, with
  the team's rule stated in words and who has voted — never how), and that
  role's own brief;
* a **hand-over cover** whenever the role at the keyboard changes: it hides
  the situation, the messages and the options until the next role says they
  are there, so nobody reads another role's messages by accident;
* a line on the consequences screen saying who decided (or how the team
  voted);
* with fewer roles at the table than the scenario has ("2 of 3"), the banner
  and the cover say whose decision it is, that its role is not at the table,
  and that it falls to the first role at the table
  (:class:`~game.sessions.table.Table`);
* (in every session) the decision clock's warning in the last seconds, with
  the scenario's time-out rule (:mod:`.team_clock`).

Which messages the view shows is the controller's business
(``viewer_roles()``); the rules (the tally, the time-out) are the engine's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from game.engine.describe import role_title as role_title
from game.engine.events import DecisionTaken, Event

from .team_clock import TimeWarning
from .widgets import ElidedLabel, clear_layout, hbox, label, pill

if TYPE_CHECKING:
    from game.engine import TurnResult, TurnView
    from game.scenario.compile import CompiledScenario

    from .consequences_view import ConsequencesView
    from .controller import SessionController
    from .play_view import PlayView


def role_brief(scenario: CompiledScenario, role: str | None) -> str:
    found = next((r for r in scenario.model.roles if r.id == role), None)
    return " ".join(found.brief.split()) if found is not None else ""


def vote_rule_text(controller: SessionController) -> str:
    """The current team vote's rule, in words, with the roles in tie-break order."""
    rule = controller.vote_rule()
    session = controller.session
    if rule is None or session is None:
        return ""
    roles = session.team_roles()
    order = ", then ".join(role_title(session.scenario, r) for r in roles)
    absent = controller.table.absent if controller.table is not None else ()
    away = ""
    if absent:
        names = ", ".join(f"the {role_title(session.scenario, r)}" for r in absent)
        verb = "is" if len(absent) == 1 else "are"
        away = f" Only the roles at the table vote ({names} {verb} not)."
    if rule == "unanimous":
        fallback = ""
        if session.available():
            option = session.scenario.option(session.node, session.timeout_option())
            fallback = f" (“{option.option.label}”)"
        return ("Unanimous vote: every role votes in turn, in secret. If all pick the same "
                "option it is taken; if not, the team has not agreed and the situation "
                f"develops as if it had waited{fallback}.{away}")
    return ("Majority vote: every role votes in turn, in secret; the option with the most "
            f"votes is taken. A tie goes to the earliest role at the table ({order}).{away}")


def vote_rule_short(controller: SessionController) -> str:
    """The vote's rule in one line, for the banner above the options (the full text is its
    tooltip, and the hand-over cover says it all)."""
    rule = controller.vote_rule()
    session = controller.session
    if rule is None or session is None:
        return ""
    if rule == "unanimous":
        return "Unanimous vote, in secret: without agreement the team waits."
    first = role_title(session.scenario, session.team_roles()[0])
    return f"Majority vote, in secret: a tie goes to the {first}."


def decided_by_text(scenario: CompiledScenario, events: Sequence[Event]) -> str:
    """Who took the decision in a turn's events (for the consequences screen)."""
    decision = next((e for e in events if isinstance(e, DecisionTaken)), None)
    if decision is None:
        return ""
    if decision.timed_out:
        return "Time ran out before the team decided."
    if decision.votes:
        rule = decision.vote_rule or "majority"
        parts = []
        for role, option in decision.votes:
            try:
                text = scenario.option(decision.node, option).option.label
            except KeyError:
                text = option
            parts.append(f"{role_title(scenario, role)}: {text}")
        taken = decision.label or decision.option
        return f"Team vote ({rule}) — " + " · ".join(parts) + f"  →  taken: {taken}"
    decider = decision.role
    if not decider:
        return ""
    owner = scenario.nodes[decision.node].decision.role if decision.node in scenario.nodes else None
    if owner and owner != decider and not decision.votes:
        return (f"Decided by the {role_title(scenario, decider)}, for the "
                f"{role_title(scenario, owner)}, who is not at the table.")
    return f"Decided by the {role_title(scenario, decider)}."


class TeamBar(QFrame):
    """Whose decision it is, the role's brief, and a team vote's rule and progress."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("team-bar")
        self.setProperty("banner", "info")
        self.setAccessibleName("Whose decision it is")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 6, 12, 6)
        outer.setSpacing(2)
        self.eyebrow = pill("TEAM", "accent")
        self.who = label("", "h3")
        self.who.setObjectName("team-who")
        self.votes_row = QHBoxLayout()
        self.votes_row.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.eyebrow, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.who, 1)
        top.addLayout(self.votes_row)
        outer.addLayout(top)
        self.brief = ElidedLabel("", "muted")
        self.brief.setObjectName("team-brief")
        self.rule = label("", "muted")
        self.rule.setObjectName("team-rule")
        # A decision whose role nobody plays: who takes it, and why.
        self.standin = label("", "muted")
        self.standin.setObjectName("team-standin")
        self.standin.hide()
        outer.addWidget(self.brief)
        outer.addWidget(self.rule)
        outer.addWidget(self.standin)
        self.chips: list[QWidget] = []
        controller.sessionStarted.connect(lambda _sid: self.refresh())
        controller.turnReady.connect(lambda _v: self.refresh())
        controller.votesChanged.connect(lambda _v: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        ctrl = self.controller
        session = ctrl.session
        if session is None or not ctrl.team or session.ended:
            self.hide()
            return
        scenario = session.scenario
        role = ctrl.active_role()
        title = role_title(scenario, role)
        rule = ctrl.vote_rule()
        if rule is not None:
            roles = session.team_roles()
            n = len(ctrl.votes) + 1
            self.who.setText(f"Team vote — now voting: {title} ({n} of {len(roles)})")
            self.rule.setText(vote_rule_short(ctrl))
            self.rule.setToolTip(vote_rule_text(ctrl))
            self.rule.setAccessibleDescription(vote_rule_text(ctrl))
            self.rule.show()
        else:
            view = ctrl.current()
            owner = view.role if view is not None else None
            table = ctrl.table
            absent = table.stands_in_for(view.node) if table and view is not None else None
            if absent:
                self.who.setText(f"Decision for: {role_title(scenario, absent)} (not at the "
                                 f"table) — the {title} decides")
            else:
                self.who.setText(f"Decision for: {title}" if owner else
                                 f"Team decision — {title} confirms it")
            self.rule.hide()
        note = ""
        view = ctrl.current()
        if rule is None and view is not None and ctrl.table is not None:
            note = ctrl.table.short_note(view.node)
        self.standin.setText(note)
        self.standin.setToolTip(ctrl.table.note(view.node) if note and view and ctrl.table else "")
        self.standin.setVisible(bool(note))
        brief = role_brief(scenario, role)
        self.brief.setText(f"Brief: {brief}" if brief else "")
        self.brief.setVisible(bool(brief))
        self.setAccessibleName(self.who.text())
        clear_layout(self.votes_row)
        self.chips = []
        if rule is not None:
            for r in session.team_roles():
                if r in ctrl.votes:
                    chip = pill(f"✓ {role_title(scenario, r)}", "good")
                    chip.setToolTip("Has voted (votes stay secret until everyone has voted)")
                elif r == role:
                    chip = pill(f"● {role_title(scenario, r)}", "accent")
                    chip.setToolTip("Voting now")
                else:
                    chip = pill(role_title(scenario, r), "neutral")
                    chip.setToolTip("Still to vote")
                self.chips.append(chip)
                self.votes_row.addWidget(chip)
        self.show()


class HandoverCover(QFrame):
    """Covers the play screen (below the clock) until the next role is at the keyboard."""

    def __init__(self, controller: SessionController, page: QWidget,
                 below: QWidget | None = None, blocks: QWidget | None = None) -> None:
        super().__init__(page)
        self.controller = controller
        self.page = page
        self.below = below
        self.blocks = blocks
        self.setObjectName("handover")
        self.setProperty("card", "default")
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.setSpacing(12)
        layout.addStretch(1)
        self.eyebrow = label("HAND OVER", "eyebrow")
        self.title = label("", "h1")
        self.title.setObjectName("handover-title")
        self.text = label("", "body")
        self.brief = label("", "body")
        self.rule = label("", "muted")
        self.rule.setObjectName("handover-rule")
        self.ready = QPushButton("")
        self.ready.setObjectName("handover-ready")
        self.ready.setProperty("primary", True)
        self.ready.setMinimumWidth(320)
        self.ready.clicked.connect(self.dismiss)
        self.ready.setToolTip("Shows the screen for this role (Enter)")
        for widget in (self.eyebrow, self.title, self.text, self.brief, self.rule):
            widget.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addLayout(hbox(None, self.ready, None))
        hint = label("Enter shows the screen · P pauses", "muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(hint)
        layout.addStretch(2)
        self.role: str | None = None
        self.hide()
        page.installEventFilter(self)
        controller.activeRoleChanged.connect(self.cover)
        controller.turnReady.connect(self._keep_focus)
        controller.resultReady.connect(lambda _r: self.dismiss())
        controller.ended.connect(lambda _o: self.dismiss())

    # -- showing --------------------------------------------------------------
    def cover(self, role: str) -> None:
        ctrl = self.controller
        if not ctrl.team or not role or ctrl.session is None:
            self.dismiss()
            return
        scenario = ctrl.session.scenario
        title = role_title(scenario, role)
        self.role = role
        voting = ctrl.vote_rule() is not None
        self.title.setText(f"Pass the keyboard to the {title}")
        view = ctrl.current()
        table = ctrl.table
        absent = (table.stands_in_for(view.node) if table is not None and view is not None
                  and not voting else None)
        if absent:
            whose = (f"The next decision is the {role_title(scenario, absent)}'s, who is not "
                     f"at the table, so it falls to the {title}, the first role at the table "
                     "(the team lead). ")
        elif voting:
            whose = f"It is the {title}'s turn to vote. "
        else:
            whose = f"The next decision is the {title}'s. "
        self.text.setText(
            whose
            + "The screen shows only the messages meant for this role and for everyone, so "
              "the others should look away from it now.")
        brief = role_brief(scenario, role)
        self.brief.setText(f"Your brief: {brief}" if brief else "")
        self.brief.setVisible(bool(brief))
        self.rule.setText(vote_rule_text(ctrl) if voting else "")
        self.rule.setVisible(voting)
        self.ready.setText(f"I am the {title} — show my screen  ⏎")
        self.ready.setAccessibleName(f"I am the {title}: show the screen")
        self.setAccessibleName(f"Hand over to the {title}")
        self.setAccessibleDescription(self.text.text())
        self._fit()
        if self.blocks is not None:
            self.blocks.setEnabled(False)
        # Nobody can see the decision yet: its clock waits for the next role.
        ctrl.clock.set_held(True)
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def dismiss(self) -> None:
        was = self.isVisible()
        self.hide()
        self.controller.clock.set_held(False)
        if self.blocks is not None:
            self.blocks.setEnabled(True)
        if was and hasattr(self.page, "focus_first"):
            self.page.focus_first()

    @property
    def covering(self) -> bool:
        return not self.isHidden()

    def _keep_focus(self, _view: TurnView) -> None:
        if self.covering:
            self.raise_()
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit(self) -> None:
        rect = self.page.rect()
        top = self.below.geometry().bottom() + 1 if self.below is not None else 0
        self.setGeometry(rect.adjusted(0, top, 0, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.page and event.type() in (QEvent.Type.Resize,
                                                     QEvent.Type.LayoutRequest):
            if self.covering:
                self._fit()
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.dismiss()
            event.accept()
            return
        if event.key() == Qt.Key.Key_P and not event.modifiers():
            event.ignore()  # the play screen pauses
            return
        event.accept()  # nothing else reaches the options under the cover


class DecidedBy(QFrame):
    """On the consequences screen: who decided, or how the team voted."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("team-decided")
        self.setProperty("banner", "info")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 14, 6)
        self.text = label("", None)
        row.addWidget(self.text)
        self.hide()
        controller.resultReady.connect(self.show_result)

    def words(self, result: TurnResult) -> str:
        """The line for this result ("" hides the banner)."""
        ctrl = self.controller
        if ctrl.session is None or not ctrl.team:
            return ""
        return decided_by_text(ctrl.session.scenario, list(result.events))

    def show_result(self, result: TurnResult) -> None:
        text = self.words(result)
        self.text.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))


def attach_team_play(play: PlayView, consequences: ConsequencesView,
                     controller: SessionController) -> None:
    """Give a session view's play and consequences pages the team-play banner,
    hand-over cover and vote line.

    Also the decision clock's warning banner (every session, team or not).
    Takes the pages, not the session view, so this module does not depend on
    the view that uses it.
    """
    bar = TeamBar(controller)
    outer = play.layout()
    assert isinstance(outer, QVBoxLayout)
    wrap = QVBoxLayout()
    wrap.setContentsMargins(14, 6, 14, 0)
    wrap.addWidget(bar)
    warning = TimeWarning(controller)
    wrap.addWidget(warning)
    outer.insertLayout(1, wrap)
    play.team_bar = bar  # type: ignore[attr-defined]
    play.time_warning = warning  # type: ignore[attr-defined]
    blocks = getattr(play, "splitter", None)
    play.handover = HandoverCover(  # type: ignore[attr-defined]
        controller, play, below=getattr(play, "clock_bar", None), blocks=blocks)
    decided = DecidedBy(controller)
    c_outer = consequences.layout()
    assert isinstance(c_outer, QVBoxLayout)
    c_wrap = QVBoxLayout()
    c_wrap.setContentsMargins(14, 10, 14, 0)
    c_wrap.addWidget(decided)
    c_outer.insertLayout(0, c_wrap)
    consequences.decided_by = decided  # type: ignore[attr-defined]
