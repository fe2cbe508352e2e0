"""The main window: home → new session → the session itself, and back.

The window owns the screens and moves between them; it creates one
:class:`SessionController` per session and a :class:`SessionView` on it.
Dialogs never block the event loop (they are opened window-modal with
``open()``), so the app stays responsive and tests can close them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from . import theme
from .home_view import HomeView
from .library import ScenarioEntry, ScenarioLibrary, load_entry
from .widgets import label, vbox
from .window_registry import WindowRegistry
from .workers import run_in_background

if TYPE_CHECKING:  # the session screens are imported when first needed (faster start-up)
    from collections.abc import Callable

    from game.records.journal import Journal
    from game.sessions import ClassSession

    from .controller import DecisionClock, SessionController
    from .new_session_view import NewSessionView
    from .seat_controller import SeatController
    from .session_view import SessionView

DEFAULT_SIZE = (1280, 800)
HOME_STATUS = ("Every choice is saved the moment you confirm it; you can quit and resume at "
               "any time.")

#: Every keyboard shortcut, by where it works (F1 shows them; a test checks the menus).
SHORTCUTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Anywhere", (
        ("Ctrl+H", "home"),
        ("Ctrl+O", "open a scenario file"),
        ("Ctrl+J", "join a class session with its code (a role's desk, or the console)"),
        ("Ctrl+E", "open the Authoring Studio"),
        ("Ctrl+B", "all sessions: find, open, resume, archive or delete any session"),
        ("Ctrl+Shift+C", "open the facilitator console on the running session"),
        ("Ctrl+Shift+L", "larger type (presentation mode), on or off"),
        ("Ctrl+W, Ctrl+F4", "close a debrief, the sessions, the class, the console or the Studio"),
        ("Ctrl+Q", "quit"),
        ("F1", "this list"),
    )),
    ("Home and set-up", (
        ("Tab, Shift+Tab", "move between buttons and fields"),
        ("Enter", "press the focused button (Begin on the new-session screen)"),
        ("Esc", "back to the scenario list"),
    )),
    ("Playing", (
        ("1 … 9, 0", "pick an option"),
        ("Enter", "confirm the picked option (also from the “why?” box)"),
        ("Shift+Enter", "new line in the “why?” box"),
        ("Esc", "clear the pick, or leave the “why?” box"),
        ("P", "pause or resume (not a pause the facilitator made)"),
        ("Enter", "on a hand-over: the next role shows their screen"),
    )),
    ("Consequences and ending", (
        ("Enter", "continue / open the debrief"),
    )),
    ("Facilitator console", (
        ("Ctrl+P", "pause or resume"),
        ("Alt+1 … Alt+5", "go to Inject, Counterpart, Meters and flags, Jump, Clock"),
        ("Ctrl+N", "write an observer note"),
        ("Ctrl+Enter", "deliver the inject, or add the note"),
        ("Ctrl+Shift+F", "the trainees' window full screen"),
        ("Ctrl+Shift+S", "swap screens"),
    )),
    ("Authoring Studio", (
        ("Ctrl+N", "new scenario from the template"),
        ("Ctrl+S, Ctrl+Shift+S", "save, save as"),
        ("Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y", "undo; redo (either of the last two)"),
        ("Ctrl+F", "find"),
        ("F8", "next error or warning"),
        ("Ctrl+R", "check now"),
        ("F5", "playtest from the decision point under the cursor"),
        ("F7", "balance report"),
        ("F6, Shift+F6", "next or previous pane (browser, editor, issues, side panel)"),
        ("Esc", "leave the find bar"),
    )),
)


def shortcuts_html() -> str:
    """The shortcut list as a two-column table (keys aligned, whatever the font)."""
    from html import escape

    rows = []
    for section, keys in SHORTCUTS:
        rows.append(f'<tr><td colspan="2" style="padding-top:10px"><b>{escape(section)}</b>'
                    "</td></tr>")
        for key, what in keys:
            rows.append(f'<tr><td width="34%" style="padding-right:14px">'
                        f"<code>{escape(key)}</code></td><td>{escape(what)}</td></tr>")
    return f'<table cellspacing="0" cellpadding="2">{"".join(rows)}</table>'


class ShortcutsDialog(QDialog):
    """F1: every shortcut, in a scrolling two-column table that fits a small screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts")
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setObjectName("shortcuts-text")
        self.text.setAccessibleName("Keyboard shortcuts")
        self.text.setHtml(shortcuts_html())
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.text.setToolTip("Every keyboard shortcut of Hotline, by where it works")
        for button in buttons.buttons():
            button.setToolTip("Close this list (Esc)")
        layout.addWidget(buttons)
        from .screen_fit import fit_window

        fit_window(self, 620, 760)


