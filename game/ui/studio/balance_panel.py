"""The balance panel: balance while you type, and the full report with charts.

**Live balance** (the top of the panel): after each edit that loads, once
typing has paused, :func:`game.analysis.balance.live_report` plays about
10,000 games over every policy but greedy, as a background
:class:`~game.ui.workers.Job` with its own progress bar and Cancel. The
table shows each policy's mean score and how it moved since the last run
("always-call +4.1"): every run uses the same seeds, so a move is the edit's
doing, not the dice's. A newer edit cancels a run in progress and starts
again on the newest text.

**Full report** (below): :func:`game.analysis.balance.balance_report` with
a progress bar and a Cancel button; a cancelled run still shows what was
played. Charts use QtCharts: how games end per policy (stacked bars coloured
by the endings' tone) and the score distribution per policy (box plots:
10th, 25th, 50th, 75th and 90th percentiles). Findings, the per-decision
table and an HTML export complete it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QBoxPlotSeries,
    QBoxSet,
    QChart,
    QChartView,
    QHorizontalPercentBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from game.ui.workers import Job, failure_text

if TYPE_CHECKING:
    from game.analysis.balance import BalanceReport, ScoreChange
    from game.scenario.compile import CompiledScenario

#: How long after the last valid edit a live run starts (the live check has its own
#: pause before that).
LIVE_DELAY_MS = 400


_TONE = {"good": ["#2e7d32", "#66bb6a", "#1b5e20"], "mixed": ["#f0a500", "#ffd54f", "#c77c00"],
         "bad": ["#c62828", "#ef5350", "#8e0000"]}


def _short_policy(name: str) -> str:
    return name.replace("always-", "always ").replace("_", "-")


def _signed(delta: float) -> str:
    return f"{'+' if delta > 0 else '−'}{abs(delta):.1f}"


def _arrow(delta: float) -> str:
    return "▲" if delta > 0 else "▼" if delta < 0 else "="


RUN_TIP = "Play every policy many times, in the background (F7 shows this panel)"


class BalancePanel(QWidget):
    """Balance while you type, and the full balance report, of the scenario in the editor.

    Signals:
        finished(BalanceReport): a full report is done (or cancelled).
        live_updated(BalanceReport): a live run is done (not cancelled).
    """

    finished = Signal(object)
    live_updated = Signal(object)

    def __init__(self, parent: QWidget | None = None, workers: int | None = None,
                 live_games: int | None = None) -> None:
        super().__init__(parent)
        from game.analysis.balance import LIVE_GAMES

        self.setAccessibleName("Balance")
        self.workers = workers
        self.scenario: CompiledScenario | None = None
        self.report: BalanceReport | None = None
        self.worker: Job | None = None
        self.live_games = live_games or LIVE_GAMES
        self.live_job: Job | None = None
        self.live_report: BalanceReport | None = None  # the last complete live run
        self.live_changes: list[ScoreChange] = []
        self._live_wanted: CompiledScenario | None = None  # the newest text to play
        self._live_playing: CompiledScenario | None = None
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_DELAY_MS)
        self._live_timer.timeout.connect(self.run_live)
        self._sized = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        outer.addWidget(self.split)
        self.split.addWidget(self._live_section())
        full = QWidget()
        scroller = QScrollArea()  # its charts need room the live table should not give up
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(full)
        full.setMinimumHeight(520)
        self.split.addWidget(scroller)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        outer = QVBoxLayout(full)
        outer.setContentsMargins(12, 8, 8, 12)
        outer.setSpacing(8)
        heading = QLabel("<b>Full report</b> — every policy, greedy too, with charts")
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(heading)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Games per policy"))
        self.games = QSpinBox()
        self.games.setToolTip("Games played by each policy")
        self.games.setRange(10, 200_000)
        self.games.setSingleStep(1000)
        self.games.setValue(2000)
        self.games.setAccessibleName("Games per policy")
        self.games.setMinimumWidth(72)  # (its range would ask for more than a narrow panel has)
        self.games.setToolTip("More games give steadier figures; 10,000 is the usual check")
        controls.addWidget(self.games)
        controls.addWidget(QLabel("Seed"))
        self.seed = QSpinBox()
        self.seed.setToolTip("The same seed always gives the same report")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setAccessibleName("Seed")
        self.seed.setMinimumWidth(64)
        controls.addWidget(self.seed)
        controls.addStretch(1)
        outer.addLayout(controls)
        controls = QHBoxLayout()
        self.run_button = QPushButton("▶  Run report")
        self.run_button.setAccessibleName("Run the balance report")
        self.run_button.setToolTip(RUN_TIP)
        self.run_button.setProperty("primary", True)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the balance report; the games played so far are kept")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.html_button = QPushButton("Save HTML…")
        self.html_button.setToolTip("Write the balance report as a web page")
        self.html_button.setEnabled(False)
        self.html_button.clicked.connect(self.save_html)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        controls.addStretch(1)
        controls.addWidget(self.html_button)
        outer.addLayout(controls)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Balance progress")
        self.progress.setFormat("%v of %m games (%p%)")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        outer.addWidget(self.progress)
        self.status = QLabel("Plays the scenario thousands of times with each automatic "
                             "policy (random, expert, historical, greedy, always-KIND) to see "
                             "whether it rewards good judgement.")
        self.status.setWordWrap(True)
        self.status.setProperty("role", "muted")
        outer.addWidget(self.status)
        self.findings = QListWidget()
        self.findings.setToolTip("What the balance report found, worst first")
        self.findings.setAccessibleName("Balance findings")
        self.findings.setWordWrap(True)
        self.findings.setMaximumHeight(96)
        self.findings.setVisible(False)  # until a report has something to say
        outer.addWidget(self.findings)
        self.tabs = QTabWidget()
        self.endings_chart = QChartView()
        self.endings_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.scores_chart = QChartView()
        self.scores_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.decisions = QTableWidget(0, 5)
        self.decisions.setToolTip("For each decision: how its options score")
        self.decisions.setHorizontalHeaderLabels(["Decision point", "Option", "Kind", "Games",
                                                  "Where it ended (random play)"])
        self.decisions.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch)
        self.decisions.verticalHeader().setVisible(False)
        self.decisions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.endings_legend = self._chart_tab(self.endings_chart, "Endings")
        self.scores_legend = self._chart_tab(self.scores_chart, "Scores")
        self.tabs.addTab(self.decisions, "Decision points")
        outer.addWidget(self.tabs, 1)
        self._clear_charts()

    # --- live balance ---
    def _live_section(self) -> QWidget:
        box = QFrame()
        box.setAccessibleName("Live balance")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.setSpacing(6)
        top = QHBoxLayout()
        title = QLabel("<b>Live balance</b>")
        title.setToolTip(f"About {self.live_games:,} games over every policy but greedy, "
                         "after each edit that loads")
        title.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(title)
        top.addStretch(1)
        self.live_enabled = QCheckBox("After each edit")
        self.live_enabled.setChecked(True)
        self.live_enabled.setToolTip("Play the scenario again whenever an edit loads and "
                                     "typing pauses")
        self.live_enabled.setAccessibleName("Live balance after each edit")
        self.live_enabled.toggled.connect(self._live_toggled)
        top.addWidget(self.live_enabled)
        self.live_cancel = QPushButton("Cancel")
        self.live_cancel.setAccessibleName("Cancel the live balance run")
        self.live_cancel.setToolTip("Stop this run; the table keeps the last complete one")
        self.live_cancel.setEnabled(False)
        self.live_cancel.clicked.connect(self.cancel_live)
        top.addWidget(self.live_cancel)
        layout.addLayout(top)
        self.live_progress = QProgressBar()
        self.live_progress.setAccessibleName("Live balance progress")
        self.live_progress.setToolTip("Games played in this live run")
        self.live_progress.setFormat("%v of %m games")
        self.live_progress.setRange(0, 1)
        self.live_progress.setValue(0)
        self.live_progress.setMaximumHeight(18)
        layout.addWidget(self.live_progress)
        self.live_changed = QLabel("Waiting for the scenario to load…")
        self.live_changed.setAccessibleName("What changed since the last run")
        self.live_changed.setWordWrap(True)
        self.live_changed.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.live_changed)
        self.live_table = QTableWidget(0, 5)
        self.live_table.setAccessibleName("Live balance by policy")
        self.live_table.setToolTip("Each policy's mean score and how it moved since the last "
                                   "run (the same dice every run)")
        self.live_table.setHorizontalHeaderLabels(["Policy", "Mean", "Δ", "Good", "Bad"])
        for column, tip in enumerate(("The automatic player", "Mean score (0-100)",
                                      "How the mean score moved since the last run",
                                      "Share of games with a good ending",
                                      "Share of games with a bad ending")):
            header_item = self.live_table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.live_table.verticalHeader().setVisible(False)
        self.live_table.verticalHeader().setDefaultSectionSize(22)
        self.live_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.live_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.live_table.setAlternatingRowColors(True)
        header = self.live_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.live_table, 1)
        self.live_status = QLabel("")
        self.live_status.setWordWrap(True)
        self.live_status.setProperty("role", "muted")
        layout.addWidget(self.live_status)
        return box

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            # the live table gets most of the height; the full report's results
            # are there once it has been run (drag the handle for more)
            total = max(400, self.split.height())
            self.split.setSizes([int(total * 0.62), total - int(total * 0.62)])

    @property
    def live_running(self) -> bool:
        """Whether a live run is playing."""
        return self.live_job is not None

    def _live_toggled(self, on: bool) -> None:
        if on:
            self._live_wanted = self.scenario
            self._live_timer.start()
        else:
            self._live_timer.stop()
            self.cancel_live()

    def _want_live(self, scenario: CompiledScenario | None) -> None:
        if scenario is None:
            self._live_timer.stop()
            self._live_wanted = None
            if self.live_job is None:
                self.live_status.setText("The text has errors: the live balance shows the last "
                                         "version that loaded, and runs again once it loads.")
            return
        if not self.live_enabled.isChecked():
            return
        self._live_wanted = scenario
        self._live_timer.start()  # once typing has paused

    def run_live(self) -> None:
        """Play the newest valid text now (a run in progress is cancelled first)."""
        scenario = self._live_wanted
        if scenario is None:
            return
        if self.live_job is not None:
            if self._live_playing is not scenario:
                self.live_job.cancel()  # it starts again on the newest when it stops
            return
        last = self.live_report
        if last is not None and last.content_hash == scenario.content_hash:
            self._live_wanted = None  # nothing that counts has changed (a comment, say)
            return
        self._live_wanted = None
        self._live_playing = scenario
        games = self.live_games

        def work(progress: Callable[[int, int], None],
                 cancelled: Callable[[], bool]) -> BalanceReport:
            from game.analysis.balance import live_report

            return live_report(scenario, games, progress=progress, cancel=cancelled)

        job = Job(work, self)
        job.signals.progress.connect(self._live_progressed)
        job.signals.done.connect(self._live_reported)
        job.signals.failed.connect(self._live_failed)
        job.signals.finished.connect(self._live_thread_done)
        self.live_job = job
        self.live_cancel.setEnabled(True)
        self.live_progress.setRange(0, 0)
        self.live_status.setText("Playing the new version…")
        job.start()

    def cancel_live(self) -> None:
        """Stop the live run in progress (the table keeps the last complete run)."""
        self._live_wanted = None
        if self.live_job is not None:
            self.live_job.cancel()
            self.live_cancel.setEnabled(False)
            self.live_status.setText("Cancelling…")

    def wait_live(self, ms: int = 30_000) -> bool:
        """Block until a live run stops (for closing the window)."""
        return self.live_job is None or self.live_job.wait(ms / 1000)

    def _live_progressed(self, done: int, total: int) -> None:
        if self.live_job is None:
            return
        self.live_progress.setRange(0, max(1, total))
        self.live_progress.setValue(done)

    def _live_reported(self, report: BalanceReport) -> None:
        if report.cancelled:
            self.live_status.setText(
                f"Stopped after {report.games_played:,} of {report.games_requested:,} games; "
                "the table shows the last complete run.")
            return
        from game.analysis.balance import score_changes

        self.live_changes = score_changes(self.live_report, report)
        first = self.live_report is None
        self.live_report = report
        self.show_live(report, first)
        self.live_updated.emit(report)

    def _live_failed(self, exc: BaseException) -> None:
        self.live_status.setText(f"The live balance failed: {type(exc).__name__}: "
                                 f"{failure_text(exc)}")

    def _live_thread_done(self) -> None:
        self.live_job = None
        self._live_playing = None
        self.live_cancel.setEnabled(False)
        if self.live_progress.maximum() == 0:  # stopped before any progress
            self.live_progress.setRange(0, 1)
        if self._live_wanted is not None and self.live_enabled.isChecked():
            self.run_live()  # an edit came while it played

    def show_live(self, report: BalanceReport, first: bool = False) -> None:
        """Fill the live table and say what moved since the previous run."""
        from game.analysis.balance import POLICY_LABELS

        moved = [c for c in self.live_changes if c.before is not None and c.delta]
        if first:
            self.live_changed.setText("First run: the next edit shows what it changes.")
        elif moved:
            shown = " · ".join(f"<b>{_arrow(c.delta)}&nbsp;{c.text}</b>" for c in moved[:3])
            more = f" · {len(moved) - 3} more in the table" if len(moved) > 3 else ""
            self.live_changed.setText(f"Since the last run: {shown}{more}")
        else:
            self.live_changed.setText("Since the last run: no policy's mean score moved.")
        by_policy = {c.policy: c for c in self.live_changes}
        names = [n for n, r in report.policies.items() if r.score is not None]
        self.live_table.setRowCount(len(names))
        for row, name in enumerate(names):
            sim = report.policies[name]
            assert sim.score is not None
            tones = report.tone_shares(name)
            change = by_policy.get(name)
            since = ("—" if change is None or change.before is None
                     else _signed(change.delta) if change.delta
                     else "±0.0")
            cells = [_short_policy(name), f"{sim.score.mean:.1f}", since,
                     f"{tones['good']:.0%}", f"{tones['bad']:.0%}"]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if column == 0:
                    item.setToolTip(POLICY_LABELS.get(name, name))
                if column == 2 and change is not None and change.before is not None:
                    item.setToolTip(f"{change.before:.1f} → {change.after:.1f}")
                self.live_table.setItem(row, column, item)
        self.live_progress.setRange(0, max(1, report.games_requested))
        self.live_progress.setValue(report.games_played)
        notes = report.findings()
        status = (f"{report.games_played:,} games ({report.per_policy_note}) in "
                  f"{report.elapsed:.1f} s, on the same dice every run.")
        if notes:
            status += " ⚠ " + notes[0]
        self.live_status.setText(status)

    # --- running ---
    def set_scenario(self, scenario: CompiledScenario | None) -> None:
        """The scenario to report on (the latest valid text): the live balance plays
        it once typing has paused."""
        self._want_live(scenario)
        self.scenario = scenario
        running = self.worker is not None
        self.run_button.setEnabled(scenario is not None and not running)
        if scenario is None and not running:
            self.run_button.setToolTip("Fix the errors first: the scenario must validate")
        else:
            self.run_button.setToolTip(RUN_TIP)

    @property
    def running(self) -> bool:
        """Whether a report is being played."""
        return self.worker is not None

    def run(self) -> None:
        """Start the report off the GUI thread."""
        if self.scenario is None or self.worker is not None:
            return
        scenario, games, seed, workers = (self.scenario, self.games.value(), self.seed.value(),
                                          self.workers)

        def work(progress: Callable[[int, int], None],
                 cancelled: Callable[[], bool]) -> BalanceReport:
            from game.analysis.balance import balance_report

            return balance_report(scenario, games, seed, workers=workers, progress=progress,
                                  cancel=cancelled)

        job = Job(work, self)
        job.signals.progress.connect(self._progressed)
        job.signals.done.connect(self._reported)
        job.signals.failed.connect(self._failed)
        job.signals.finished.connect(self._thread_done)
        self.worker = job
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.progress.setRange(0, 0)
        self.status.setText("Starting…")
        job.start()

    def cancel(self) -> None:
        """Stop the running report (it shows the games already played)."""
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Cancelling…")
            self.status.setText("Cancelling: finishing the games in progress…")

    def wait(self, ms: int = 30_000) -> bool:
        """Block until a running report (and a live run) stops (for closing the window)."""
        stopped = self.wait_live(ms)
        if self.worker is None:
            return stopped
        return self.worker.wait(ms / 1000) and stopped

    def shutdown(self) -> None:
        """Stop everything that plays (the window is closing)."""
        self._live_timer.stop()
        self.cancel_live()
        self.cancel()
        self.wait()

    def _progressed(self, done: int, total: int) -> None:
        if self.worker is None:
            return
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        if not self.worker.cancelled:
            self.status.setText(f"Playing… {done:,} of {total:,} games")

    def _reported(self, report: BalanceReport) -> None:
        self.report = report
        self.show_report(report)
        self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"The balance report failed: {type(exc).__name__}: "
                            f"{failure_text(exc)}")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)

    def _thread_done(self) -> None:
        self.worker = None
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.run_button.setEnabled(self.scenario is not None)

    # --- showing ---
    def show_report(self, report: BalanceReport) -> None:
        """Fill the findings, charts and table."""
        played = report.games_played
        self.progress.setRange(0, max(1, report.games_requested))
        self.progress.setValue(played)
        state = "Cancelled — partial results: " if report.cancelled else ""
        self.status.setText(
            f"{state}{played:,} games ({report.per_policy_note}, seed {report.seed}) in "
            f"{report.elapsed:.1f} s on {report.workers} process(es).")
        self.findings.clear()
        notes = report.findings()
        if not notes:
            item = QListWidgetItem("✓ No findings: the expert path beats random play and no "
                                   "single habit wins everywhere.")
            item.setForeground(QColor("#1e7a46"))
            self.findings.addItem(item)
        for note in notes:
            item = QListWidgetItem(f"⚠ {note}")
            item.setToolTip(note)
            self.findings.addItem(item)
        self.findings.setMaximumHeight(min(140, 14 + 36 * max(1, len(notes))))
        self.findings.setVisible(True)
        self.html_button.setEnabled(True)
        self._endings(report)
        self._scores(report)
        self._table(report)

    def _chart_tab(self, chart: QWidget, title: str) -> QLabel:
        """A tab with a chart over its rich-text legend; returns the legend."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(chart, 1)
        legend = QLabel("")
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setWordWrap(True)
        legend.setContentsMargins(8, 2, 8, 6)
        layout.addWidget(legend)
        self.tabs.addTab(page, title)
        return legend

    def _clear_charts(self) -> None:
        for view, title in ((self.endings_chart, "How games end, by policy"),
                            (self.scores_chart, "Score by policy")):
            chart = QChart()
            chart.setTitle(f"{title} — run the report to see it")
            chart.legend().hide()
            view.setChart(chart)

    def _endings(self, report: BalanceReport) -> None:
        chart = QChart()
        chart.setTitle("How games end, by policy (share of games)")
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        series = QHorizontalPercentBarSeries()
        names = list(report.policies)
        used: dict[str, int] = {}
        for ending, title, tone in report.endings:
            bar = QBarSet(f"{title} ({tone})")
            shades = _TONE.get(tone, _TONE["mixed"])
            bar.setColor(QColor(shades[used.get(tone, 0) % len(shades)]))
            bar.setBorderColor(QColor("white"))
            used[tone] = used.get(tone, 0) + 1
            for name in reversed(names):
                bar.append(report.policies[name].endings.get(ending, 0))
            series.append(bar)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append([_short_policy(n) for n in reversed(names)])
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = QValueAxis()
        axis_x.setRange(0, 100)
        axis_x.setLabelFormat("%d%%")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        self.endings_chart.setChart(chart)
        self.endings_legend.setText("  ".join(
            f'<span style="color:{b.color().name()}">■</span>&nbsp;{b.label()}'
            for b in series.barSets()))

    def _scores(self, report: BalanceReport) -> None:
        chart = QChart()
        chart.setTitle("Score by policy (box 25th–75th percentile, whiskers 10th–90th)")
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        series = QBoxPlotSeries()
        series.setBrush(QColor("#90caf9"))
        names: list[str] = []
        tips: dict[str, str] = {}
        for name, r in report.policies.items():
            if r.score is None:
                continue
            s = r.score
            number = str(len(names) + 1)
            box = QBoxSet(s.p10, s.p25, s.p50, s.p75, s.p90, number)
            series.append(box)
            names.append(number)
            tips[number] = (f"{_short_policy(name)}: mean {s.mean:.1f}, median {s.p50:.1f}, "
                            f"25th–75th {s.p25:.1f}–{s.p75:.1f}, 10th–90th {s.p10:.1f}–"
                            f"{s.p90:.1f}")
        series.setBoxWidth(0.6)

        def hovered(status: bool, box: QBoxSet) -> None:
            from PySide6.QtGui import QCursor
            from PySide6.QtWidgets import QToolTip

            if status:
                QToolTip.showText(QCursor.pos(), tips.get(box.label(), ""), self.scores_chart)
            else:
                QToolTip.hideText()

        series.hovered.connect(hovered)
        self.scores_legend.setText(" · ".join(
            f"<b>{i}</b>&nbsp;{_short_policy(n).replace(' ', '&nbsp;')}"
            for i, n in enumerate((n for n, r in report.policies.items() if r.score), 1)))
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append(names)

        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setRange(0, 100)
        axis_y.setTitleText("Score")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        self.scores_chart.setChart(chart)

    def _table(self, report: BalanceReport) -> None:
        rows = report.decision_rows()
        titles = dict(report.nodes)
        ending_titles = {e: t for e, t, _ in report.endings}
        self.decisions.setRowCount(len(rows))
        for i, row in enumerate(rows):
            where = ", ".join(f"{ending_titles.get(e, e)} {c / row.games:.0%}"
                              for e, c in sorted(row.endings.items(), key=lambda kv: -kv[1])
                              ) if row.games else "never taken"
            cells = [titles.get(row.node, row.node), row.label, row.kind, f"{row.games:,}", where]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{row.node} / {row.option}" if j < 2 else text)
                if j == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.decisions.setItem(i, j, item)
        self.decisions.resizeColumnsToContents()
        self.decisions.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch)

    def save_html(self, path: str | None = None) -> str | None:
        """Write the last report as a self-contained HTML page; returns the path."""
        if self.report is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "Save balance report", f"balance-{self.report.scenario_id}.html",
                "HTML pages (*.html)")
            if not path:
                return None
        from pathlib import Path

        from game.analysis.balance_html import render_html

        Path(path).write_text(render_html(self.report), encoding="utf-8")
        self.status.setText(f"Saved the report to {path}")
        return path
