"""The balance panel: run the balance report off the GUI thread and chart it.

The report (:func:`game.analysis.balance.balance_report`) runs as a
background :class:`~game.ui.workers.Job` with a progress bar and a Cancel
button; a cancelled run still shows what was played. Charts use QtCharts: how games end per policy
(stacked bars coloured by the endings' tone) and the score distribution per
policy (box plots: 10th, 25th, 50th, 75th and 90th percentiles). Findings,
the per-decision table and an HTML export complete it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

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
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from game.ui.workers import Job, failure_text

if TYPE_CHECKING:
    from game.analysis.balance import BalanceReport
    from game.scenario.compile import CompiledScenario


_TONE = {"good": ["#2e7d32", "#66bb6a", "#1b5e20"], "mixed": ["#f0a500", "#ffd54f", "#c77c00"],
         "bad": ["#c62828", "#ef5350", "#8e0000"]}


def _short_policy(name: str) -> str:
    return name.replace("always-", "always ").replace("_", "-")


RUN_TIP = "Play every policy many times, in the background (F7 shows this panel)"


class BalancePanel(QWidget):
    """Run, cancel and read the balance report of the scenario in the editor.

    Signals:
        finished(BalanceReport)
    """

    finished = Signal(object)

    def __init__(self, parent: QWidget | None = None, workers: int | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Balance")
        self.workers = workers
        self.scenario: CompiledScenario | None = None
        self.report: BalanceReport | None = None
        self.worker: Job | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        outer.setSpacing(8)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Games per policy"))
        self.games = QSpinBox()
        self.games.setToolTip("Games played by each policy")
        self.games.setRange(10, 200_000)
        self.games.setSingleStep(1000)
        self.games.setValue(2000)
        self.games.setAccessibleName("Games per policy")
        self.games.setToolTip("More games give steadier figures; 10,000 is the usual check")
        controls.addWidget(self.games)
        controls.addWidget(QLabel("Seed"))
        self.seed = QSpinBox()
        self.seed.setToolTip("The same seed always gives the same report")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setAccessibleName("Seed")
        controls.addWidget(self.seed)
        controls.addStretch(1)
        outer.addLayout(controls)
        controls = QHBoxLayout()
        self.run_button = QPushButton("▶  Run balance report")
        self.run_button.setAccessibleName("Run the balance report")
        self.run_button.setToolTip(RUN_TIP)
        self.run_button.setProperty("primary", True)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the balance report; the games played so far are kept")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.html_button = QPushButton("Save HTML report…")
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
        self.findings.setMaximumHeight(120)
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

    # --- running ---
    def set_scenario(self, scenario: CompiledScenario | None) -> None:
        """The scenario to report on (the latest valid text)."""
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
        """Block until a running report stops (for closing the window)."""
        if self.worker is None:
            return True
        return self.worker.wait(ms / 1000)

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
