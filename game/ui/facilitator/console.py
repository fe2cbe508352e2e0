"""The facilitator console: a second window for running a live exercise.

It shows what the trainees see (the situation, the options, every message
with its recipients) and what they do not: hidden meters, the counterpart's
chance of taking a call on each channel and why, answers on their way,
preconditions that would make a call fail, where each option leads, and the
expert's (and history's) choice at this point. Its controls — pause, inject,
force or veto an answer, move a meter, set a flag, jump, the decision clock,
observer notes — all go through :class:`~game.ui.controller.SessionController`
so they are journaled, replay deterministically and appear in the debrief.

The console is meant for the facilitator's own screen: with two screens it
opens on the one the trainees' window is not on, and **Swap screens** fixes a
projector that shows the wrong window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from game.ui import theme
from game.ui.present import KIND_LABELS, format_clock, format_value
from game.ui.widgets import (
    ElidedLabel,
    ScrollColumn,
    clear_layout,
    icon_label,
    label,
    paint_icon,
    pill,
    set_prop,
)

from .controls import (
    ClockControl,
    Control,
    CounterpartControl,
    InjectControl,
    JumpControl,
    MeterControl,
    NotesControl,
)
from .presentation import is_presentation, other_screen, place_on, set_presentation
from .state import (
    ChannelState,
    channel_states,
    factor_text,
    guidance,
    leadership_lines,
    log_lines,
    message_lines,
    meter_lines,
    option_lines,
    percent,
    price_lines,
    role_title,
    uses_leadership,
)

if TYPE_CHECKING:
    from game.engine import Session
    from game.ui.controller import SessionController

PAUSE_KEY = "Ctrl+P"


def _fmt_seconds(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    return f"{minutes}:{secs:02d}"


class ChannelCard(QFrame):
    """One channel, as the counterpart model sees it; a click selects it for forcing."""

    clicked = Signal(str)

    def __init__(self, channel: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.channel = channel
        self.setObjectName(f"cp-{channel}")
        self.setProperty("channelRow", True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to force or veto the answer on this channel")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 5, 0, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(1)
        self.name = label("", "h3")
        self.status = pill("")
        self.chance = label("", None, wrap=False)
        self.chance.setObjectName("cp-chance")
        self.chance.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.outlook = label("", None)
        self.factors = label("", "muted")
        self.unmet = label("", None, tone="bad")
        self.pending = label("", None, tone="waiting")
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.status, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.chance, 0, 2)
        grid.addWidget(self.outlook, 1, 0, 1, 3)
        grid.addWidget(self.pending, 2, 0, 1, 3)
        grid.addWidget(self.unmet, 3, 0, 1, 3)
        grid.addWidget(self.factors, 4, 0, 1, 3)
        grid.setColumnStretch(0, 1)

    def show_state(self, state: ChannelState) -> None:
        self.name.setText(state.label)
        self.status.setText(state.status_label)
        set_prop(self.status, "tone", state.tone)
        blocked = (bool(state.unmet) or state.status == "suspended" or bool(state.forced)
                   or bool(state.gate))
        self.chance.setText(percent(state.chance) if state.chance is not None and not blocked
                            else "—")
        self.chance.setToolTip("Chance the counterpart accepts a call on this channel now")
        self.outlook.setText(state.outlook)
        self.factors.setText(factor_text(state.factors, state.label))
        self.factors.setVisible(bool(state.factors))
        self.unmet.setText("\n".join(f"✗ {u}" for u in state.unmet))
        self.unmet.setVisible(bool(state.unmet))
        self.pending.setText(state.pending)
        self.pending.setVisible(bool(state.pending))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.channel)
        super().mousePressEvent(event)


class FacilitatorConsole(QMainWindow):
    """The facilitator's window on one running session.

    Args:
        controller: The trainee window's controller (the console never owns the session).
        trainee_window: The trainees' window, for presentation mode and screen placement.
    """

    def __init__(self, controller: SessionController, trainee_window: QWidget | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.trainee_window = trainee_window
        from game.ui.a11y import install as name_qt_parts

        name_qt_parts()  # Qt's own parts (spin box fields, tab bars) get names too
        self.setObjectName("facilitator-console")
        title = controller.scenario.model.title if controller.session is not None else ""
        self.setWindowTitle(f"Facilitator console — {title}" if title else "Facilitator console")
        self.setWindowIcon(theme.app_icon())
        from game.ui.screen_fit import fit_window

        fit_window(self, 1280, 800, min_width=960, min_height=600)
        page = QWidget()
        page.setObjectName("page")
        self.setCentralWidget(page)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_header())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.setHandleWidth(10)
        splitter.addWidget(self._build_trainee_column())
        splitter.addWidget(self._build_hidden_column())
        splitter.addWidget(self._build_controls_column())
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([420, 400, 440])
        self.splitter = splitter
        body = QHBoxLayout()
        body.setContentsMargins(12, 10, 12, 12)
        body.addWidget(splitter)
        outer.addLayout(body, 1)
        self._build_menu()
        self.statusBar().showMessage("Everything you do here is saved in the session's journal "
                                     "and shown in the debrief as the facilitator's.")
        for signal in (controller.stateChanged, controller.pausedChanged, controller.ended,
                       controller.turnReady, controller.resultReady, controller.votesChanged,
                       controller.activeRoleChanged):
            signal.connect(self._changed)
        controller.clock.ticked.connect(self.show_timer)
        self._timer_connected = True  # closeEvent can run twice; disconnect once
        controller.facilitatorError.connect(self.show_error)
        controller.closed.connect(self._controller_gone)
        controller.destroyed.connect(self._controller_gone)
        self.refresh()

    def _controller_gone(self, *_args: object) -> None:
        self.close()

    def _changed(self, *_args: object) -> None:
        self.refresh()

    # -- building -----------------------------------------------------------------
    def _build_header(self) -> QWidget:
        header = QFrame()
        header.setProperty("header", True)
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 8, 16, 8)
        row.setSpacing(14)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.eyebrow = label("FACILITATOR CONSOLE · KEEP OFF THE PROJECTOR", "eyebrow",
                             wrap=False)
        self.eyebrow.setProperty("tone", "bad")
        self.title = ElidedLabel("", "h2")
        self.title.setObjectName("console-title")
        titles.addWidget(self.eyebrow)
        titles.addWidget(self.title)
        row.addLayout(titles, 1)
        self.clock = label("", None, wrap=False)
        self.clock.setAccessibleName("Scenario clock")
        self.stage = pill("")
        self.stage.setObjectName("console-stage")
        self.timer_icon = icon_label("wait", None, 18)
        self.timer = label("", "clock", wrap=False)
        self.timer.setObjectName("console-timer")
        self.timer.setMinimumWidth(96)
        self.timer.setAccessibleName("Decision timer")
        self.pause = QPushButton("Pause")
        self.pause.setObjectName("console-pause")
        self.pause.setMinimumWidth(140)
        self.pause.setMinimumHeight(38)
        self.pause.setToolTip(f"Pause or resume the scenario and the decision timer ({PAUSE_KEY})")
        self.pause.clicked.connect(self.toggle_pause)
        self.swap = QPushButton("Swap screens")
        self.swap.setObjectName("console-swap")
        self.swap.setToolTip("Put this console and the trainees' window on each other's screen")
        self.swap.clicked.connect(self.swap_screens)
        row.addWidget(self.clock)
        row.addWidget(self.stage)
        row.addWidget(self.timer_icon)
        row.addWidget(self.timer)
        row.addWidget(self.swap)
        row.addWidget(self.pause)
        return header

    def _build_trainee_column(self) -> QWidget:
        column = ScrollColumn(spacing=8, margins=(0, 0, 8, 0))
        column.setMinimumWidth(260)
        add = column.body.addWidget
        panel = QFrame()
        panel.setProperty("panel", True)
        box = QVBoxLayout(panel)
        box.setContentsMargins(14, 10, 14, 12)
        box.setSpacing(5)
        self.screen_eyebrow = label("ON THE TRAINEES' SCREEN", "eyebrow")
        box.addWidget(self.screen_eyebrow)
        self.team_line = label("", "h3")
        self.team_line.setObjectName("console-team")
        self.votes_line = label("", "muted")
        self.votes_line.setObjectName("console-votes")
        self.brief = label("", "body", selectable=True)
        self.brief.setObjectName("console-brief")
        self.prompt = label("", "h3")
        self.options_box = QVBoxLayout()
        self.options_box.setSpacing(3)
        box.addWidget(self.team_line)
        box.addWidget(self.votes_line)
        box.addWidget(self.brief)
        box.addWidget(self.prompt)
        box.addLayout(self.options_box)
        add(panel)
        guide = QFrame()
        guide.setProperty("panel", True)
        self.guide_panel = guide
        g = QVBoxLayout(guide)
        g.setContentsMargins(14, 10, 14, 12)
        g.setSpacing(4)
        g.addWidget(label("GUIDANCE AT THIS POINT", "eyebrow"))
        self.expert = label("", "body")
        self.expert.setObjectName("console-expert")
        self.historical = label("", "muted")
        self.historical.setObjectName("console-historical")
        self.timeout = label("", "muted")
        self.timeout.setObjectName("console-timeout")
        for widget in (self.expert, self.historical, self.timeout):
            g.addWidget(widget)
        add(guide)
        messages = QFrame()
        messages.setProperty("panel", True)
        m = QVBoxLayout(messages)
        m.setContentsMargins(14, 10, 14, 12)
        m.setSpacing(4)
        m.addWidget(label("MESSAGES DELIVERED · NEWEST FIRST · WITH RECIPIENTS", "eyebrow"))
        self.messages_box = QVBoxLayout()
        self.messages_box.setSpacing(6)
        m.addLayout(self.messages_box)
        add(messages)
        column.body.addStretch(1)
        self.trainee_column = column
        return column

    def _build_hidden_column(self) -> QWidget:
        column = ScrollColumn(spacing=8, margins=(0, 0, 8, 0))
        column.setMinimumWidth(260)
        meters = QFrame()
        meters.setProperty("panel", True)
        mv = QVBoxLayout(meters)
        mv.setContentsMargins(14, 10, 14, 10)
        mv.setSpacing(2)
        mv.addWidget(label("METERS · INCLUDING HIDDEN ONES", "eyebrow"))
        self.meters_grid = QGridLayout()
        self.meters_grid.setHorizontalSpacing(10)
        self.meters_grid.setVerticalSpacing(3)
        mv.addLayout(self.meters_grid)
        column.body.addWidget(meters)
        self.level_pills: dict[str, QLabel] = {}
        self.price_pills: dict[str, QLabel] = {}
        self.leadership_panel = QFrame()
        self.leadership_panel.setProperty("panel", True)
        self.leadership_panel.setObjectName("console-leadership")
        lv = QVBoxLayout(self.leadership_panel)
        lv.setContentsMargins(14, 10, 14, 10)
        lv.setSpacing(2)
        lv.addWidget(label("THE COUNTERPART'S LEADERSHIP · WHO MAY PICK UP", "eyebrow"))
        self.leadership_grid = QGridLayout()
        self.leadership_grid.setHorizontalSpacing(10)
        self.leadership_grid.setVerticalSpacing(2)
        lv.addLayout(self.leadership_grid)
        self.prices_title = label("ITS PRICES · NAMED OR STILL TO COME", "eyebrow")
        lv.addWidget(self.prices_title)
        self.prices_grid = QGridLayout()
        self.prices_grid.setHorizontalSpacing(10)
        self.prices_grid.setVerticalSpacing(2)
        lv.addLayout(self.prices_grid)
        column.body.addWidget(self.leadership_panel)
        counterpart = QFrame()
        counterpart.setProperty("panel", True)
        cv = QVBoxLayout(counterpart)
        cv.setContentsMargins(14, 10, 14, 10)
        cv.setSpacing(0)
        name = self.controller.scenario.model.counterpart.name \
            if self.controller.session is not None else ""
        cv.addWidget(label(f"THE COUNTERPART ({name.upper()}) · IF CALLED NOW", "eyebrow"))
        self.cards: dict[str, ChannelCard] = {}
        if self.controller.session is not None:
            for channel in self.controller.scenario.model.channels:
                card = ChannelCard(channel.id)
                card.clicked.connect(self.select_channel)
                self.cards[channel.id] = card
                cv.addWidget(card)
        column.body.addWidget(counterpart)
        column.body.addStretch(1)
        self.hidden_column = column
        return column

    def _build_controls_column(self) -> QWidget:
        column = QWidget()
        column.setMinimumWidth(340)
        column.setMaximumWidth(560)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("console-tabs")
        ctrl = self.controller
        self.inject = InjectControl(ctrl)
        self.counterpart = CounterpartControl(ctrl)
        self.meters = MeterControl(ctrl)
        self.jump = JumpControl(ctrl)
        self.clock_control = ClockControl(ctrl)
        self.controls: list[Control] = [self.inject, self.counterpart, self.meters, self.jump,
                                        self.clock_control]
        self._ringing: list[str] = []
        for control, name in zip(self.controls, ("Inject", "Counterpart", "Meters && flags",
                                                 "Jump", "Clock"), strict=True):
            self.tabs.addTab(control, name)
            control.setAccessibleName(f"{name.replace('&&', 'and')} controls")
            self.tabs.setTabToolTip(self.tabs.count() - 1,
                                    f"{name.replace('&&', 'and')} (Alt+{self.tabs.count()})")
            control.done.connect(self.show_done)
        layout.addWidget(self.tabs, 3)
        self.notes = NotesControl(ctrl)
        self.notes.done.connect(self.show_done)
        layout.addWidget(self.notes)
        log = QFrame()
        log.setProperty("panel", True)
        lv = QVBoxLayout(log)
        lv.setContentsMargins(12, 8, 12, 8)
        lv.setSpacing(2)
        lv.addWidget(label("YOUR ACTIONS AND NOTES · IN THE DEBRIEF", "eyebrow"))
        self.log_scroll = ScrollColumn(spacing=4, margins=(0, 0, 6, 0))
        lv.addWidget(self.log_scroll, 1)
        layout.addWidget(log, 2)
        return column

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Console")
        self.pause_action = QAction("Pause / resume", self)
        self.pause_action.setShortcut(QKeySequence(PAUSE_KEY))
        self.pause_action.triggered.connect(self.toggle_pause)
        menu.addAction(self.pause_action)
        self.presentation_action = QAction("Larger type on the trainees' window", self,
                                           checkable=True)
        self.presentation_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.presentation_action.toggled.connect(self.set_trainee_presentation)
        menu.addAction(self.presentation_action)
        self.fullscreen_action = QAction("Trainees' window full screen", self, checkable=True)
        self.fullscreen_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.fullscreen_action.toggled.connect(self.set_trainee_fullscreen)
        menu.addAction(self.fullscreen_action)
        self.swap_action = QAction("Swap screens", self)
        self.swap_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.swap_action.triggered.connect(self.swap_screens)
        menu.addAction(self.swap_action)
        menu.addSeparator()
        close = QAction("Close the console", self)
        from game.ui.widgets import close_keys

        close.setShortcuts(close_keys())
        close.triggered.connect(self.close)
        menu.addAction(close)
        tabs = self.menuBar().addMenu("&Go to")
        for index, name in enumerate(("Inject", "Counterpart", "Meters and flags", "Jump",
                                      "Clock")):
            action = QAction(name, self)
            action.setShortcut(QKeySequence(f"Alt+{index + 1}"))
            action.triggered.connect(lambda _=False, i=index: self.tabs.setCurrentIndex(i))
            tabs.addAction(action)
        note = QAction("Observer note", self)
        note.setShortcut(QKeySequence("Ctrl+N"))
        note.triggered.connect(lambda: self.notes.text.setFocus())
        tabs.addAction(note)
        if self.trainee_window is not None:
            self.presentation_action.setChecked(is_presentation(self.trainee_window))

    # -- showing ------------------------------------------------------------------
    def refresh(self) -> None:
        ctrl = self.controller
        session = ctrl.session
        if session is None:
            return
        ended = session.ended
        if ended:
            outcome = session.outcome
            self.title.setText(f"Ended: {outcome.title}" if outcome else "Ended")
        else:
            view = session.current()
            self.title.setText(f"Decision {view.turn + 1} · {view.title}")
        self.clock.setText(format_clock(session.clock))
        paused = ctrl.paused
        stage = ("Paused" if paused else "Ended" if ended else
                 {"deciding": "Trainees deciding", "consequences": "Reading consequences"}
                 .get(ctrl.stage, ctrl.stage.title()))
        self.stage.setText(stage)
        set_prop(self.stage, "tone", "waiting" if paused else "neutral" if ended else "accent")
        self.pause.setText("▶  Resume" if paused else "❚❚  Pause")
        self.pause.setAccessibleName("Resume the session" if paused else "Pause the session")
        set_prop(self.pause, "primary", paused)
        self.pause.setEnabled(not ended)
        self.swap.setVisible(self.trainee_window is not None and other_screen(self) is not None)
        self._show_trainee_side()
        self._show_hidden_side()
        self._show_ringing()
        for control in self.controls:
            control.refresh()
        self.notes.refresh()
        self._show_log()
        if ended or ctrl.stage != "deciding":
            self.show_timer(-2)

    def _show_trainee_side(self) -> None:
        ctrl = self.controller
        session = ctrl.session
        assert session is not None
        scenario = session.scenario
        clear_layout(self.options_box)
        self.screen_eyebrow.setText(
            "NEXT ON THE TRAINEES' SCREEN · THEY ARE READING THE CONSEQUENCES"
            if ctrl.stage == "consequences" and not session.ended else
            "ON THE TRAINEES' SCREEN")
        if ctrl.team and not session.ended:
            rule = ctrl.vote_rule()
            role = ctrl.active_role()
            if rule:
                self.team_line.setText(f"Team vote ({rule}) — now voting: "
                                       f"{role_title(scenario, role)}")
                cast = [f"{role_title(scenario, r)} → {self._option_label(o)}"
                        for r, o in ctrl.votes.items()]
                self.votes_line.setText("Votes so far (secret from the trainees): "
                                        + ("; ".join(cast) if cast else "none yet"))
                self.votes_line.show()
            else:
                self.team_line.setText(f"At the keyboard: {role_title(scenario, role)}")
                self.votes_line.hide()
            self.team_line.show()
        else:
            self.team_line.hide()
            self.votes_line.hide()
        if session.ended:
            self.brief.setText(session.outcome.title if session.outcome else "")
            self.prompt.setText("The session has ended. Notes you add now go to the "
                                "after-action report.")
            self.expert.setText("")
            self.historical.hide()
            self.timeout.hide()
            self.guide_panel.hide()
        else:
            view = session.current()
            self.brief.setText(" ".join(view.brief.split()))
            self.prompt.setText(view.prompt)
            for line in option_lines(session):
                marks = []
                if line.expert:
                    marks.append("★ expert")
                if line.historical:
                    marks.append("H history")
                kind = KIND_LABELS.get(line.kind, line.kind)
                head = f"{line.key}  {line.label}"
                meta = f"{kind}" + (f" via {line.channel_label}" if line.channel_label else "")
                meta += f"  →  {line.leads_to}"
                row = QVBoxLayout()
                row.setSpacing(0)
                title = label(head + ("   " + " · ".join(marks) if marks else ""),
                              "h3" if line.expert else None)
                title.setObjectName(f"console-option-{line.id}")
                if line.expert:
                    title.setProperty("tone", "good")
                row.addWidget(title)
                row.addWidget(label(meta, "muted"))
                self.options_box.addLayout(row)
            self.guide_panel.show()
            guide = guidance(session)
            self.expert.setText(f"★ Expert: {guide.expert_label} — {guide.expert_reason}"
                                if guide.expert_label else "No expert choice recorded here.")
            self.historical.setText(f"H History: {guide.historical_label} — "
                                    f"{guide.historical_reason}" if guide.historical_label
                                    else "")
            self.historical.setVisible(bool(guide.historical_label))
            limit = ctrl.time_limit_for(view)
            self.timeout.setText(
                (f"Time limit {limit} s; on time-out: “{guide.timeout_label}”." if limit else
                 f"No time limit; if one runs out: “{guide.timeout_label}”."))
            self.timeout.show()
        clear_layout(self.messages_box)
        messages = message_lines(session)
        for message in messages:
            frame = QFrame()
            frame.setProperty("channelRow", True)
            v = QVBoxLayout(frame)
            v.setContentsMargins(0, 2, 0, 5)
            v.setSpacing(0)
            who = f"{message.when} · {message.kind_label} · {message.sender} → {message.to}"
            if message.facilitator:
                who += " · by you"
            v.addWidget(label(who, "muted"))
            v.addWidget(label(message.text, "body"))
            self.messages_box.addWidget(frame)
        if not messages:
            self.messages_box.addWidget(label("No messages yet.", "muted"))

    def _option_label(self, option: str) -> str:
        session = self.controller.session
        try:
            return session.scenario.option(session.node, option).option.label  # type: ignore[union-attr]
        except KeyError:
            return option

    def _show_hidden_side(self) -> None:
        session = self.controller.session
        assert session is not None
        clear_layout(self.meters_grid)
        for row, line in enumerate(meter_lines(session)):
            name = label(line.label, "h3")
            value = label(format_value(line.value), "h3", wrap=False)
            value.setObjectName(f"console-meter-{line.id}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.meters_grid.addWidget(name, row * 2, 0)
            if line.hidden:
                tag = pill("HIDDEN", "waiting")
                tag.setToolTip("The trainees never see this meter")
                self.meters_grid.addWidget(tag, row * 2, 1)
            self.meters_grid.addWidget(value, row * 2, 2)
            detail = " · ".join(x for x in (line.band, f"last {line.last}" if line.last else "")
                                if x)
            if detail:
                self.meters_grid.addWidget(label(detail, "muted"), row * 2 + 1, 0, 1, 3)
        self.meters_grid.setColumnStretch(0, 1)
        for state in channel_states(session):
            card = self.cards.get(state.id)
            if card is not None:
                card.show_state(state)
        self._show_leadership(session)

    def _show_leadership(self, session: Session) -> None:
        """The counterpart's leadership per level, and its prices (when the scenario has them)."""
        shown = uses_leadership(session.scenario)
        self.leadership_panel.setVisible(shown)
        if not shown:
            return
        clear_layout(self.leadership_grid)
        self.level_pills = {}
        self.price_pills = {}
        for row, line in enumerate(leadership_lines(session)):
            name = label(line.label, "h3")
            state = pill("AUTHORISED" if line.authorised else "WITHHELD",
                         "good" if line.authorised else "bad")
            state.setObjectName(f"console-level-{line.level}")
            self.level_pills[line.level] = state
            state.setAccessibleName(f"{line.label} contact "
                                    f"{'authorised' if line.authorised else 'withheld'}")
            self.leadership_grid.addWidget(name, row * 2, 0)
            self.leadership_grid.addWidget(state, row * 2, 1, Qt.AlignmentFlag.AlignRight)
            facts = [line.why] if line.why else []
            if line.pressure:
                facts.append(f"{line.pressure} repeated request(s) read as pressure")
            if line.outstanding:
                facts.append(f"last request {line.outstanding}; asking again adds pressure")
            if facts:
                self.leadership_grid.addWidget(label(" · ".join(facts), "muted"), row * 2 + 1,
                                               0, 1, 2)
        self.leadership_grid.setColumnStretch(0, 1)
        clear_layout(self.prices_grid)
        prices = price_lines(session)
        self.prices_title.setVisible(bool(prices))
        for row, price in enumerate(prices):
            demand = label(price.demand, None)
            status = pill(price.status_label.upper(), price.tone)
            status.setObjectName(f"console-price-{price.id}")
            self.price_pills[price.id] = status
            self.prices_grid.addWidget(demand, row, 0)
            self.prices_grid.addWidget(status, row, 1,
                                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.prices_grid.setColumnStretch(0, 1)

    def _show_ringing(self) -> None:
        """Name ringing calls on the Counterpart tab; select a call that just started ringing."""
        session = self.controller.session
        assert session is not None
        ringing = [p.channel for p in session.pending]
        index = self.tabs.indexOf(self.counterpart)
        self.tabs.setTabText(index, f"Counterpart ({len(ringing)} ringing)" if ringing
                             else "Counterpart")
        new = [c for c in ringing if c not in self._ringing]
        if new:
            self.counterpart.select(new[0])
        self._ringing = ringing

    def _show_log(self) -> None:
        session = self.controller.session
        assert session is not None
        body = self.log_scroll.body
        clear_layout(body)
        lines = log_lines(session)
        for line in lines:
            text = label(f"{line.when} · {line.action}: {line.text}", None)
            text.setObjectName("console-log-line")
            body.addWidget(text)
        if not lines:
            body.addWidget(label("Nothing yet. Pauses, injects, overrides and notes "
                                 "appear here and in the debrief.", "muted"))
        body.addStretch(1)

    def show_timer(self, remaining: int) -> None:
        ctrl = self.controller
        if remaining == -2 or ctrl.stage != "deciding" or ctrl.session is None \
                or ctrl.session.ended:
            self.timer.setText("")
            self.timer_icon.hide()
            return
        if remaining < 0:
            self.timer.setText("No time limit")
            self.timer_icon.hide()
            set_prop(self.timer, "timer", "none")
            return
        self.timer.setText(f"{_fmt_seconds(remaining)} left")
        state = "urgent" if remaining <= 10 else "warning" if remaining <= 30 else "normal"
        set_prop(self.timer, "timer", state)
        tone = {"urgent": "bad", "warning": "waiting"}.get(state, "text")
        paint_icon(self.timer_icon, "wait", theme.tone_color(self.palette(), tone).name(), 18)
        self.timer_icon.show()

    def show_done(self, text: str) -> None:
        self.statusBar().setStyleSheet("")
        self.statusBar().showMessage(f"✓ {text}", 8000)

    def show_error(self, text: str) -> None:
        color = theme.colors(theme.current_theme()).get("bad", "#b3261e")
        self.statusBar().setStyleSheet(f"color: {color}; font-weight: 600;")
        self.statusBar().showMessage(f"Not done: {text}", 12000)

    # -- acting -------------------------------------------------------------------
    def toggle_pause(self) -> None:
        ctrl = self.controller
        if ctrl.session is None or ctrl.session.ended:
            return
        paused = ctrl.paused
        if ctrl.facilitate({"type": "resume" if paused else "pause",
                            "by": "facilitator"}) is not None:
            self.show_done("Resumed: the decision timer is running." if paused else
                           "Paused: the scenario clock and the decision timer are stopped.")

    def select_channel(self, channel: str) -> None:
        self.counterpart.select(channel)
        self.tabs.setCurrentWidget(self.counterpart)

    def set_trainee_presentation(self, on: bool) -> None:
        if self.trainee_window is not None:
            set_presentation(self.trainee_window, on)

    def set_trainee_fullscreen(self, on: bool) -> None:
        window = self.trainee_window
        if window is None:
            return
        if on:
            window.showFullScreen()
        else:
            window.showNormal()

    def place(self) -> None:
        """Open on a screen the trainees' window is not on (when there is one)."""
        if self.trainee_window is None:
            return
        screen = other_screen(self.trainee_window)
        if screen is not None:
            place_on(self, screen)

    def swap_screens(self) -> None:
        window = self.trainee_window
        if window is None:
            return
        mine, theirs = self.screen(), window.screen()
        if mine is theirs:
            other = other_screen(self)
            if other is None:
                self.show_error("There is only one screen.")
                return
            theirs = other
        full = window.isFullScreen()
        if full:
            window.showNormal()
        place_on(window, mine)
        place_on(self, theirs)
        if full:
            window.showFullScreen()
        self.show_done("Screens swapped.")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._timer_connected:
            self._timer_connected = False
            try:
                self.controller.clock.ticked.disconnect(self.show_timer)
            except (RuntimeError, TypeError):
                pass  # the controller (and its clock) is already gone
        super().closeEvent(event)
