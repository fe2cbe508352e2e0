"""The home screen: the scenario library as cards, and sessions to resume or review.

A first-time user sees one highlighted card, the default scenario, with a
single obvious button. Other scenarios follow; a file that failed to load
shows as a card that says so and lists its problems on request. On the right,
unfinished sessions (Resume) and recent ones (Debrief).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QPushButton, QVBoxLayout, QWidget

from .widgets import ScrollColumn, clear_layout, hbox, icon_label, label, pill, px, vbox

if TYPE_CHECKING:
    from game.records.journal import Journal, SessionRecord

    from .library import ScenarioEntry, ScenarioLibrary

RECENT_LIMIT = 8


def when(stamp: str) -> str:
    """``2026-11-23T16:40:12Z`` → ``23 Nov 16:40`` (local time)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return stamp
    return f"{moment.day} {moment:%b %H:%M}"


def _button(text: str, name: str, primary: bool = False, accessible: str = "",
            description: str = "") -> QPushButton:
    button = QPushButton(text)
    if description:
        button.setToolTip(description)  # read as the accessible description too
    button.setObjectName(name)
    button.setAutoDefault(True)
    if primary:
        button.setProperty("primary", True)
    if accessible:
        button.setAccessibleName(accessible)
    return button


class ScenarioCard(QFrame):
    """A scenario: title, period, summary, length, objectives, sources; Start."""

    def __init__(self, entry: ScenarioEntry, featured: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        summary = entry.summary
        assert summary is not None
        self.setProperty("card", "default" if featured else "true")
        self.setObjectName(f"scenario-{summary.id}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 16)
        layout.setSpacing(6)
        if featured:
            layout.addWidget(label("START HERE · RECOMMENDED FIRST SCENARIO", "eyebrow"))
        title = hbox(spacing=10)
        title.addWidget(label(summary.title, "h2" if featured else "h3"), 1)
        kind = pill("Fiction" if summary.fiction else "Based on real events",
                    "neutral" if summary.fiction else "accent")
        title.addWidget(kind, 0, Qt.AlignmentFlag.AlignTop)
        if entry.user:
            title.addWidget(pill("Your scenario", "neutral"), 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(title)
        facts = [summary.period, f"about {summary.length_minutes} min",
                 f"{summary.decisions} decision points",
                 f"{summary.sources} source{'s' if summary.sources != 1 else ''}"]
        if len(summary.roles) > 1:
            facts.append(f"{len(summary.roles)} roles")
        layout.addWidget(label("  ·  ".join(facts), "muted"))
        layout.addWidget(label(summary.summary, "body"))
        if featured:
            layout.addSpacing(2)
            layout.addWidget(label("YOU WILL PRACTISE", "eyebrow"))
            for text in summary.objectives:
                layout.addWidget(label(f"•  {text}", "body"))
        self.start = _button("Start a session" if featured else "Start", "start", primary=featured,
                             accessible=f"Start a session of {summary.title}",
                             description="Set up a session of this scenario: who plays, "
                                         "which role, and the read-ahead briefing")
        if featured:
            self.start.setMinimumWidth(220)
        layout.addSpacing(4)
        if not featured:
            layout.addStretch(1)
        layout.addLayout(hbox(None, self.start) if not featured else hbox(self.start, None))
        if not featured and summary.objectives:
            self.setToolTip("You will practise:\n" + "\n".join(f"• {o}" for o in
                                                               summary.objectives))
        self.setAccessibleName(f"Scenario: {summary.title}")


class ProblemCard(QFrame):
    """A scenario file that could not be loaded."""

    def __init__(self, entry: ScenarioEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setProperty("card", "problem")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(4)
        layout.addLayout(hbox(icon_label("warning", None, 18),
                              label(f"{entry.path.name} could not be loaded", "h3"), None,
                              spacing=8))
        n = len(entry.problems)
        layout.addWidget(label(f"{n} problem{'s' if n != 1 else ''} in the file. Fix them and "
                               "reload, or ask the scenario's author.", "muted"))
        self.details = _button("Show problems", "problems",
                               accessible=f"Show the problems in {entry.path.name}",
                               description="Each problem with its line, column and a fix")
        layout.addLayout(hbox(None, self.details))
        self.setAccessibleName(f"Broken scenario file {entry.path.name}")


class SessionRow(QFrame):
    """A saved session with Resume or Debrief."""

    def __init__(self, record: SessionRecord, can_resume: bool, parent: QWidget | None = None,
                 decisions: int = 0) -> None:
        super().__init__(parent)
        self.record = record
        self.setProperty("channelRow", True)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 6, 0, 8)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(1)
        who = record.trainee or "Unnamed trainee"
        layout.addWidget(label(record.scenario_title, "h3"), 0, 0)
        if record.ended:
            detail = f"{who} · {record.ending_title or record.ending_id}"
            if record.score is not None:
                from game.engine.scoring import format_score

                detail += f" · score {format_score(record.score)}"
            self.button = _button("Debrief", "debrief",
                                  accessible=f"Debrief of {record.scenario_title}, {who}",
                                  description="Open the debrief: timeline, score, paths and "
                                              "the after-action report")
        else:
            n = decisions
            detail = f"{who} · {n} decision{'s' if n != 1 else ''} taken so far"
            self.button = _button("Resume", "resume", primary=True,
                                  accessible=f"Resume {record.scenario_title}, {who}",
                                  description="Continue exactly where the session stopped")
            if not can_resume:
                self.button.setEnabled(False)
                self.button.setToolTip("The scenario this session was played on is neither "
                                       "kept in the journal nor in the library.")
        self.discard: QPushButton | None = None
        layout.addWidget(label(f"{detail}\n{when(record.updated_at)}", "muted"), 1, 0)
        if record.ended:
            layout.addWidget(self.button, 0, 1, 2, 1, Qt.AlignmentFlag.AlignVCenter)
        else:
            # An abandoned session can go; the window asks before anything is deleted.
            self.discard = _button("Discard…", "discard",
                                   accessible=f"Discard the unfinished session of "
                                              f"{record.scenario_title}, {who}")
            self.discard.setToolTip("Delete this unfinished session from the journal "
                                    "(you are asked first)")
            buttons = QVBoxLayout()
            buttons.setSpacing(4)
            buttons.addWidget(self.button)
            buttons.addWidget(self.discard)
            layout.addLayout(buttons, 0, 1, 2, 1, Qt.AlignmentFlag.AlignVCenter)
        layout.setColumnStretch(0, 1)


class HomeView(QWidget):
    """Scenario cards and saved sessions.

    Signals:
        startRequested(ScenarioEntry), resumeRequested(session_id), discardRequested(session_id),
        debriefRequested(session_id), problemsRequested(ScenarioEntry),
        openFileRequested(), studioRequested(), browseRequested(), joinRequested()
    """

    startRequested = Signal(object)
    resumeRequested = Signal(str)
    discardRequested = Signal(str)
    debriefRequested = Signal(str)
    problemsRequested = Signal(object)
    openFileRequested = Signal()
    studioRequested = Signal()
    browseRequested = Signal()
    joinRequested = Signal()

    def __init__(self, library: ScenarioLibrary, journal: Journal,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.journal = journal
        self.setObjectName("page")
        self.setAccessibleName("Home")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        header = QFrame()
        header.setProperty("header", True)
        self.open_button = _button("Open scenario file…", "open-file",
                                   accessible="Open a scenario file from disk",
                                   description="Play a scenario file from anywhere (Ctrl+O)")
        self.open_button.clicked.connect(self.openFileRequested)
        self.reload_button = _button("Reload", "reload", accessible="Reload the scenario library",
                                     description="Read the scenario folders again, for new or "
                                                 "changed files")
        self.reload_button.clicked.connect(library.reload)
        self.studio_button = _button("Authoring Studio…", "studio",
                                     accessible="Open the Authoring Studio to write scenarios",
                                     description="Write, check, playtest and balance scenarios "
                                                 "(Ctrl+E)")
        self.studio_button.clicked.connect(self.studioRequested)
        self.join_button = _button("Join a session…", "join-session",
                                   accessible="Join a class session with its code",
                                   description="Join a class session played from separate "
                                               "desks, with the code the facilitator gives "
                                               "you (Ctrl+J)")
        self.join_button.clicked.connect(self.joinRequested)
        header_row = hbox(
            icon_label("app", "#ffffff", 40),
            vbox(label("Hotline", "h1", wrap=False),
                 label("Crisis-communication training: manage a military crisis when the other "
                       "side may not pick up the phone.", "muted"), spacing=0),
            self.reload_button, self.studio_button, self.join_button, self.open_button,
            spacing=14, margins=(22, 12, 22, 12))
        header_row.setStretch(1, 1)  # the titles take the room; the buttons keep their size
        header.setLayout(header_row)
        outer.addWidget(header)

        body = hbox(spacing=18, margins=(22, 16, 22, 16))
        self.scenarios = ScrollColumn(spacing=12)
        body.addWidget(self.scenarios, 3)
        side = QFrame()
        side.setProperty("panel", True)
        side.setMinimumWidth(px(330))
        side.setMaximumWidth(px(420))
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(16, 12, 16, 12)
        self.sessions = ScrollColumn(spacing=4)
        side_layout.addWidget(self.sessions)
        body.addWidget(side, 2)
        outer.addLayout(body, 1)
        self.cards: list[ScenarioCard] = []
        self.grid: QGridLayout | None = None
        self.grid_cards: list[ScenarioCard] = []
        self._columns = 0
        self.session_rows: list[SessionRow] = []
        library.loading.connect(self._loading)
        library.changed.connect(self.refresh)
        if library.loaded_once:
            self.refresh()
        else:
            self._loading()

    # -- scenarios ----------------------------------------------------------
    def _loading(self) -> None:
        clear_layout(self.scenarios.body)
        self.scenarios.body.addWidget(label("Loading scenarios…", "muted"))
        self.scenarios.body.addStretch(1)

    def refresh(self) -> None:
        clear_layout(self.scenarios.body)
        self.cards = []
        entries = self.library.entries
        ok = [e for e in entries if e.ok]
        add = self.scenarios.body.addWidget
        if not ok:
            add(label("No scenarios yet", "h2"))
            dirs = "\n".join(f"  {d}" for d in self.library.dirs)
            add(label("Hotline looks for scenario files (.yaml) in:\n" + dirs +
                      "\n\nPut one there and press Reload, or use “Open scenario file…”.", "body",
                      selectable=True))
        default = self.library.default_entry()
        if default is not None:
            add(self._card(default, featured=True))
        others = [e for e in ok if e is not default]
        self.grid = None
        self.grid_cards = []
        if others:
            add(label("MORE SCENARIOS", "eyebrow"))
            self.grid = QGridLayout()
            self.grid.setSpacing(12)
            self.grid_cards = [self._card(entry, featured=False) for entry in others]
            self._columns = 0
            self._reflow()
            self.scenarios.body.addLayout(self.grid)
        broken = [e for e in entries if not e.ok]
        for entry in broken:
            card = ProblemCard(entry)
            card.details.clicked.connect(lambda _=False, e=entry: self.problemsRequested.emit(e))
            add(card)
        self.scenarios.body.addStretch(1)
        self.refresh_sessions()
        if self.isVisible():
            self.focus_first_action()

    def grid_columns(self) -> int:
        """Two columns of cards when they fit side by side, else one (small screens)."""
        if not self.grid_cards:
            return 0
        need = 2 * max(c.minimumSizeHint().width() for c in self.grid_cards) + 12 + 8
        return 2 if self.scenarios.viewport().width() >= need else 1

    def _reflow(self) -> None:
        grid = self.grid
        if grid is None:
            return
        columns = self.grid_columns()
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.grid_cards:
            grid.removeWidget(card)
        for i, card in enumerate(self.grid_cards):
            grid.addWidget(card, i // columns, i % columns)
        for col in range(2):
            grid.setColumnStretch(col, 1 if col < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    def _card(self, entry: ScenarioEntry, featured: bool) -> ScenarioCard:
        card = ScenarioCard(entry, featured)
        card.start.clicked.connect(lambda _=False, e=entry: self.startRequested.emit(e))
        self.cards.append(card)
        return card

    # -- sessions -----------------------------------------------------------
    def refresh_sessions(self) -> None:
        from game.records.journal import JournalError

        clear_layout(self.sessions.body)
        self.session_rows = []
        add = self.sessions.body.addWidget
        try:
            records = self.journal.sessions()
        except JournalError as exc:
            add(label("SESSIONS", "eyebrow"))
            add(label(f"The session journal cannot be read: {exc}", "body", tone="bad"))
            self.sessions.body.addStretch(1)
            return
        unfinished = [r for r in records if not r.ended]
        finished = [r for r in records if r.ended][:RECENT_LIMIT]
        try:  # scenarios the journal keeps no copy of (sessions from before snapshots)
            no_copy = {content for content, _path in self.journal.missing_snapshots()}
        except JournalError:
            no_copy = {r.content_hash for r in records}
        add(label("UNFINISHED SESSIONS", "eyebrow"))
        if not unfinished:
            add(label("None. A session you leave before its end appears here, ready to resume "
                      "exactly where you stopped.", "muted"))
        for record in unfinished:
            # A session replays on the version it was played on: the journal's copy,
            # or a library file with exactly that content.
            can = (record.content_hash not in no_copy
                   or self.library.find(record.scenario_id, record.content_hash) is not None)
            try:
                decisions = sum(1 for d in self.journal.inputs(record.id)
                                if d.get("type") == "choose")
            except JournalError:
                decisions = 0
            row = SessionRow(record, can, decisions=decisions)
            row.button.clicked.connect(lambda _=False, r=record: self.resumeRequested.emit(r.id))
            if row.discard is not None:
                row.discard.clicked.connect(
                    lambda _=False, r=record: self.discardRequested.emit(r.id))
            self.session_rows.append(row)
            add(row)
        self.sessions.body.addSpacing(14)
        # The recent list's heading links to every other session (older, archived, by
        # trainee or date), in the session browser.
        self.browse_button = _button("All sessions…", "all-sessions",
                                     accessible="All sessions",
                                     description="Find any recorded session: search, filter, "
                                     "open, resume, archive or delete")
        self.browse_button.clicked.connect(self.browseRequested)
        self.sessions.body.addLayout(hbox(label("RECENT SESSIONS", "eyebrow"), None,
                                          self.browse_button))
        if not finished:
            add(label("Finished sessions and their debriefs will be listed here.", "muted"))
        for record in finished:
            row = SessionRow(record, True)
            row.button.clicked.connect(lambda _=False, r=record: self.debriefRequested.emit(r.id))
            self.session_rows.append(row)
            add(row)
        self.sessions.body.addStretch(1)

    def showEvent(self, event: QShowEvent) -> None:
        if self.library.loaded_once:
            self.refresh_sessions()
        super().showEvent(event)
        self._reflow()
        self.focus_first_action()

    def focus_first_action(self) -> None:
        """The first thing a keyboard user can press: the default scenario's Start."""
        if self.cards:
            self.cards[0].start.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.session_rows:
            self.session_rows[0].button.setFocus(Qt.FocusReason.OtherFocusReason)
