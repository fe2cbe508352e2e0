"""The authoring Studio: write a scenario with live checks, its graph, playtests and balance.

Left, a scenario browser (shipped scenarios, the author's own, templates).
In the middle, the YAML editor and, below it, the issue list: validation and
lint run as you type (debounced, on a worker thread), problems are marked on
their lines, and clicking an issue jumps to it. Right, three tabs: the flow
graph (follows edits, click a node to jump to its text), Playtest (start
from any node with chosen meters and flags; replays your choices after you
save), and Balance (the live balance, 10,000 games after each edit that loads,
and the full report with charts; both off the GUI thread).

Saving writes the editor's text exactly as it is, so comments and layout are
kept. New scenarios are saved in the user's scenarios folder; the bundled
scenarios are never written: saving one asks where to put the user's own copy
(in that folder too). The text is backed up automatically (every few seconds
after a change, on save and on close) to the user data folder.
"""

from __future__ import annotations

import html
import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from game import paths

from .backups import Backups
from .balance_panel import BalancePanel
from .checker import CheckResult, LiveChecker
from .editor import Marker, ScenarioEditor
from .graph import FlowGraphView, flags_from
from .playtest import PlaytestPanel, PlaytestRunner, PlaytestSetup, PlaytestWindow

if TYPE_CHECKING:
    from game.scenario.compile import CompiledScenario
    from game.scenario.lint import LintResult

TEMPLATES = paths.templates_dir()
TEMPLATE = TEMPLATES / "new-scenario.yaml"
BACKUP_EVERY_MS = 15_000


def _scenario_dirs() -> list[tuple[str, Path]]:
    return [("Bundled (read-only)", paths.bundled_scenarios_dir()),
            ("My scenarios", paths.user_scenarios_dir()), ("Templates", TEMPLATES)]


def _slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    value = re.sub(r"^[^a-z]+", "", value)[:48].strip("-")
    return value or "new-scenario"


def template_text(title: str, scenario_id: str) -> str:
    """The new-scenario template with its id and title filled in."""
    text = TEMPLATE.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: {scenario_id}", text, count=1)
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    text = re.sub(r"(?m)^title: .*$", f'title: "{quoted}"', text, count=1)
    return text


