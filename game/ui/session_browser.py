"""The session browser: find any recorded session, open its debrief or resume it.

Filters (search words, trainee, scenario, date range, status, people only,
archived) are :class:`game.sessions.browse.SessionFilter`, the same as
``hotline sessions``. Columns sort by clicking their header. Archive and
delete ask first; a deletion goes to the store's admin log with the whole
session (``hotline sessions --restore ID`` brings it back). The list is read
off the GUI thread, from whatever store the app was given (SQLite or
PostgreSQL).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from game.records.journal import Journal, SessionRecord
from game.sessions.browse import PLAYER_KINDS, SessionFilter, browse, is_archived, player_kind

from .debrief_panels import ColumnFitter
from .workers import Job, failure_text

COLUMNS = ("Started", "Trainee", "Scenario", "Player", "Status", "Ending", "Score", "Inputs",
           "Archived", "Session")
#: The day a date field shows as "any day" (Qt's way of leaving a date edit blank).
NO_DAY = QDate(2000, 1, 1)


class _SortItem(QTableWidgetItem):
    """A cell that sorts by a key (numbers as numbers, blanks last), shows text."""

    def __init__(self, text: str, key: Any) -> None:
        super().__init__(text)
        self.key = key  # the tables that hold these are read-only (no edit triggers)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _SortItem):
            return bool(self.key < other.key)
        return super().__lt__(other)


def _started(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


class DeleteDialog(QDialog):
    """Asks before a session is deleted, with the reason for the admin log."""

    def __init__(self, record: SessionRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.setObjectName("delete-session")
        self.setWindowTitle("Delete the session?")
        layout = QVBoxLayout(self)
        who = record.trainee or "no trainee name"
        text = QLabel(
            f"Delete session <b>{record.id}</b> of <b>{_html(record.scenario_title)}</b> "
            f"({_html(who)}, {record.n_inputs} input(s), {record.status})?<br/><br/>"
            "It disappears from every list, debrief and class view. A copy is kept in the "
            "store's admin log, and <tt>hotline sessions --restore ID</tt> brings it back.")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(text)
        layout.addWidget(QLabel("Why (kept in the admin log):"))
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Why the session is deleted")
        self.reason.setPlaceholderText("e.g. a test run, a duplicate")
        self.reason.setToolTip("Kept in the store's admin log with the deleted session")
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox()
        self.delete_button = buttons.addButton("Delete", QDialogButtonBox.ButtonRole.AcceptRole)
        self.delete_button.setObjectName("confirm-delete")
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)  # Enter does not delete by accident
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def _html(text: str) -> str:
    from html import escape

    return escape(text)


class SessionBrowser(QWidget):
    """Every recorded session, filtered and sorted.

    Signals:
        debriefRequested(session_id), resumeRequested(session_id),
        classRequested(scenario_id)
    """

    debriefRequested = Signal(str)
    resumeRequested = Signal(str)
    classRequested = Signal(str)

    def __init__(self, journal: Journal, parent: QWidget | None = None,
                 actor: str | None = None) -> None:
        """Build the browser and start reading the store.

        Args:
            journal: The session store (any backend).
            parent: Parent widget.
            actor: The name written to the admin log for archive and delete
                (default: the computer's user name).
        """
        super().__init__(parent)
        self.journal = journal
        self.actor = actor if actor is not None else _user()
        self.records: list[SessionRecord] = []
        self.shown: list[SessionRecord] = []
        self.job: Job | None = None
        self.dialog: DeleteDialog | None = None
        self.setObjectName("session-browser")
        self.setWindowTitle("Sessions — Hotline")
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("sessions")
        self.table.setAccessibleName("Recorded sessions")
        self.table.setToolTip("Enter opens the selected session's debrief; Delete deletes it "
                              "(after a question); click a header to sort")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # The columns share the window's width (no sideways scrolling on a small screen).
        self.columns = ColumnFitter(self.table, (12, 12, 19, 7, 8, 16, 6, 6, 8, 14))
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._buttons())
        self.status = QLabel("Reading the sessions…")
        self.status.setObjectName("browser-status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        # Enter opens and Delete deletes the selected row; Ctrl+W closes, F5 reloads.
        for key, slot in ((Qt.Key.Key_Return, self.open_selected),
                          (Qt.Key.Key_Enter, self.open_selected),
                          (Qt.Key.Key_Delete, self.ask_delete)):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self).activated.connect(self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self).activated.connect(
            self.reload)
        self.resize(1180, 680)
        self._selection_changed()
        self.reload()

    # -- building ------------------------------------------------------------

    def _filters(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        row = QHBoxLayout()
        second = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search: id, trainee, scenario, ending…")
        self.search.setAccessibleName("Search the sessions")
        self.search.setToolTip("Words that must all appear in the session's id, trainee, "
                               "scenario, ending or player")
        self.search.setClearButtonEnabled(True)
        self.trainee = QLineEdit()
        self.trainee.setObjectName("trainee")
        self.trainee.setPlaceholderText("Trainee")
        self.trainee.setAccessibleName("Trainee name contains")
        self.trainee.setToolTip("Only sessions whose trainee or team name contains this")
        self.scenario = QComboBox()
        self.scenario.setObjectName("scenario")
        self.scenario.setAccessibleName("Scenario")
        self.scenario.setToolTip("Only sessions of this scenario")
        self.scenario.addItem("All scenarios", "")
        self.since = self._date_edit("since", "Started on or after")
        self.until = self._date_edit("until", "Started on or before")
        self.status_box = QComboBox()
        self.status_box.setObjectName("status")
        self.status_box.setAccessibleName("Status")
        self.status_box.setToolTip("Unfinished sessions, ended ones, or both")
        for text, value in (("Any status", None), ("Unfinished", "active"), ("Ended", "ended")):
            self.status_box.addItem(text, value)
        self.humans = QCheckBox("People only")
        self.humans.setObjectName("humans")
        self.humans.setAccessibleName("People only")
        self.humans.setToolTip("Leave out sessions played by a policy, a script or an "
                               "author's playtest")
        self.archived = QComboBox()
        self.archived.setObjectName("archived")
        self.archived.setAccessibleName("Archived sessions")
        self.archived.setToolTip("Hide archived sessions, include them, or show only them")
        for text, value in (("Hide archived", "hide"), ("Include archived", "include"),
                            ("Only archived", "only")):
            self.archived.addItem(text, value)
        for widget in (self.search, self.trainee):
            widget.textChanged.connect(lambda _t: self.refilter())
        for box in (self.scenario, self.status_box, self.archived):
            box.currentIndexChanged.connect(lambda _i: self.refilter())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.refilter())
        self.humans.toggled.connect(lambda _b: self.refilter())
        row.addWidget(self.search, 3)
        row.addWidget(self.trainee, 2)
        row.addWidget(self.scenario, 3)
        second.addWidget(QLabel("Started from"))
        second.addWidget(self.since)
        second.addWidget(QLabel("to"))
        second.addWidget(self.until)
        second.addWidget(self.status_box)
        second.addWidget(self.humans)
        second.addWidget(self.archived)
        second.addStretch(1)
        rows.addLayout(row)
        rows.addLayout(second)
        return rows

    @staticmethod
    def _date_edit(name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setToolTip(accessible + " (“any day” leaves it open)")
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DAY)
        edit.setSpecialValueText("any day")  # shown while the date is the minimum
        edit.setDate(NO_DAY)
        return edit

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.open_button = QPushButton("Open debrief")
        self.open_button.setObjectName("open-debrief")
        self.open_button.setProperty("primary", True)
        self.resume_button = QPushButton("Resume")
        self.resume_button.setObjectName("resume")
        self.class_button = QPushButton("Class view of this scenario")
        self.class_button.setObjectName("class-view")
        self.archive_button = QPushButton("Archive")
        self.archive_button.setObjectName("archive")
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("delete")
        self.reload_button = QPushButton("Reload")
        self.reload_button.setObjectName("reload")
        self.open_button.clicked.connect(self.open_selected)
        self.resume_button.clicked.connect(self.resume_selected)
        self.class_button.clicked.connect(self._class_selected)
        self.archive_button.clicked.connect(self.toggle_archive)
        self.delete_button.clicked.connect(self.ask_delete)
        self.reload_button.clicked.connect(self.reload)
        for button, tip in ((self.open_button, "Open the selected session's debrief (Enter)"),
                            (self.resume_button, "Continue the selected unfinished session"),
                            (self.class_button, "Compare every trainee of the selected "
                             "session's scenario"),
                            (self.archive_button, "Hide the session from everyday lists, or "
                             "bring it back; it is kept whole"),
                            (self.delete_button, "Delete the selected session, after a "
                             "question; a copy stays in the admin log"),
                            (self.reload_button, "Read the sessions again (F5)")):
            button.setAccessibleName(button.text().rstrip("…"))
            button.setToolTip(tip)
        for button in (self.open_button, self.resume_button, self.class_button):
            row.addWidget(button)
        row.addStretch(1)
        for button in (self.archive_button, self.delete_button, self.reload_button):
            row.addWidget(button)
        return row

    # -- reading -------------------------------------------------------------

    def reload(self) -> None:
        """Read the sessions again (off the GUI thread)."""
        if self.job is not None:
            return
        journal = self.journal

        def work(_p: Callable[[int, int], None], _c: Callable[[], bool]) -> list[SessionRecord]:
            return journal.sessions()

        self.job = Job(work, self)
        self.job.signals.done.connect(self._loaded)
        self.job.signals.failed.connect(
            lambda exc: self.status.setText("The sessions cannot be read: " + failure_text(exc)))
        self.job.signals.finished.connect(self._load_finished)
        self.status.setText("Reading the sessions…")
        self.job.start()

    def _load_finished(self) -> None:
        self.job = None

    def _loaded(self, records: list[SessionRecord]) -> None:
        self.records = records
        current = self.scenario.currentData()
        self.scenario.blockSignals(True)
        self.scenario.clear()
        self.scenario.addItem("All scenarios", "")
        titles = sorted({(r.scenario_title, r.scenario_id) for r in records},
                        key=lambda t: t[0].casefold())
        for title, scenario_id in titles:
            self.scenario.addItem(title, scenario_id)
        self.scenario.setCurrentIndex(max(0, self.scenario.findData(current)))
        self.scenario.blockSignals(False)
        self.refilter()

    # -- filtering -----------------------------------------------------------

    def current_filter(self) -> SessionFilter:
        """The filter the fields describe."""
        return SessionFilter(
            trainee=self.trainee.text().strip(), scenario=str(self.scenario.currentData() or ""),
            since=_day(self.since), until=_day(self.until),
            status=self.status_box.currentData(), humans=self.humans.isChecked(),
            archived=self.archived.currentData(), text=self.search.text().strip())

    def refilter(self) -> None:
        """Show the sessions that pass the filter (keeping the selection if it does)."""
        selected = self.selected()
        self.shown = browse(self.records, self.current_filter())
        table = self.table
        table.setSortingEnabled(False)
        table.setRowCount(len(self.shown))
        for row, r in enumerate(self.shown):
            kind = player_kind(r)
            score = "" if r.score is None else f"{r.score:.1f}"
            ending = r.ending_title or ("(unfinished)" if r.status == "active" else "")
            cells = (
                (_started(r.created_at), r.created_at),
                (r.trainee or "—", (0 if r.trainee else 1, r.trainee.casefold())),
                (r.scenario_title, r.scenario_title.casefold()),
                ("person" if kind == "human" else kind, kind),
                ("unfinished" if r.status == "active" else "ended", r.status),
                (ending, ending.casefold()),
                (score, (0, r.score) if r.score is not None else (-1, 0.0)),
                (str(r.n_inputs), r.n_inputs),
                ("archived" if is_archived(r) else "", is_archived(r)),
                (r.id, r.id),
            )
            for col, (text, key) in enumerate(cells):
                item = _SortItem(text, key)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                if col == 3:
                    item.setToolTip(f"Played by {PLAYER_KINDS[kind]}")
                if col in (6, 7):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, col, item)
        table.setSortingEnabled(True)
        hidden = len(self.records) - len(self.shown)
        self.status.setText(f"{len(self.shown)} of {len(self.records)} session(s) in "
                            f"{self.journal}" + (f" — {hidden} do not match the filter"
                                                 if hidden else ""))
        if selected is not None:
            self.select(selected.id)
        self._selection_changed()

    def row_ids(self) -> list[str]:
        """Session ids in the order the table shows them."""
        out = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    # -- selection and actions ------------------------------------------------

    def select(self, session_id: str) -> bool:
        """Select a session's row, if shown."""
        for row, sid in enumerate(self.row_ids()):
            if sid == session_id:
                self.table.selectRow(row)
                return True
        return False

    def selected(self) -> SessionRecord | None:
        """The selected session, if any."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        sid = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return next((r for r in self.records if r.id == sid), None)

    def _selection_changed(self) -> None:
        record = self.selected()
        self.open_button.setEnabled(record is not None)
        self.class_button.setEnabled(record is not None)
        self.resume_button.setEnabled(record is not None and record.status == "active")
        self.archive_button.setEnabled(record is not None)
        self.delete_button.setEnabled(record is not None and not self.journal.read_only)
        archived = record is not None and is_archived(record)
        self.archive_button.setText("Unarchive" if archived else "Archive")
        if self.journal.read_only:
            self.archive_button.setEnabled(False)

    def open_selected(self) -> None:
        """Ask for the selected session's debrief."""
        record = self.selected()
        if record is not None:
            self.debriefRequested.emit(record.id)

    def resume_selected(self) -> None:
        """Ask to resume the selected (unfinished) session."""
        record = self.selected()
        if record is not None and record.status == "active":
            self.resumeRequested.emit(record.id)

    def _class_selected(self) -> None:
        record = self.selected()
        if record is not None:
            self.classRequested.emit(record.scenario_id)

    def toggle_archive(self) -> None:
        """Archive the selected session, or bring it back if it is archived."""
        record = self.selected()
        if record is None:
            return
        archive = not is_archived(record)
        try:
            self.journal.archive_session(record.id, archive, actor=self.actor)
        except Exception as exc:  # noqa: BLE001 - a store error is shown, not raised
            self.status.setText("Not changed: " + failure_text(exc))
            return
        self._replace(record.id)
        word = "Archived" if archive else "Brought back"
        self.status.setText(f"{word} session {record.id}."
                            + (" Choose “Include archived” to see it." if archive else ""))

    def ask_delete(self) -> DeleteDialog | None:
        """Ask before deleting the selected session (the dialog is window-modal)."""
        record = self.selected()
        if record is None or self.journal.read_only:
            return None
        self.dialog = DeleteDialog(record, self)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.accepted.connect(lambda r=record, d=self.dialog: self._delete(r, d))
        self.dialog.open()
        return self.dialog

    def _delete(self, record: SessionRecord, dialog: DeleteDialog) -> None:
        try:
            self.journal.delete_session(record.id, actor=self.actor,
                                        reason=dialog.reason.text().strip())
        except Exception as exc:  # noqa: BLE001 - a store error is shown, not raised
            self.status.setText("Not deleted: " + failure_text(exc))
            return
        self.records = [r for r in self.records if r.id != record.id]
        self.refilter()
        self.status.setText(f"Deleted session {record.id}; a copy is kept in the admin log "
                            f"(hotline sessions --restore {record.id}).")

    def _replace(self, session_id: str) -> None:
        """Read one session again after a change."""
        fresh = self.journal.session(session_id)
        self.records = [fresh if r.id == session_id else r for r in self.records]
        self.refilter()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        if self.job is not None:
            self.job.wait(10)
        super().closeEvent(event)


def _day(edit: QDateEdit) -> date | None:
    value = edit.date()
    if value == edit.minimumDate():
        return None
    return date(value.year(), value.month(), value.day())


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is no reason to fail
        return ""