class MainWindow(QMainWindow):
    """The trainee's window.

    Args:
        journal: The session store (shared by every session in this window).
        library: The scenario library (reloaded off the GUI thread).
        settings: Where geometry, theme and the last trainee name are kept.
        clock_factory: Makes each session's decision clock (tests inject a fake).
    """

    def __init__(
        self,
        journal: Journal,
        library: ScenarioLibrary,
        settings: QSettings,
        *,
        clock_factory: type[DecisionClock] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.journal = journal
        from .a11y import install as name_qt_parts

        name_qt_parts()  # Qt's own parts (spin box fields, tab bars) get names too
        self.library = library
        self.settings = settings
        self.clock_factory = clock_factory
        self.controller: SessionController | None = None
        self.session_view: SessionView | None = None
        self.new_session: NewSessionView | None = None
        # Everything this window opened: debriefs, timelines, the console, the
        # Studio and dialogs (kept while open, closed with this window).
        self.registry = WindowRegistry()
        self._pending_resume: str | None = None
        self.setWindowTitle("Hotline")
        self.setWindowIcon(theme.app_icon())
        self.setMinimumSize(960, 600)

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.home = HomeView(library, journal)
        self.stack.addWidget(self.home)
        self.loading = QWidget()
        self.loading.setObjectName("page")
        self.loading_text = label("Loading…", "h2")
        self.loading.setLayout(vbox(None, self.loading_text, None, margins=(40, 40, 40, 40)))
        self.loading_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.home.startRequested.connect(self.show_new_session)
        self.home.resumeRequested.connect(self.resume_session)
        self.home.discardRequested.connect(self.confirm_discard)
        self.home.debriefRequested.connect(self.open_debrief)
        self.home.problemsRequested.connect(
            lambda e: self.show_problems(e.path, e.problems))
        self.home.openFileRequested.connect(self.choose_scenario_file)
        self.home.studioRequested.connect(lambda: self.open_studio())
        self.home.browseRequested.connect(lambda: self.open_browser())
        self.home.joinRequested.connect(self.show_join)
        library.changed.connect(self._library_changed)
        self._build_menus()
        self.statusBar().showMessage(HOME_STATUS)
        self._restore_geometry()
        self._fill_snapshots()

    def _fill_snapshots(self) -> None:
        """Keep copies of the scenarios older sessions were played on (a journal written
        before snapshots existed), off the GUI thread, so they survive later edits."""
        from game.records.journal import JournalError
        from game.sessions import SessionService

        try:
            if not self.journal.missing_snapshots():
                return
        except JournalError:
            return
        service = SessionService(self.journal)
        run_in_background(service.fill_snapshots, lambda _stored: None, lambda _exc: None)

    # -- menus --------------------------------------------------------------
    def _build_menus(self) -> None:
        session = self.menuBar().addMenu("&Session")
        self.home_action = QAction("&Home", self)
        self.home_action.setShortcut(QKeySequence("Ctrl+H"))
        self.home_action.triggered.connect(self.go_home)
        open_action = QAction("&Open scenario file…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.choose_scenario_file)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        studio_action = QAction("Authoring &Studio…", self)
        studio_action.setShortcut(QKeySequence("Ctrl+E"))
        studio_action.triggered.connect(lambda: self.open_studio())
        browse_action = QAction("All &sessions…", self)
        browse_action.setShortcut(QKeySequence("Ctrl+B"))
        browse_action.triggered.connect(lambda: self.open_browser())
        class_action = QAction("&Class view…", self)
        class_action.triggered.connect(lambda: self.open_class())
        join_action = QAction("&Join a session…", self)
        join_action.setShortcut(QKeySequence("Ctrl+J"))
        join_action.setToolTip("Join a class session with its code: as a role's seat, or as "
                               "the facilitator's console")
        join_action.triggered.connect(self.show_join)
        for action in (self.home_action, open_action, join_action, studio_action, browse_action,
                       class_action):
            session.addAction(action)
        session.addSeparator()
        session.addAction(quit_action)
        view = self.menuBar().addMenu("&View")
        group = QActionGroup(self)
        current = self.theme_name()
        self.theme_actions: dict[str, QAction] = {}
        for name in theme.THEME_NAMES:
            action = QAction(f"{name.replace('-', ' ').capitalize()} theme", self, checkable=True)
            action.setChecked(name == current)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            group.addAction(action)
            view.addAction(action)
            self.theme_actions[name] = action
        from .facilitator.hookup import add_actions

        add_actions(self, session, view)  # facilitator console, larger type
        help_menu = self.menuBar().addMenu("&Help")
        keys = QAction("&Keyboard shortcuts", self)
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)

    def open_studio(self, path: Path | None = None) -> QWidget:
        """Open the Authoring Studio in its own window (it asks before losing edits)."""
        from .studio.window import StudioWindow

        studio = self.registry.add(StudioWindow(path), "studio")
        studio.saved.connect(lambda _path: self.library.reload())
        studio.show()
        return studio

    def theme_name(self) -> str:
        name = self.settings.value("theme", "light")
        return name if name in theme.THEME_NAMES else "light"

    def set_theme(self, name: str) -> None:
        self.settings.setValue("theme", name)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, name)
        self.home.refresh() if self.library.loaded_once else None
        if self.session_view is not None:
            self.session_view.retint()

    def show_shortcuts(self) -> None:
        self._open_dialog(ShortcutsDialog(self))

    # -- screens ------------------------------------------------------------
    def page(self) -> str:
        """Which screen is showing: home, new-session, loading, play, consequences, end."""
        current = self.stack.currentWidget()
        if current is self.home:
            return "home"
        if current is self.loading:
            return "loading"
        if current is self.new_session:
            return "new-session"
        if current is self.session_view and self.session_view is not None:
            return self.session_view.page_name()
        return ""

    def go_home(self) -> None:
        self._drop_session()
        self._drop_new_session()
        self.stack.setCurrentWidget(self.home)
        self.statusBar().showMessage(HOME_STATUS)
        self.home.refresh_sessions()
        if self.home.cards:
            self.home.cards[0].start.setFocus()

    def show_new_session(self, entry: ScenarioEntry, trainee: str = "") -> None:
        """The set-up screen; the name starts empty (a new session is usually a new trainee:
        typing must never add to the last one's name), or ``trainee`` for Play again."""
        if not entry.ok:
            self.show_problems(entry.path, entry.problems)
            return
        self._drop_new_session()
        from .new_session_view import NewSessionView

        view = NewSessionView(entry, trainee=trainee)
        view.beginRequested.connect(lambda choices: self.begin_session(entry, choices))
        view.backRequested.connect(self.go_home)
        self.new_session = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        view.focus_name()

    def begin_session(self, entry: ScenarioEntry, choices: dict[str, object]) -> None:
        assert entry.scenario is not None
        trainee = str(choices.get("trainee") or "")
        self.settings.setValue("trainee", trainee)
        from .facilitator.hookup import start_options

        roles, mode = start_options(entry.scenario, choices)  # team play, facilitator mode
        seed = choices.get("seed")
        controller = self._new_controller()
        try:
            controller.start(entry.scenario, seed=seed if isinstance(seed, int) else None,
                             roles=roles, trainee=trainee, mode=mode,
                             scenario_path=str(entry.path))
        except Exception as exc:  # the journal refused: say so, stay put
            self._drop_session()
            self.show_error("The session could not be started", str(exc))
            return
        self._drop_new_session()
        self._last_entry = entry

    def resume_session(self, session_id: str) -> None:
        """Reopen a journaled session where it stopped (replayed off the GUI thread)."""
        from game.records.journal import JournalError

        if not self.library.loaded_once:
            self._pending_resume = session_id
            self.loading_text.setText("Loading scenarios…")
            self.stack.setCurrentWidget(self.loading)
            return
        try:
            record = self.journal.session(session_id)
        except JournalError as exc:
            self.show_error("The session cannot be found", str(exc))
            return
        # The session replays on the scenario it was played on (the journal keeps
        # it); a library entry with that content only saves compiling it again.
        entry = self.library.find(record.scenario_id, record.content_hash, record.scenario_path)
        if entry is not None and entry.scenario is not None:
            self._last_entry = entry
        if record.ended:
            self.open_debrief(record.id)
            return
        if record.mode == "class":  # played from separate desks: join it, as a role or console
            self.join_class(record.id)
            return
        self._drop_new_session()
        self.loading_text.setText(f"Resuming “{record.scenario_title}”…")
        self.stack.setCurrentWidget(self.loading)
        controller = self._new_controller()
        controller.resume_in_background(record.id, entry.scenario if entry is not None else None)

    def confirm_discard(self, session_id: str) -> QMessageBox | None:
        """Ask, then delete an unfinished session from the journal (the box is returned)."""
        from game.records.journal import JournalError

        try:
            record = self.journal.session(session_id)
        except JournalError as exc:
            self.show_error("The session cannot be found", str(exc))
            return None
        who = record.trainee or "an unnamed trainee"
        box = QMessageBox(
            QMessageBox.Icon.Question, "Discard this session?",
            f"Discard the unfinished session of “{record.scenario_title}” played by {who} "
            f"(session {record.id})?\n\nIt is deleted from the journal: it can no longer be "
            "resumed or debriefed.", QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("discard-confirm")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(button: QAbstractButton) -> None:
            if box.standardButton(button) != QMessageBox.StandardButton.Discard:
                return
            try:
                self.journal.delete_session(record.id)
            except JournalError as exc:
                self.show_error("The session could not be discarded", str(exc))
                return
            self.statusBar().showMessage(f"Discarded session {record.id}.", 8000)
            self.home.refresh_sessions()

        box.buttonClicked.connect(answered)
        self._open_dialog(box)
        return box

    def _library_changed(self) -> None:
        if self._pending_resume is not None:
            session_id, self._pending_resume = self._pending_resume, None
            self.stack.setCurrentWidget(self.home)
            self.resume_session(session_id)

    # -- a class session joined with its code -------------------------------------------
    def show_join(self) -> QWidget:
        """The Join a session dialog (a code → a role's seat or the facilitator's console)."""
        from .join_dialog import JoinDialog

        dialog = JoinDialog(self.journal, self)
        dialog.joined.connect(self.adopt_seat)
        self._open_dialog(dialog)
        dialog.code.setFocus()
        return dialog

    def join_class(self, session_id: str) -> QWidget:
        """The Join dialog, already looking up a class session of this journal."""
        from game.records.seating import Seating, format_join_code

        dialog = self.show_join()
        code = Seating(self.journal).new_join_code(session_id)
        dialog.code.setText(format_join_code(code))  # type: ignore[attr-defined]
        dialog.look_up()  # type: ignore[attr-defined]
        return dialog

    def adopt_seat(self, desk: ClassSession, store: str, owned: bool) -> SeatController:
        """Play a joined class session here: a role's seat, or (no role) the console."""
        from .seat_controller import SeatController
        from .seat_view import attach_class_console, attach_seat_view

        self._drop_new_session()

        def make(clock: DecisionClock | None) -> SessionController:
            return SeatController(desk, store, own_journal=owned, clock=clock, parent=self)

        controller = self._new_controller(make)
        assert isinstance(controller, SeatController) and self.session_view is not None
        attach_seat_view(self.session_view, controller)
        controller.begin()
        who = "facilitator's console" if desk.role is None else \
            f"{desk.role_title(desk.role)}'s desk"
        self.setWindowTitle(f"Hotline — {desk.scenario.model.title} — {who}")
        self.statusBar().showMessage(
            f"Class session {desk.id}, code {desk.join_code()}, on {desk.journal.location.display}"
            " · every choice is saved the moment it is confirmed; the other desks see it at once.")
        if desk.role is None:
            from .facilitator.hookup import open_console

            console = open_console(self, controller, presentation=False)
            attach_class_console(console, controller)
        return controller

    def _new_controller(self, make: Callable[[DecisionClock | None], SessionController] | None
                        = None) -> SessionController:
        from .controller import SessionController
        from .session_view import SessionView

        self._drop_session()
        clock = self.clock_factory() if self.clock_factory is not None else None
        controller = (make(clock) if make is not None else
                      SessionController(self.journal, clock=clock, parent=self))
        view = SessionView(controller)
        view.debriefRequested.connect(self.open_debrief)
        view.homeRequested.connect(self.go_home)
        view.againRequested.connect(self._again)
        controller.errorRaised.connect(lambda text: self.show_error("Hotline", text))
        controller.sessionStarted.connect(self._session_started)
        controller.busyChanged.connect(
            lambda busy: self._resume_failed() if not busy and controller.session is None
            else None)
        self.controller = controller
        self.session_view = view
        self.stack.addWidget(view)
        return controller

    def _resume_failed(self) -> None:
        """A background resume gave nothing to show: go home (the error dialog says why)."""
        if self.stack.currentWidget() is self.loading:
            self.go_home()

    def _session_started(self, session_id: str) -> None:
        if self.session_view is not None:
            self.stack.setCurrentWidget(self.session_view)
            self.session_view.focus_first()
        controller = self.controller
        title = controller.scenario.model.title if controller and controller.session else ""
        self.setWindowTitle(f"Hotline — {title}" if title else "Hotline")
        recorded = controller.recorded if controller is not None else None
        if recorded is not None and (recorded.version.edited or recorded.version.missing):
            # Resumed on the version it was played on, which the journal keeps.
            self.statusBar().showMessage(
                f"Session {session_id} was {recorded.version.describe()}; it continues on "
                "that version, kept in the journal.")
        else:
            self.statusBar().showMessage(
                f"Session {session_id} · each choice is saved as you confirm it; "
                "resume any time from home.")
        from .facilitator.hookup import session_started

        session_started(self, session_id)  # facilitator mode: the console, larger type

    def _again(self) -> None:
        entry = getattr(self, "_last_entry", None)
        if entry is not None:  # the same trainee plays again: keep their name (selected)
            trainee = self.controller.trainee if self.controller is not None else ""
            self.show_new_session(entry, trainee=trainee)

    def _drop_session(self) -> None:
        if self.controller is not None:
            self.controller.close()
            self.controller.deleteLater()
            self.controller = None
        if self.session_view is not None:
            self.stack.removeWidget(self.session_view)
            self.session_view.deleteLater()
            self.session_view = None
        self.setWindowTitle("Hotline")

    def _drop_new_session(self) -> None:
        if self.new_session is not None:
            self.stack.removeWidget(self.new_session)
            self.new_session.deleteLater()
            self.new_session = None

    # -- scenario files -------------------------------------------------------
    def choose_scenario_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a scenario file", str(self.library.dirs[0] if self.library.dirs else ""),
            "Scenario files (*.yaml *.yml);;All files (*)")
        if path:
            self.open_scenario_file(Path(path))

    def open_scenario_file(self, path: Path) -> None:
        """Load a scenario off the GUI thread; open set-up, or list its problems."""
        self.statusBar().showMessage(f"Loading {path.name}…")

        def done(entry: ScenarioEntry) -> None:
            self.statusBar().clearMessage()
            if entry.ok:
                self.show_new_session(entry)
            else:
                self.show_problems(entry.path, entry.problems)

        def failed(exc: BaseException) -> None:
            self.show_problems(path, [f"{path}: {exc}"])

        run_in_background(lambda: load_entry(path), done, failed)

    def show_problems(self, path: Path | str, problems: list[str]) -> None:
        from .error_dialog import ScenarioErrorDialog

        dialog = ScenarioErrorDialog(path, problems, self)
        self._open_dialog(dialog)

    def show_error(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self)
        box.setObjectName("error")
        self._open_dialog(box)

    def _open_dialog(self, dialog: QWidget) -> None:
        self.registry.add(dialog, "dialog")
        dialog.open()  # type: ignore[attr-defined]

    @property
    def windows(self) -> list[QWidget]:
        """Open debriefs, timelines and the facilitator console (oldest first)."""
        return self.registry.of("debrief", "timeline", "console")

    @property
    def dialogs(self) -> list[QWidget]:
        """Open dialogs (oldest first)."""
        return self.registry.of("dialog")

    # -- debrief --------------------------------------------------------------
    def open_debrief(self, session_id: str) -> QWidget | None:
        """Open the debrief window (or, until it exists, the session's timeline)."""
        from game.records.journal import JournalError

        try:
            record = self.journal.session(session_id)
        except JournalError as exc:
            self.show_error("The session cannot be found", str(exc))
            return None
        entry = self.library.find(record.scenario_id, record.content_hash, record.scenario_path)
        scenario = entry.scenario if entry is not None else None
        ctrl = self.controller
        if scenario is None and ctrl is not None and ctrl.session is not None \
                and ctrl.session_id == record.id:
            scenario = ctrl.scenario
        window: QWidget
        try:
            from .debrief_window import DebriefWindow
        except ImportError:
            from .timeline_view import TimelineWindow

            window = self.registry.add(TimelineWindow(self.journal, record.id, scenario),
                                       "timeline")
        else:
            window = self.registry.add(DebriefWindow(self.journal, record.id, scenario),
                                       "debrief")
        window.setWindowIcon(self.windowIcon())
        window.show()
        window.raise_()
        return window

    # -- the instructor's desk: every session, a class ---------------------------
    def open_browser(self) -> QWidget:
        """Open (or bring forward) the session browser."""
        from .session_browser import SessionBrowser

        found = self.registry.find("browser")
        if found is not None:
            found.show()
            found.raise_()
            found.activateWindow()
            return found
        browser = self.registry.add(SessionBrowser(self.journal), "browser")
        browser.debriefRequested.connect(self.open_debrief)
        browser.resumeRequested.connect(self._resume_from_browser)
        browser.classRequested.connect(lambda scenario_id: self.open_class(scenario_id))
        browser.setWindowIcon(self.windowIcon())
        browser.show()
        return browser

    def _resume_from_browser(self, session_id: str) -> None:
        self.raise_()
        self.activateWindow()
        self.resume_session(session_id)

    def open_class(self, scenario_id: str | None = None) -> QWidget:
        """Open the Class window (every trainee of a scenario side by side)."""
        from .class_window import ClassWindow

        window = self.registry.add(ClassWindow(self.journal, self.library, scenario_id),
                                   "class")
        window.openSession.connect(self.open_debrief)
        window.setWindowIcon(self.windowIcon())
        window.show()
        return window

    # -- geometry -----------------------------------------------------------
    def _restore_geometry(self) -> None:
        from .screen_fit import restore_geometry

        # A size saved on a bigger monitor is shrunk to this screen's free area.
        restore_geometry(self, self.settings.value("window/geometry"), DEFAULT_SIZE)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        # The Studio keeps running (it asks before losing edits); the rest closes.
        self.registry.close_all("debrief", "timeline", "console", "dialog", "browser", "class")
        if self.controller is not None:
            self.controller.close()
        super().closeEvent(event)