class ScenarioBrowser(QTreeWidget):
    """Scenario files by folder; activating one asks the Studio to open it.

    Signals:
        openRequested(Path)
    """

    openRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setAccessibleName("Scenario browser")
        self.setMinimumWidth(150)  # file names stay readable on a small screen
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.itemActivated.connect(self._activated)
        self.itemDoubleClicked.connect(self._activated)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the folders."""
        self.clear()
        for title, folder in _scenario_dirs():
            group = QTreeWidgetItem([title])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setToolTip(0, str(folder))
            files = sorted(folder.glob("*.y*ml")) if folder.is_dir() else []
            for path in files:
                item = QTreeWidgetItem([path.stem])
                item.setData(0, Qt.ItemDataRole.UserRole, str(path))
                item.setToolTip(0, f"{path}\nDouble-click to open")
                group.addChild(item)
            if not files:
                empty = QTreeWidgetItem(["(none yet)"])
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                group.addChild(empty)
            self.addTopLevelItem(group)
            group.setExpanded(True)

    def files(self) -> list[Path]:
        """Every file listed."""
        out: list[Path] = []
        for i in range(self.topLevelItemCount()):
            group = self.topLevelItem(i)
            if group is None:
                continue
            for j in range(group.childCount()):
                child = group.child(j)
                data = child.data(0, Qt.ItemDataRole.UserRole) if child is not None else None
                if data:
                    out.append(Path(data))
        return out

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data:
            self.openRequested.emit(Path(data))


class IssueList(QWidget):
    """Errors and warnings of the text; click one to jump to its line.

    Signals:
        jumpRequested(line, col)
    """

    jumpRequested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        head = QHBoxLayout()
        head.setContentsMargins(6, 4, 6, 0)
        self.summary = QLabel("Checking…")
        self.summary.setAccessibleName("Check summary")
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        head.addWidget(self.summary, 1)
        self.show_warnings = QCheckBox("Show warnings")
        self.show_warnings.setToolTip("List lint warnings as well as errors")
        self.show_warnings.setChecked(True)
        self.show_warnings.toggled.connect(self._refill)
        head.addWidget(self.show_warnings)
        layout.addLayout(head)
        self.list = QListWidget()
        self.list.setToolTip("Errors and warnings; Enter or a click jumps to the line")
        self.list.setAccessibleName("Issues")
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._clicked)
        self.list.itemClicked.connect(self._clicked)
        self.list.setWordWrap(True)
        layout.addWidget(self.list, 1)
        self.diagnostics: list[Any] = []

    def set_diagnostics(self, diagnostics: list[Any], valid: bool, seconds: float) -> None:
        """Show a check's diagnostics."""
        self.diagnostics = list(diagnostics)
        errors = sum(1 for d in diagnostics if d.severity == "error")
        warnings = len(diagnostics) - errors
        if errors:
            text = f"✗ {errors} error{'s' if errors != 1 else ''}"
            color = self._tone("bad").name()
        elif warnings:
            text = "✓ Valid"
            color = self._tone("warn").name()
        else:
            text = "✓ Valid, nothing to report"
            color = self._tone("good").name()
        if warnings:
            text += f" · {warnings} warning{'s' if warnings != 1 else ''}"
        if not valid and not errors:
            text = "✗ Does not load"
            color = self._tone("bad").name()
        self.summary.setText(f"{text}   ({seconds * 1000:.0f} ms)")
        self.summary.setStyleSheet(f"color: {color}")
        self._refill()

    def _refill(self) -> None:
        self.list.clear()
        show_warnings = self.show_warnings.isChecked()
        ordered = sorted(self.diagnostics, key=lambda d: (d.severity != "error", d.line, d.col))
        for d in ordered:
            if d.severity == "warning" and not show_warnings:
                continue
            where = f"line {d.line}" if d.line else "file"
            icon = "✗" if d.severity == "error" else "⚠"
            text = f"{icon}  {where}: {d.message}"
            if d.fix:
                text += f"\n      fix: {d.fix}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (d.line, d.col))
            tip = f"{d.severity} [{d.code}] at {d.path or 'the file'}"
            item.setToolTip(tip)
            item.setForeground(self._tone("bad" if d.severity == "error" else "warn"))
            self.list.addItem(item)

    @staticmethod
    def _tone(name: str) -> QColor:
        from game.ui import theme

        return QColor(theme.colors(theme.current_theme()).get(name, "#b3261e"))

    def _clicked(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data and data[0]:
            self.jumpRequested.emit(int(data[0]), int(data[1]))


class StudioWindow(QMainWindow):
    """The authoring Studio for one scenario file at a time.

    Args:
        path: A scenario file to open, or None to start from the template.
        parent: Parent widget (usually None: the Studio is its own window).
        balance_workers: Processes for the balance report (None: every core).

    Signals:
        saved(Path): The text was written to this file.
    """

    saved = Signal(object)

    def __init__(self, path: Path | None = None, parent: QWidget | None = None, *,
                 balance_workers: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("studio")
        from game.ui.a11y import install as name_qt_parts

        name_qt_parts()  # Qt's own parts (spin box fields, tab bars) get names too
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.path: Path | None = None
        self.suggested_path: Path | None = None
        self.scenario: CompiledScenario | None = None
        self.result: LintResult | None = None
        self._loading = False
        self._replay_after_check: str | None = None
        self.playtest_window: PlaytestWindow | None = None
        self.runner: PlaytestRunner | None = None
        self._node_lines: dict[str, int] = {}
        self._ending_lines: dict[str, int] = {}
        self._backups: Backups | None = None

        self.editor = ScenarioEditor(theme=self._theme())
        self.issues = IssueList()
        self.browser = ScenarioBrowser()
        self.graph = FlowGraphView()
        self.playtest = PlaytestPanel()
        self.balance = BalancePanel(workers=balance_workers)
        self.checker = LiveChecker(parent=self)
        self._build()
        self._connect()
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_EVERY_MS)
        self._backup_timer.setSingleShot(True)
        self._backup_timer.timeout.connect(self.backup)
        from game.ui.screen_fit import fit_window

        fit_window(self, 1440, 900, min_width=900, min_height=560)
        if path is not None:
            self.open_file(Path(path))
        else:
            self.new_from_template(title="New scenario", ask=False)
            # An untouched template holds nothing of the author's: closing need not ask.
            self.editor.document().setModified(False)
            self._update_title()

    # --- construction ---
    @staticmethod
    def _theme() -> str:
        app = QApplication.instance()
        name = app.property("hotlineTheme") if app is not None else None
        from game.ui.theme import THEME_NAMES

        return name if name in THEME_NAMES else "light"

    def _build(self) -> None:
        """Lay the window out: toolbar and menus, the editor with its find bar and
        issues, the side panels (graph, playtest, balance) and the scenario browser."""
        self._build_toolbar()
        self._build_menus()
        self._build_find_bar()
        center = self._build_center()
        self._build_side()
        self._build_frame(center)

    def _action(self, text: str, slot: Any,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "") -> QAction:
        """A window action with its shortcut and tooltip."""
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(tip or text)
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _build_toolbar(self) -> None:
        """The toolbar and the actions it shares with the menus."""
        tools = QToolBar("Studio")
        tools.setObjectName("studioTools")
        tools.setMovable(False)
        tools.setIconSize(QSize(16, 16))
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(tools)

        self.new_menu = QMenu("New", self)
        self.act_new_template = self._action("New scenario from the template…",
                                             lambda: self.new_from_template(),
                                             QKeySequence.StandardKey.New)
        self.act_new_msel = self._action("New scenario from an MSEL table (CSV)…",
                                         lambda: self.new_from_msel())
        self.new_menu.addAction(self.act_new_template)
        self.new_menu.addAction(self.act_new_msel)
        new_button = QToolButton()
        new_button.setText("New")
        new_button.setMenu(self.new_menu)
        new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        new_button.setToolTip("Create a scenario from the template or from an MSEL table")
        tools.addWidget(new_button)
        self.act_open = self._action("Open…", lambda: self.choose_file(),
                                     QKeySequence.StandardKey.Open)
        self.act_save = self._action("Save", lambda: self.save(), QKeySequence.StandardKey.Save,
                                     "Save the text exactly as written (Ctrl+S)")
        self.act_save_as = self._action("Save as…", lambda: self.save_as(),
                                        QKeySequence.StandardKey.SaveAs)
        tools.addAction(self.act_open)
        tools.addAction(self.act_save)
        tools.addAction(self.act_save_as)
        tools.addSeparator()
        self.act_undo = self._action("Undo", self.editor.undo, QKeySequence.StandardKey.Undo)
        self.act_redo = self._action("Redo", self.editor.redo, QKeySequence.StandardKey.Redo)
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        tools.addAction(self.act_undo)
        tools.addAction(self.act_redo)
        tools.addSeparator()
        self.act_find = self._action("Find…", self.show_find, QKeySequence.StandardKey.Find)
        tools.addAction(self.act_find)
        self.act_next_issue = self._action("Next issue", self.next_issue, "F8",
                                           "Jump to the next error or warning (F8)")
        tools.addAction(self.act_next_issue)
        self.act_playtest = self._action("Playtest here", self.playtest_here, "F5",
                                         "Playtest from the decision point under the cursor (F5)")
        tools.addAction(self.act_playtest)
        self.act_backups = self._action("Backups…", self.show_backups, None,
                                        "Restore an automatic backup of this scenario")
        tools.addAction(self.act_backups)

    def _build_menus(self) -> None:
        """File, Edit and Run menus (the toolbar's actions and a few more)."""
        menu = self.menuBar().addMenu("&File")
        menu.addMenu(self.new_menu)
        for act in (self.act_open, self.act_save, self.act_save_as, self.act_backups):
            menu.addAction(act)
        menu.addSeparator()
        close = self._action("Close", self.close)
        from game.ui.widgets import close_keys

        close.setShortcuts(close_keys())
        menu.addAction(close)
        edit = self.menuBar().addMenu("&Edit")
        for act in (self.act_undo, self.act_redo, self.act_find, self.act_next_issue):
            edit.addAction(act)
        run = self.menuBar().addMenu("&Run")
        run.addAction(self.act_playtest)
        act_balance = self._action("Balance report", self.show_balance, "F7",
                                   "Show the balance panel (F7)")
        run.addAction(act_balance)
        act_check = self._action("Check now", lambda: self._schedule_check(now=True), "Ctrl+R")
        run.addAction(act_check)
        # Keyboard users move between the panes (Tab is two spaces in the editor).
        self.act_next_pane = self._action("Next pane", lambda: self.focus_pane(1), "F6",
                                          "Move to the next pane (F6)")
        self.act_prev_pane = self._action("Previous pane", lambda: self.focus_pane(-1),
                                          "Shift+F6", "Move to the previous pane (Shift+F6)")
        view = self.menuBar().addMenu("&View")
        view.addAction(self.act_next_pane)
        view.addAction(self.act_prev_pane)

    def _build_find_bar(self) -> None:
        """The find bar (hidden until Ctrl+F)."""
        self.find_bar = QFrame()
        find_row = QHBoxLayout(self.find_bar)
        find_row.setContentsMargins(6, 2, 6, 2)
        find_row.addWidget(QLabel("Find"))
        self.find_text = QLineEdit()
        self.find_text.setAccessibleName("Find")
        self.find_text.setToolTip("Text to find; Enter finds the next")
        self.find_text.setPlaceholderText("text to find (Enter: next)")
        self.find_text.returnPressed.connect(self.find_next)
        find_row.addWidget(self.find_text, 1)
        close_find = QPushButton("✕")
        close_find.setAccessibleName("Close the find bar")
        close_find.setFlat(True)
        close_find.setToolTip("Close the find bar (Esc)")
        close_find.clicked.connect(self.find_bar.hide)
        find_row.addWidget(close_find)
        self.find_bar.hide()

    def _build_center(self) -> QWidget:
        """The file name, the find bar, and the editor above its issue list."""
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.setSpacing(0)
        self.file_label = QLabel("")
        self.file_label.setContentsMargins(8, 4, 8, 4)
        self.file_label.setAccessibleName("File")
        self.file_label.setWordWrap(True)  # a long path wraps instead of being cut
        center_layout.addWidget(self.file_label)
        center_layout.addWidget(self.find_bar)
        self.lock_bar = QFrame()
        self.lock_bar.setObjectName("editor-locked")
        self.lock_bar.setProperty("banner", "info")
        lock_row = QHBoxLayout(self.lock_bar)
        lock_row.setContentsMargins(8, 4, 8, 4)
        lock_text = QLabel("A playtest is running: the editor is locked so keys meant for the "
                           "playtest cannot change your text.")
        lock_text.setWordWrap(True)
        lock_row.addWidget(lock_text, 1)
        self.unlock_button = QPushButton("Edit the scenario")
        self.unlock_button.setObjectName("unlock-editor")
        self.unlock_button.setToolTip("Unlock the editor; save to replay the playtest on the "
                                      "new text")
        self.unlock_button.clicked.connect(self.edit_during_playtest)
        lock_row.addWidget(self.unlock_button)
        self.lock_bar.hide()
        center_layout.addWidget(self.lock_bar)
        editor_split = QSplitter(Qt.Orientation.Vertical)
        editor_split.addWidget(self.editor)
        editor_split.addWidget(self.issues)
        editor_split.setStretchFactor(0, 4)
        editor_split.setStretchFactor(1, 1)
        editor_split.setSizes([640, 200])
        center_layout.addWidget(editor_split, 1)
        return center

    def _build_side(self) -> None:
        """The side panels: the flow graph (with zoom and legend), playtest, balance."""
        self.side = QTabWidget()
        self.side.setAccessibleName("Studio panels")
        graph_page = QWidget()
        graph_layout = QVBoxLayout(graph_page)
        graph_layout.setContentsMargins(0, 0, 0, 0)
        graph_layout.setSpacing(0)
        graph_bar = QHBoxLayout()
        graph_bar.setContentsMargins(8, 4, 8, 4)
        self.graph_note = QLabel("")
        self.graph_note.setWordWrap(True)
        graph_bar.addWidget(self.graph_note, 1)
        for text, slot, tip in (("−", lambda: self.graph.zoom(1 / 1.25), "Zoom out"),
                                ("+", lambda: self.graph.zoom(1.25), "Zoom in (Ctrl+wheel)"),
                                ("Fit", self.graph.fit,
                                 "The whole flow, never larger than its actual size"),
                                ("All", self.graph.fit_all,
                                 "The whole flow, as large as the pane allows")):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAccessibleName({"−": "Zoom out", "+": "Zoom in"}.get(text, text))
            button.setAccessibleDescription(tip)
            button.setMinimumWidth(48 if len(text) > 1 else 40)
            button.clicked.connect(slot)
            graph_bar.addWidget(button)
        graph_layout.addLayout(graph_bar)
        graph_layout.addWidget(self.graph, 1)
        legend = QLabel(self._legend_html())
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setWordWrap(True)
        legend.setContentsMargins(8, 4, 8, 6)
        graph_layout.addWidget(legend)
        self.side.addTab(graph_page, "Flow graph")
        self.side.addTab(self.playtest, "Playtest")
        self.side.addTab(self.balance, "Balance")

    def _build_frame(self, center: QWidget) -> None:
        """Browser | editor | side panels, and the status bar."""
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        title = QLabel("SCENARIOS")
        title.setProperty("role", "eyebrow")
        left_layout.addWidget(title)
        left_layout.addWidget(self.browser, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(center)
        split.addWidget(self.side)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 3)
        self.main_split = split
        self._sized = False
        self.setCentralWidget(split)
        self.check_status = QLabel("")
        self.save_status = QLabel("")
        self.statusBar().addWidget(self.check_status, 1)
        self.statusBar().addPermanentWidget(self.save_status)

    @staticmethod
    def _legend_html() -> str:
        from game.vocabulary import OPTION_KINDS

        swatches = " ".join(
            f'<span style="color:{k.colour}">■</span>&nbsp;{k.label.lower()}'
            for k in OPTION_KINDS.values())
        return (f"<small>Arrows by option kind: {swatches}<br>"
                '<span style="color:#1f5fbf">■</span>&nbsp;start &nbsp; '
                '<span style="color:#2e7d32">●</span>/<span style="color:#b7790f">●</span>/'
                '<span style="color:#c62828">●</span>&nbsp;endings (good/mixed/bad) &nbsp; '
                "red outline: dead end or never reached · grey dashed: unreachable · "
                "click a node to see its text</small>")

    def _connect(self) -> None:
        doc = self.editor.document()
        doc.contentsChanged.connect(self._text_changed)
        doc.undoAvailable.connect(self.act_undo.setEnabled)
        doc.redoAvailable.connect(self.act_redo.setEnabled)
        doc.modificationChanged.connect(lambda _m: self._update_title())
        self.checker.checked.connect(self._checked)
        self.checker.started.connect(lambda: self.check_status.setText("Checking…"))
        self.checker.failed.connect(self.check_status.setText)
        self.issues.jumpRequested.connect(self.editor.go_to)
        self.editor.markerClicked.connect(self._marker_clicked)
        self.editor.cursorLineChanged.connect(self._cursor_line)
        self.graph.activated.connect(self.jump_to_item)
        self.browser.openRequested.connect(self._browse_open)
        self.playtest.startRequested.connect(self.start_playtest)

    # --- documents ---
    def _set_text(self, text: str) -> None:
        self._loading = True
        self.editor.setPlainText(text)
        self.editor.document().clearUndoRedoStacks()
        self.editor.document().setModified(False)
        self._loading = False
        self._schedule_check(now=True)

    def open_file(self, path: Path) -> bool:
        """Open a scenario file in the editor (asks to save unsaved changes first)."""
        if not self._maybe_save():
            return False
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            QMessageBox.warning(self, "Cannot open", f"{path} could not be read: {exc}")
            return False
        self.path = path
        self.suggested_path = None
        self._backups = Backups(str(path.resolve()))
        self._set_text(text)
        self._update_title()
        self.save_status.setText(f"Opened {path.name}")
        return True

    def open_text(self, text: str, suggested: Path | None = None) -> None:
        """Open unsaved text (a new scenario); Save will ask where, suggesting ``suggested``."""
        self.path = None
        self.suggested_path = suggested
        key = f"untitled:{suggested.name if suggested else 'scenario'}:" \
              f"{datetime.now().strftime('%Y%m%d%H%M%S%f')}"
        self._backups = Backups(key)
        self._set_text(text)
        self.editor.document().setModified(True)
        self._update_title()
        self.save_status.setText("New scenario — not saved yet")

    def new_from_template(self, title: str | None = None, ask: bool = True) -> bool:
        """Start a new scenario from the template (asks for its title)."""
        if ask and not self._maybe_save():
            return False
        if title is None:
            title, ok = QInputDialog.getText(self, "New scenario",
                                             "Title of the new scenario:", text="New scenario")
            if not ok:
                return False
        title = title.strip() or "New scenario"
        ident = _slug(title)
        self.open_text(template_text(title, ident), paths.user_scenarios_dir() / f"{ident}.yaml")
        return True

    def new_from_msel(self, csv_path: Path | None = None) -> bool:
        """Start a new scenario skeleton from an MSEL CSV file."""
        if not self._maybe_save():
            return False
        if csv_path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Import an MSEL table", str(Path.home()),
                "CSV tables (*.csv);;All files (*)")
            if not chosen:
                return False
            csv_path = Path(chosen)
        from game.analysis.msel import MselError, read_msel_file, skeleton_yaml

        try:
            rows = read_msel_file(csv_path)  # a regular file within limits: never hangs
        except MselError as exc:
            QMessageBox.warning(self, "Cannot import the MSEL",
                                f"{csv_path.name} could not be imported:\n{exc}")
            return False
        ident = _slug(csv_path.stem)
        text = skeleton_yaml(rows, scenario_id=ident,
                             title=csv_path.stem.replace("-", " ").replace("_", " ").title(),
                             source=csv_path.name)
        self.open_text(text, paths.user_scenarios_dir() / f"{ident}.yaml")
        self.save_status.setText(f"Imported {len(rows)} MSEL rows — search for TODO")
        return True

    def choose_file(self) -> None:
        """Ask for a scenario file and open it."""
        start = str(self.path.parent if self.path else _scenario_dirs()[0][1])
        chosen, _ = QFileDialog.getOpenFileName(self, "Open a scenario", start,
                                                "Scenarios (*.yaml *.yml);;All files (*)")
        if chosen:
            self.open_file(Path(chosen))

    def _browse_open(self, path: Path) -> None:
        if self.path is not None and path.resolve() == self.path.resolve():
            return
        self.open_file(path)

    def text(self) -> str:
        """The editor's text."""
        return self.editor.toPlainText()

    @property
    def read_only(self) -> bool:
        """True for a bundled scenario: Save makes the user's own copy instead."""
        return self.path is not None and paths.is_bundled(self.path)

    def save(self) -> bool:
        """Write the text as it is to the file (asks for a name if it has none).

        A bundled scenario is never overwritten: Save asks where to put a copy.
        """
        if self.path is None or self.read_only:
            return self.save_as()
        return self._write(self.path)

    def _save_as_start(self) -> Path:
        """Where Save as proposes to save: the user's scenarios folder, unless
        the file already lives somewhere of the user's choosing."""
        if self.suggested_path is not None:
            return self.suggested_path
        if self.path is not None and not self.read_only:
            return self.path
        name = self.path.name if self.path is not None else "scenario.yaml"
        return paths.user_scenarios_dir() / name

    def save_as(self, path: Path | None = None) -> bool:
        """Write the text to a new file (a bundled scenario's copy goes to the user's folder)."""
        if path is None:
            start = self._save_as_start()
            try:
                start.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # the dialog still opens; writing reports any real problem
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the scenario as", str(start),
                                                    "Scenarios (*.yaml *.yml)")
            if not chosen:
                return False
            path = Path(chosen)
            if path.suffix not in (".yaml", ".yml"):
                path = path.with_suffix(".yaml")
        if paths.is_bundled(path):
            QMessageBox.warning(
                self, "Not saved",
                f"{path.name} is one of the scenarios bundled with Hotline, which are "
                f"read-only. Save your copy in your scenarios folder instead:\n"
                f"{paths.user_scenarios_dir()}")
            return False
        if not self._write(path):
            return False
        self.path = path
        self.suggested_path = None
        self._backups = Backups(str(path.resolve()))
        self.backup()
        self.browser.refresh()
        self._update_title()
        return True

    def _write(self, path: Path) -> bool:
        text = self.text()
        if not text.endswith("\n"):
            text += "\n"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.saving")
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            QMessageBox.warning(self, "Not saved",
                                f"The scenario could not be saved to {path}:\n"
                                f"{exc.strerror or exc}\n\nYour text is still in the editor "
                                "and in the automatic backups.")
            return False
        self.editor.document().setModified(False)
        self.save_status.setText(f"Saved {path.name} at {datetime.now():%H:%M:%S}")
        self.backup()
        self.saved.emit(path)
        if self.runner is not None and self.runner.setup is not None:
            self._replay_after_check = self.text()
        self._schedule_check(now=True)
        return True

    def _maybe_save(self) -> bool:
        """True when it is fine to replace the text (saved, discarded or unchanged)."""
        if not self.editor.document().isModified():
            return True
        self.backup()
        answer = QMessageBox.question(
            self, "Unsaved changes",
            "The scenario has changes that are not saved. Save them first?\n"
            "(A backup is kept either way.)",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _update_title(self) -> None:
        name = self.path.name if self.path else (self.suggested_path.name
                                                 if self.suggested_path else "untitled")
        star = "*" if self.editor.document().isModified() else ""
        locked = " (read-only)" if self.read_only else ""
        self.setWindowTitle(f"{star}{name}{locked} — Hotline Studio")
        where = html.escape(str(self.path)) if self.path else "not saved yet"
        if self.read_only:
            where = ("bundled with Hotline, read-only: Save makes your own copy in "
                     "My scenarios")
        self.file_label.setText(f"<b>{star}{html.escape(name)}</b> &nbsp; <small>{where}</small>")
        self.file_label.setToolTip(str(self.path) if self.path else "")

    # --- backups ---
    def backup(self) -> None:
        """Keep a copy of the current text in the backups folder."""
        if self._backups is None:
            return
        try:
            taken = self._backups.save(self.text())
        except OSError as exc:
            self.save_status.setText(f"⚠ Backup failed: {exc.strerror or exc}")
            return
        if taken is not None and not self.save_status.text().startswith("Saved"):
            self.save_status.setText(f"Backed up at {taken.taken:%H:%M:%S}")

    def show_backups(self) -> None:
        """Offer the automatic backups of this scenario for restoring."""
        if self._backups is None:
            return
        items = self._backups.list()
        if not items:
            QMessageBox.information(self, "Backups", "There are no backups of this scenario yet.")
            return
        labels = [f"{b.taken:%Y-%m-%d %H:%M:%S}" for b in items]
        chosen, ok = QInputDialog.getItem(
            self, "Restore a backup",
            f"Backups are kept in {self._backups.folder}.\nRestore the text from:", labels, 0,
            False)
        if not ok:
            return
        backup = items[labels.index(chosen)]
        self.backup()
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(backup.read())
        cursor.endEditBlock()
        self.save_status.setText(f"Restored the backup of {chosen} (Undo to go back)")

    # --- live checks ---
    def _filename(self) -> str:
        return self.path.name if self.path else (self.suggested_path.name if self.suggested_path
                                                 else "untitled.yaml")

    def _text_changed(self) -> None:
        if self._loading:
            return
        self._schedule_check()
        if not self._backup_timer.isActive():
            self._backup_timer.start()

    def _schedule_check(self, now: bool = False) -> None:
        if now:
            self.checker.check_now(self.text(), self._filename())
        else:
            self.checker.schedule(self.text(), self._filename())

    def _checked(self, outcome: CheckResult) -> None:
        result: LintResult = outcome.result  # type: ignore[assignment]
        self.result = result
        self.editor.set_markers(Marker(d.line, d.col, d.severity, d.message)
                                for d in result.diagnostics)
        self.issues.set_diagnostics(result.diagnostics, result.scenario is not None,
                                    outcome.seconds)
        errors = len(result.errors)
        if result.scenario is not None:
            self.scenario = result.scenario
            self._index_lines(result)
            self.graph.set_scenario(result.scenario, flags_from(result.diagnostics))
            self.graph_note.setText(f"{len(result.scenario.nodes)} decision points, "
                                    f"{len(result.scenario.model.endings)} endings")
            self.graph_note.setStyleSheet("")
            self.playtest.set_scenario(result.scenario)
            self.balance.set_scenario(result.scenario)
            verdict = (f"Loads, but lint found {errors} error(s)" if errors else "Valid")
            self.check_status.setText(
                f"{verdict} · {len(result.warnings)} warning(s) · checked in "
                f"{outcome.seconds * 1000:.0f} ms")
            if self._replay_after_check is not None and self._replay_after_check == outcome.text:
                self._replay_after_check = None
                self._replay(result.scenario)
        else:
            self.playtest.set_scenario(None)
            self.balance.set_scenario(None)
            if self.scenario is not None:
                self.graph_note.setText("⚠ The text has errors: the graph shows the last "
                                        "version that loaded.")
                self.graph_note.setStyleSheet("color: #b3261e")
            self.check_status.setText(f"{errors} error(s) — fix them to update the graph, "
                                      "playtest and balance")
            if self._replay_after_check == outcome.text:
                self._replay_after_check = None
                if self.playtest_window is not None:
                    self.playtest_window.show_status(
                        "⚠ The saved text has errors, so the playtest was not replayed.")
        self._cursor_line(self.editor.current_line())

    def _index_lines(self, result: LintResult) -> None:
        self._node_lines.clear()
        self._ending_lines.clear()
        if result.scenario is None or result.locate is None:
            return
        model = result.scenario.model
        for i, node in enumerate(model.nodes):
            self._node_lines[node.id] = result.locate(("nodes", i, "id"))[0]
        for i, ending in enumerate(model.endings):
            self._ending_lines[ending.id] = result.locate(("endings", i, "id"))[0]

    def _line_of(self, kind: str, ident: str) -> int:
        pattern = re.compile(rf"^\s*-?\s*id:\s*['\"]?{re.escape(ident)}['\"]?\s*(#.*)?$")
        section = "nodes" if kind == "node" else "endings"
        in_section = False
        for number, line in enumerate(self.text().splitlines(), 1):
            if re.match(r"^[A-Za-z_]", line):
                in_section = line.startswith(f"{section}:")
                continue
            if in_section and pattern.match(line):
                return number
        table = self._node_lines if kind == "node" else self._ending_lines
        return table.get(ident, 0)

    def jump_to_item(self, kind: str, ident: str) -> None:
        """Show a node's (or ending's) text in the editor."""
        line = self._line_of(kind, ident)
        if line:
            self.editor.go_to(line, 1)
            if kind == "node":
                self.playtest.select_node(ident)

    def node_at_line(self, line: int) -> str | None:
        """The decision point whose text contains ``line``."""
        best: tuple[int, str] | None = None
        for node_id, start in self._node_lines.items():
            if start <= line and (best is None or start > best[0]):
                best = (start, node_id)
        if best is None:
            return None
        endings_start = min(self._ending_lines.values(), default=None)
        if endings_start is not None and best[0] < endings_start <= line:
            return None
        return best[1]

    def _cursor_line(self, line: int) -> None:
        node = self.node_at_line(line)
        if node is not None:
            self.graph.select(node)
            self.playtest.select_node(node)

    def _marker_clicked(self, line: int) -> None:
        text = self.editor.marker_text(line)
        if text:
            self.statusBar().showMessage(text.replace("\n", " · "), 8000)

    def next_issue(self) -> None:
        """Jump to the next line with a problem (wrapping around)."""
        lines = sorted(self.editor.markers())
        if not lines:
            self.statusBar().showMessage("No issues.", 3000)
            return
        current = self.editor.current_line()
        target = next((ln for ln in lines if ln > current), lines[0])
        self.editor.go_to(target, 1)
        self.statusBar().showMessage(self.editor.marker_text(target).replace("\n", " · "), 8000)

    def show_find(self) -> None:
        """Show the find bar."""
        self.find_bar.show()
        self.find_text.setFocus()
        self.find_text.selectAll()

    def find_next(self) -> None:
        """Find the next occurrence of the find bar's text (wrapping around)."""
        needle = self.find_text.text()
        if not needle:
            return
        if not self.editor.find(needle):
            cursor = self.editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            self.editor.setTextCursor(cursor)
            if not self.editor.find(needle):
                self.statusBar().showMessage(f"'{needle}' is not in the text.", 4000)

    # --- playtest ---
    def playtest_here(self) -> None:
        """Playtest from the node under the cursor with the panel's values."""
        if self.scenario is None:
            QMessageBox.information(self, "Playtest", "Fix the errors first: the scenario must "
                                    "load before it can be played.")
            return
        node = self.node_at_line(self.editor.current_line())
        if node is not None:
            self.playtest.select_node(node)
        self.side.setCurrentWidget(self.playtest)
        self.start_playtest(self.playtest.current_setup())

    def start_playtest(self, setup: PlaytestSetup) -> None:
        """Start a playtest in its window."""
        if self.scenario is None:
            return
        if self.runner is None:
            self.runner = PlaytestRunner(self)
        self.runner.scenario_path = str(self.path) if self.path else None
        if self.playtest_window is None:
            self.playtest_window = PlaytestWindow(self.runner, self)
            self.playtest_window.restartRequested.connect(
                lambda: self.start_playtest(self.playtest.current_setup()))
            self.playtest_window.activated.connect(lambda: self.lock_editor(True))
            self.playtest_window.closed.connect(lambda: self.lock_editor(False))
        try:
            self.runner.start(self.scenario, setup)
        except Exception as exc:  # noqa: BLE001 - shown to the author
            QMessageBox.warning(self, "Playtest", f"The playtest could not start: {exc}")
            return
        title = self.scenario.nodes[setup.node].title if setup.node in self.scenario.nodes \
            else setup.node
        self.playtest_window.setWindowTitle(f"Playtest from “{title}” — Hotline Studio")
        changed = self.playtest.changes()
        values = ("with the file's meters and flags" if not changed else
                  "with your values: " + "; ".join(changed))
        self.playtest_window.show_status(
            f"Playtest from “{title}” ({setup.node}), seed {setup.seed}, {values}. Edit and "
            "save the scenario: the playtest replays your choices on the new text.")
        self.lock_editor(True)
        self.playtest_window.present()

    def panes(self) -> list[QWidget]:
        """The panes F6 moves between, in order."""
        return [self.browser, self.editor, self.issues.list, self.side.tabBar(),
                self.side.currentWidget()]

    def focus_pane(self, step: int) -> QWidget:
        """Give the keyboard focus to the next (``step`` 1) or previous (-1) pane."""
        panes = self.panes()
        focus = QApplication.focusWidget()
        here = next((i for i, p in enumerate(panes)
                     if focus is not None and (focus is p or p.isAncestorOf(focus))), -1)
        target = panes[(here + step) % len(panes)]
        if target is self.side.currentWidget():
            target.setFocus(Qt.FocusReason.TabFocusReason)
            inner = target.focusWidget() if target.focusWidget() is not None else None
            if inner is None or inner is target:
                target.focusNextChild()
        else:
            target.setFocus(Qt.FocusReason.TabFocusReason)
        return target

    def lock_editor(self, locked: bool) -> None:
        """While a playtest is in front, the editor takes no keys.

        Keys meant for the playtest (a number to pick an option) would otherwise
        land in the text underneath, replace a selection and break the file. The
        bar above the editor says so and unlocks it for an edit (the playtest then
        replays on save); bringing the playtest back to the front locks it again.
        """
        running = self.playtest_window is not None and self.playtest_window.isVisible()
        locked = locked and running
        self.editor.setReadOnly(locked)
        self.lock_bar.setVisible(locked)
        if locked and self.editor.hasFocus() and self.playtest_window is not None:
            self.playtest_window.view.focus_first()

    def edit_during_playtest(self) -> None:
        """Unlock the editor while the playtest stays open (save to replay it)."""
        self.lock_editor(False)
        self.activateWindow()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _replay(self, scenario: CompiledScenario) -> None:
        if self.runner is None or self.playtest_window is None:
            return
        if not self.playtest_window.isVisible():
            return
        try:
            kept, total = self.runner.replay(scenario)
        except Exception as exc:  # noqa: BLE001 - shown to the author
            self.playtest_window.show_status(f"⚠ Could not replay the playtest: {exc}")
            return
        if kept == total:
            note = f"Replayed all {total} step(s) on the saved text."
        else:
            note = (f"Replayed {kept} of {total} step(s): the next one no longer fits the "
                    "edited scenario.")
        self.playtest_window.show_status(note)

    # --- balance ---
    def show_balance(self) -> None:
        """Bring the balance panel to the front."""
        self.side.setCurrentWidget(self.balance)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            QTimer.singleShot(0, self._initial_sizes)

    def _initial_sizes(self) -> None:
        total = max(900, self.main_split.width())
        left = 210
        side = int((total - left) * 0.45)
        self.main_split.setSizes([left, total - left - side, side])

    # --- closing ---
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._maybe_save():
            event.ignore()
            return
        self.backup()
        self.balance.shutdown()
        if self.playtest_window is not None:
            self.playtest_window.close()
        if self.runner is not None:
            self.runner.close()
        settings = QSettings(str(paths.settings_file()), QSettings.Format.IniFormat)
        settings.setValue("studio/last", str(self.path) if self.path else "")
        super().closeEvent(event)
