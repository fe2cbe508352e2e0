"""The Class window: every trainee of one scenario side by side.

Tabs: Ratings (a trainee-by-objective grid of P/S/M/U, an evaluator's rating
marked *), Scores (the distribution, whole-number ticks, and each session's
score), Choices (each decision's shares, the expert's and the historical choice
marked) and Rationales (what each trainee said at a decision, side by side).
Every table sorts by its headers; Export writes CSV, HTML or PDF through the
class exporters ``hotline class --export`` uses. Sessions played by a policy,
a script or a playtest are left out unless asked. Reading and exporting run
off the GUI thread; the store is whatever the app was given (SQLite or
PostgreSQL).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from game.debrief.class_export import CLASS_EXPORTERS, export_class
from game.debrief.classview import ClassView, bin_labels, load_class, score_ticks
from game.debrief.export_aar import RATING_COLOURS
from game.debrief.paper import default_paper
from game.records.journal import Journal

from .debrief_panels import ColumnFitter
from .session_browser import NO_DAY, _SortItem
from .workers import Job, failure_text

RATING_TIPS = {"P": "Performed without challenges", "S": "Performed with some challenges",
               "M": "Performed with major challenges", "U": "Unable to be performed"}


def _named(widget: Any, name: str, tip: str) -> Any:
    widget.setAccessibleName(name)
    widget.setToolTip(tip)
    return widget


def _table(name: str, tip: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    _named(table, name, tip)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSortingEnabled(True)
    return table


def dark_palette(widget: QWidget) -> bool:
    """Whether the widget is drawn on a dark background (the dark theme)."""
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


class ClassWindow(QWidget):
    """A class of one scenario, side by side.

    Signals:
        openSession(session_id): a session's row was opened (its debrief is wanted).
    """

    openSession = Signal(str)

    def __init__(self, journal: Journal, library: Any = None, scenario_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        """Build the window and read the class (off the GUI thread).

        Args:
            journal: The session store.
            library: The scenario library (for current versions), if any.
            scenario_id: The scenario to show first (default: the one with most sessions).
            parent: Parent widget.
        """
        super().__init__(parent)
        self.journal = journal
        self.library = library
        self.view: ClassView | None = None
        self.job: Job | None = None
        self.export_job: Job | None = None
        self.load_seconds: float | None = None
        self.setObjectName("class-window")
        self.setWindowTitle("Class view — Hotline")
        layout = QVBoxLayout(self)
        layout.addLayout(self._controls(scenario_id))
        self.summary = QLabel("Reading the class…")
        self.summary.setObjectName("class-summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("class-tabs")
        _named(self.tabs, "Parts of the class view", "Ratings, scores, choices, rationales")
        self.grid = _table("Ratings by trainee and objective",
                           "Each trainee's HSEEP rating of each objective; * an evaluator's",
                           ["Trainee", "Started", "Score"])
        self.grid.doubleClicked.connect(lambda index: self._open_row(self.grid, index.row()))
        self.grid.horizontalHeader().setStretchLastSection(False)
        ratings_page = QWidget()
        ratings_layout = QVBoxLayout(ratings_page)
        ratings_layout.setContentsMargins(0, 0, 0, 0)
        ratings_layout.addWidget(self.grid, 1)
        self.objective_key = QLabel("")
        self.objective_key.setObjectName("class-objectives")
        self.objective_key.setWordWrap(True)
        self.objective_key.setTextFormat(Qt.TextFormat.PlainText)
        ratings_layout.addWidget(self.objective_key)
        self.tabs.addTab(ratings_page, "Ratings")
        self.tabs.setTabToolTip(0, "Trainee by objective: P, S, M or U")
        self.tabs.addTab(self._scores_page(), "Scores")
        self.tabs.setTabToolTip(1, "The score distribution and each session's score")
        self.choices = _table("Choices at each decision",
                              "How many trainees took each option; E expert, H historical",
                              ["Decision", "Option", "Chosen", "Share", "Expert", "Historical"])
        self.choices.horizontalHeader().setStretchLastSection(False)
        self.choice_columns = ColumnFitter(self.choices, (24, 36, 8, 8, 12, 14))
        self.tabs.addTab(self.choices, "Choices")
        self.tabs.setTabToolTip(2, "Each decision's choice shares")
        self.tabs.addTab(self._rationales_page(), "Rationales")
        self.tabs.setTabToolTip(3, "What each trainee said at a decision, side by side")
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self).activated.connect(self.close)
        self.resize(1180, 720)
        self.reload()

    # -- building ---------------------------------------------------------------

    def _controls(self, scenario_id: str | None) -> QHBoxLayout:
        row = QHBoxLayout()
        self.scenario = QComboBox()
        self.scenario.setObjectName("class-scenario")
        _named(self.scenario, "Scenario", "The scenario whose sessions are compared")
        counts: dict[str, tuple[str, int]] = {}
        self.listing: list[Any] | None = None  # read once here, reused by the first load
        try:
            self.listing = self.journal.sessions()
            for record in self.listing:
                title, n = counts.get(record.scenario_id, (record.scenario_title, 0))
                counts[record.scenario_id] = (title, n + 1)
        except Exception:  # noqa: BLE001 - an unreadable store shows as an empty class
            counts = {}
        for sid, (title, n) in sorted(counts.items(), key=lambda kv: kv[1][0].casefold()):
            self.scenario.addItem(f"{title} ({n})", sid)
        if scenario_id is not None and self.scenario.findData(scenario_id) < 0:
            self.scenario.addItem(scenario_id, scenario_id)
        chosen = scenario_id or (max(counts, key=lambda k: counts[k][1]) if counts else None)
        self.scenario.setCurrentIndex(max(0, self.scenario.findData(chosen)))
        self.since = QDateEdit()
        self.since.setObjectName("class-since")
        _named(self.since, "Sessions since", "Only sessions started on or after this day")
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setMinimumDate(NO_DAY)
        self.since.setSpecialValueText("any day")
        self.since.setDate(NO_DAY)
        self.trainees = QLineEdit()
        self.trainees.setObjectName("class-trainees")
        _named(self.trainees, "Trainees", "Only these trainees, names separated by commas")
        self.trainees.setPlaceholderText("All trainees (or: Ana, Ben)")
        self.policies = QCheckBox("Include automatic players")
        self.policies.setObjectName("class-policies")
        _named(self.policies, "Include automatic players",
               "Also count sessions played by a policy, a script or an author's playtest")
        self.reload_button = QPushButton("Show")
        self.reload_button.setObjectName("class-reload")
        _named(self.reload_button, "Show the class", "Read the class again with these filters")
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("class-export")
        _named(self.export_button, "Export the class", "Write the class view as CSV, HTML or PDF")
        self.scenario.currentIndexChanged.connect(lambda _i: self.reload())
        self.policies.toggled.connect(lambda _b: self.reload())
        self.since.dateChanged.connect(lambda _d: self.reload())
        self.trainees.returnPressed.connect(self.reload)
        self.reload_button.clicked.connect(self.reload)
        self.export_button.clicked.connect(self._ask_export)
        row.addWidget(self.scenario, 3)
        row.addWidget(QLabel("Since"))
        row.addWidget(self.since)
        row.addWidget(self.trainees, 2)
        row.addWidget(self.policies)
        row.addWidget(self.reload_button)
        row.addWidget(self.export_button)
        return row

    def _scores_page(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        self.histogram = QChartView()
        self.histogram.setObjectName("class-histogram")
        self.histogram.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.histogram.setMinimumHeight(260)
        _named(self.histogram, "Score distribution", "Sessions per 10 points of score")
        layout.addWidget(self.histogram, 3)
        self.scores = _table("Scores", "Each session's score and ending",
                             ["Trainee", "Started", "Score", "Ending"])
        self.scores.doubleClicked.connect(lambda index: self._open_row(self.scores, index.row()))
        layout.addWidget(self.scores, 2)
        return page

    def _rationales_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.decision = QComboBox()
        self.decision.setObjectName("class-decision")
        _named(self.decision, "Decision", "The decision whose rationales are shown")
        self.decision.currentIndexChanged.connect(lambda _i: self._fill_rationales())
        layout.addWidget(self.decision)
        self.rationales = _table("Rationales", "What each trainee said, side by side",
                                 ["Trainee", "Choice", "Why"])
        self.rationales.horizontalHeader().setStretchLastSection(False)
        self.rationale_columns = ColumnFitter(self.rationales, (18, 30, 52))
        layout.addWidget(self.rationales, 1)
        return page

    # -- reading -----------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        """The filters the controls describe."""
        value = self.since.date()
        since = None if value == self.since.minimumDate() else date(value.year(), value.month(),
                                                                    value.day())
        trainees = [t.strip() for t in self.trainees.text().split(",") if t.strip()]
        return {"since": since, "trainees": trainees, "policies": self.policies.isChecked()}

    def _current_scenario(self, scenario_id: str) -> Any:
        if self.library is None:
            return None
        for entry in getattr(self.library, "entries", []):
            if getattr(entry, "ok", False) and entry.scenario is not None \
                    and entry.scenario.id == scenario_id:
                return entry.scenario
        return None

    def reload(self) -> None:
        """Read the class again (off the GUI thread)."""
        scenario_id = self.scenario.currentData()
        if scenario_id is None:
            self.summary.setText("No sessions in the store yet.")
            return
        if self.job is not None:
            self.job.cancel()
        journal, scenario, filters = self.journal, self._current_scenario(scenario_id), \
            self.filters()
        listing, self.listing = self.listing, None  # later reloads read the store afresh
        started = time.perf_counter()

        def work(progress: Callable[[int, int], None], _c: Callable[[], bool]) -> ClassView:
            return load_class(journal, scenario_id, scenario, progress=progress,
                              listing=listing, **filters)

        job = Job(work, self)
        job.signals.done.connect(lambda view, j=job, t=started: self._loaded(view, j, t))
        job.signals.failed.connect(
            lambda exc: self.summary.setText("The class cannot be read: " + failure_text(exc)))
        self.job = job
        self.summary.setText("Reading the class…")
        job.start()

    def _loaded(self, view: ClassView, job: Job, started: float) -> None:
        if job is not self.job:
            return  # an older read, overtaken by a newer one
        self.job = None
        self.load_seconds = time.perf_counter() - started
        self.show_class(view)

    def show_class(self, view: ClassView) -> None:
        """Fill every tab with a class."""
        self.view = view
        text = f"<b>{len(view.sessions)}</b> session(s) of <b>{view.title}</b>"
        if view.mean is not None and view.median is not None:
            text += f" — mean score {view.mean:.1f}, median {view.median:.1f}"
        if view.left_out:
            text += " — not counted: " + ", ".join(f"{n} {why}" for why, n in
                                                   sorted(view.left_out.items()))
        for notice in view.notices:
            text += f"<br/><i>{notice}</i>"
        self.summary.setText(text)
        self._fill_grid(view)
        self._fill_scores(view)
        self._fill_choices(view)
        self.decision.blockSignals(True)
        self.decision.clear()
        for d in view.decisions:
            self.decision.addItem(f"{d.title} ({d.total})", d.node)
        self.decision.blockSignals(False)
        self._fill_rationales()

    def _fill_grid(self, view: ClassView) -> None:
        grid = self.grid
        grid.setSortingEnabled(False)
        headers = ["Trainee", "Started", "Score"] + [f"O{i + 1}" for i in
                                                     range(len(view.objectives))]
        grid.setColumnCount(len(headers))
        grid.setHorizontalHeaderLabels(headers)
        for i, (_oid, text, cap) in enumerate(view.objectives):
            item = grid.horizontalHeaderItem(3 + i)
            if item is not None:
                item.setToolTip(text + (f"\n({cap})" if cap else ""))
        grid.setRowCount(len(view.sessions))
        self.objective_key.setText("   ".join(
            f"O{i + 1}: {text}" + (f" ({cap})" if cap else "")
            for i, (_oid, text, cap) in enumerate(view.objectives))
            + "\nP performed without challenges · S some challenges · M major challenges · "
            "U unable · * an evaluator's rating")
        dark = dark_palette(self)
        for row, s in enumerate(view.sessions):
            cells = [(s.trainee or "—", (0 if s.trainee else 1, s.trainee.casefold())),
                     (s.created_at[:16].replace("T", " "), s.created_at),
                     ("" if s.score is None else f"{s.score:.1f}",
                      (0, s.score) if s.score is not None else (-1, 0.0))]
            for col, (text, key) in enumerate(cells):
                item = _SortItem(text, key)
                item.setData(Qt.ItemDataRole.UserRole, s.id)
                grid.setItem(row, col, item)
            for i, (oid, text, _cap) in enumerate(view.objectives):
                code = s.ratings.get(oid) or ""
                mark = "*" if oid in s.rated_by_evaluator else ""
                item = _SortItem(code + mark or "—", "PSMU".find(code) if code else 9)
                item.setData(Qt.ItemDataRole.UserRole, s.id)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if code:
                    colour = QColor(RATING_COLOURS[code])
                    item.setBackground(colour.darker(130) if dark else colour.lighter(175))
                    item.setToolTip(f"{RATING_TIPS[code]}: {text}"
                                    + (" (an evaluator's rating)" if mark else ""))
                grid.setItem(row, 3 + i, item)
        header = grid.horizontalHeader()
        header.resizeSection(0, 200)
        header.resizeSection(1, 130)
        header.resizeSection(2, 70)
        for col in range(3, len(headers)):
            header.resizeSection(col, 56)
        grid.setSortingEnabled(True)
        grid.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by trainee, A to Z

    def _fill_scores(self, view: ClassView) -> None:
        chart = QChart()
        chart.setTitle(f"Score distribution ({len(view.scores)} ended sessions)")
        dark = dark_palette(self)
        if dark:
            chart.setTheme(QChart.ChartTheme.ChartThemeDark)
        chart.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Base))
        bars = QBarSet("Sessions")
        bars.setColor(QColor("#5b9bd5" if dark else "#1f4e79"))
        for count in view.histogram:
            bars.append(count)
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        # Each bar's lower bound (the range is in its tooltip and the axis title), so the
        # labels stay whole however narrow the bars are.
        axis_x.append([label.split("–")[0] for label in bin_labels()])
        axis_x.setTitleText("score (each bar 10 points: 80 = 80 to 89.9, 90 = 90 to 100)")
        top, step = score_ticks(view.histogram)
        axis_y = QValueAxis()
        axis_y.setRange(0, top)
        axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        axis_y.setTickAnchor(0)
        axis_y.setTickInterval(step)
        axis_y.setLabelFormat("%d")
        axis_y.setTitleText("sessions")
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for axis in (axis_x, axis_y):
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
        chart.setTitleBrush(text)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().setVisible(False)
        self.histogram.setChart(chart)
        table = self.scores
        table.setSortingEnabled(False)
        table.setRowCount(len(view.sessions))
        for row, s in enumerate(view.sessions):
            cells = [(s.trainee or "—", s.trainee.casefold()),
                     (s.created_at[:16].replace("T", " "), s.created_at),
                     ("" if s.score is None else f"{s.score:.1f}",
                      (0, s.score) if s.score is not None else (-1, 0.0)),
                     (s.ending_title or ("(unfinished)" if s.status == "active" else ""),
                      s.ending_title.casefold())]
            for col, (text_, key) in enumerate(cells):
                item = _SortItem(text_, key)
                item.setData(Qt.ItemDataRole.UserRole, s.id)
                table.setItem(row, col, item)
        table.setSortingEnabled(True)
        table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # best score first

    def _fill_choices(self, view: ClassView) -> None:
        table = self.choices
        table.setSortingEnabled(False)
        rows = [(i, d, o) for i, d in enumerate(view.decisions) for o in d.options]
        table.setRowCount(len(rows))
        for row, (i, d, o) in enumerate(rows):
            cells = [(f"{i + 1}. {d.title}", (i, 0)), (o.label, o.label.casefold()),
                     (str(o.count), o.count), (f"{100 * o.share:.0f}%", o.share),
                     ("expert's choice" if o.expert else "", o.expert),
                     ("what really happened" if o.historical else "", o.historical)]
            for col, (text, key) in enumerate(cells):
                item = _SortItem(text, key)
                if o.expert or o.historical:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, col, item)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # in the scenario's order

    def _fill_rationales(self) -> None:
        view = self.view
        node = self.decision.currentData()
        decision = next((d for d in view.decisions if d.node == node), None) if view else None
        table = self.rationales
        table.setSortingEnabled(False)
        rows = list(decision.rationales) if decision is not None else []
        table.setRowCount(len(rows))
        for row, (sid, who, label, why) in enumerate(rows):
            for col, (text, key) in enumerate(((who or "—", who.casefold()),
                                               (label, label.casefold()),
                                               (why or "(no reason given)", why.casefold()))):
                item = _SortItem(text, key)
                item.setData(Qt.ItemDataRole.UserRole, sid)
                item.setToolTip(text if len(text) > 60 else "")
                table.setItem(row, col, item)
        table.setSortingEnabled(True)
        table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by choice: alike side by side
        table.resizeRowsToContents()

    def _open_row(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        sid = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if sid:
            self.openSession.emit(str(sid))

    # -- export ------------------------------------------------------------------

    def _ask_export(self) -> None:
        if self.view is None:
            return
        filters = ";;".join(f"{e.name} (*{e.suffix})" for e in CLASS_EXPORTERS)
        name = f"class-{self.view.scenario_id}.csv"
        path, chosen = QFileDialog.getSaveFileName(self, "Export the class", name, filters)
        if path:
            suffix = next((e.suffix for e in CLASS_EXPORTERS if e.name in chosen), ".csv")
            if Path(path).suffix.lower() not in [e.suffix for e in CLASS_EXPORTERS]:
                path += suffix
            self.export_to(path)

    def export_to(self, path: str | Path) -> Job | None:
        """Write the class view (format by suffix) off the GUI thread."""
        if self.view is None or self.export_job is not None:
            return None
        view, target, paper = self.view, Path(path), default_paper()

        def work(_p: Callable[[int, int], None], _c: Callable[[], bool]) -> Path:
            return export_class(target, view, paper)

        job = Job(work, self)
        job.signals.done.connect(lambda p: self.summary.setText(
            self.summary.text().split("<br/>Saved")[0] + f"<br/>Saved {Path(p).name}."))
        job.signals.failed.connect(lambda exc: self.summary.setText(
            "Export failed: " + failure_text(exc)))
        job.signals.finished.connect(self._export_finished)
        self.export_button.setEnabled(False)
        self.export_job = job.start()
        return job

    def _export_finished(self) -> None:
        self.export_job = None
        self.export_button.setEnabled(True)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        for job in (self.job, self.export_job):
            if job is not None:
                job.cancel()
                job.wait(10)
        super().closeEvent(event)


__all__ = ["ClassWindow"]
